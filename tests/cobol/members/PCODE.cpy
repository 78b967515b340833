      * PCODE: copied by PARTY; the outer REPLACING reaches it too.
               10  :PFX:-CODE          PIC S9(4).
