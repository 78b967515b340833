      * POSTCODE member, copied by ADDRESS (nested)
               10  :PFX:-POSTCODE  PIC X(8).
