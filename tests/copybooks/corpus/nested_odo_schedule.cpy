      * REFUSE COLLECTION SCHEDULE - ROUNDS WITHIN DAYS, BOTH VARIABLE
       01  RC-SCHEDULE.
           05  RC-DEPOT                   PIC X(4).
           05  RC-DAY-COUNT               PIC 9.
           05  RC-DAY OCCURS 1 TO 7 TIMES DEPENDING ON RC-DAY-COUNT.
               10  RC-DAY-NAME            PIC X(3).
               10  RC-ROUND-COUNT         PIC 9.
               10  RC-ROUND OCCURS 1 TO 5 TIMES
                            DEPENDING ON RC-ROUND-COUNT.
                   15  RC-ROUND-ID        PIC X(4).
                   15  RC-BINS            PIC 9(4).
