      * SALES SUMMARY - ONE SLOT PER MONTH.  THE TABLE ITSELF IS A
      * FILLER: PROGRAMS ADDRESS SS-MONTH-SALES (WS-MM) DIRECTLY.
      * THE BRANCH KEY IS ALSO SEEN AS AREA + NUMBER THROUGH A
      * FILLER REDEFINES.
       01  SS-SUMMARY.
           05  SS-YEAR                PIC 9(4).
           05  SS-BRANCH-KEY          PIC X(6).
           05  FILLER REDEFINES SS-BRANCH-KEY.
               10  SS-AREA            PIC XX.
               10  SS-BRANCH-NO       PIC 9(4).
           05  FILLER                 OCCURS 12 TIMES.
               10  SS-MONTH-SALES     PIC S9(7)V99 COMP-3.
               10  FILLER             PIC X(2).
               10  SS-MONTH-UNITS     PIC 9(5) COMP.
           05  SS-TOTAL               PIC S9(9)V99 COMP-3.
      * NOTES ON THE SUMMARY: AS MANY AS SS-COUNT SAYS.
       01  SS-NOTES.
           05  SS-COUNT               PIC 9.
           05  FILLER                 OCCURS 1 TO 4 TIMES
                                      DEPENDING ON SS-COUNT.
               10  FILLER.
                   15  SS-NOTE-CODE   PIC X(3).
               10  SS-NOTE-DATE       PIC 9(8).
