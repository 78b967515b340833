      * DEDUCTIONS RECORD - LEVELS STEP 01 / 03 / 07 / 11 AS IN THE
      * ORIGINAL 1987 LAYOUT.  FILLERS RESERVE SPACE FOR NEW CODES.
       01  DED-RECORD.
         03  DED-EMP-NO              PIC 9(7).
         03  FILLER                  PIC X(3).
         03  DED-PERIOD.
             07  DED-TAX-YEAR        PIC 9(4).
             07  DED-TAX-WEEK        PIC 99.
             07  FILLER              PIC X.
         03  DED-ITEMS.
             07  DED-ITEM            OCCURS 6 TIMES.
                 11  DED-CODE        PIC X(3).
                 11  DED-AMOUNT      PIC S9(5)V99 COMP-3.
                 11  FILLER          PIC X(2).
         03  FILLER.
             07  DED-UNION-CODE      PIC X(4).
             07  DED-UNION-AMOUNT    PIC S9(3)V99 COMP-3.
         03  DED-TOTAL               PIC S9(7)V99 COMP-3.
         03  FILLER                  PIC X(12).
