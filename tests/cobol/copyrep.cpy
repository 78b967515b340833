      *----------------------------------------------------------------*
      * COPYREP-REC: assembled from members in tests/cobol/members/   *
      * with COPY ... REPLACING (a nested COPY, a :PFX: placeholder,   *
      * and a PIC changed by pseudo-text). Written by copyrep.cbl.     *
      *----------------------------------------------------------------*
       01  COPYREP-REC.
           05  REC-NO                  PIC 9(2).
           COPY PARTY REPLACING ==:PFX:== BY ==BUYER==.
           COPY PARTY REPLACING ==:PFX:== BY ==SELLER==
                                ==X(12)== BY ==X(6)==.
           05  AMOUNT                  PIC S9(5)V99.
