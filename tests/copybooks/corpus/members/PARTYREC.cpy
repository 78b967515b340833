      * PARTY RECORD TEMPLATE - COPY WITH REPLACING ==:PFX:== BY ==XXX==
       01  :PFX:-PARTY.
           05  :PFX:-PARTY-ID             PIC 9(9).
           05  :PFX:-PARTY-TYPE           PIC X.
               88  :PFX:-PERSON           VALUE 'P'.
               88  :PFX:-ORGANISATION     VALUE 'O'.
           05  :PFX:-NAME                 PIC X(40).
           05  :PFX:-RISK-SCORE           PIC S9(3) COMP-3.
