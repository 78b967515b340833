      * ADDRESS member: :PFX: is replaced by the COPY
           05  :PFX:-ADDRESS.
               10  :PFX:-STREET    PIC X(30).
               10  :PFX:-CITY      PIC X(20).
               COPY POSTCODE.
