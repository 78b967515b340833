      * ANTI-SOCIAL BEHAVIOUR CASE - LONG LITERAL CONTINUED
       01  AS-CASE.
           05  AS-CASE-NO                 PIC 9(8).
           05  AS-CATEGORY                PIC X(40).
               88  AS-CAT-NOISE   VALUE 'NOISE NUISANCE FROM DOMESTIC P
      -    'REMISES'.
           05  AS-OFFICER                 PIC X(7).
           05  AS-BANNER PIC X(50)           VALUE 'ANTI-SOCIAL BEHAVIO
      -    'UR UNIT - CASE SUMMARY'.
           05  AS-OPENED                  PIC 9(8).
