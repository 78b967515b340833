      *****************************************************************
      *  METER READ HISTORY - VARIABLE LENGTH (ODO ON MR-READ-COUNT)
      *****************************************************************
       01  MR-HISTORY-REC.
           05  MR-MPAN                    PIC X(13).
           05  MR-METER-SERIAL            PIC X(10).
           05  MR-TARIFF                  PIC X(4).
           05  MR-READ-COUNT              PIC S9(4) COMP.
           05  MR-READ                    OCCURS 1 TO 12 TIMES
                                          DEPENDING ON MR-READ-COUNT.
               10  MR-READ-DATE           PIC 9(8).
               10  MR-READ-TYPE           PIC X.
                   88  MR-ACTUAL          VALUE 'A'.
                   88  MR-ESTIMATED       VALUE 'E'.
               10  MR-READ-VALUE          PIC 9(7)V9 COMP-3.
