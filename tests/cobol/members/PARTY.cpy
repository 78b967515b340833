      * PARTY: one party of a trade. `:PFX:` is a placeholder that the
      * COPY statement replaces (COPY PARTY REPLACING ==:PFX:== BY ...).
           05  :PFX:-PARTY.
               10  :PFX:-NAME          PIC X(12).
               COPY PCODE.
