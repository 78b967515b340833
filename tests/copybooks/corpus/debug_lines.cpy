      * TRADING STANDARDS VISIT - DEBUG LINES LEFT IN THE MEMBER
       01  TS-VISIT.
           05  TS-VISIT-NO                PIC 9(8).
           05  TS-TRADER-REF              PIC X(10).
      D   05  TS-DEBUG-TRACE             PIC X(20).
           05  TS-OUTCOME                 PIC X(2).
           05  TS-FINE                    PIC S9(5)V99 COMP-3.
