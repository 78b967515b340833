      * TRAFFIC COUNTS - BINARY ITEMS OF EVERY WIDTH
       01  TC-COUNT-REC.
           05  TC-SITE                    PIC X(6).
           05  TC-HOUR                    PIC 9(2)  COMP.
           05  TC-VEHICLES                PIC 9(4)  COMP-4.
           05  TC-AXLES                   PIC S9(9) BINARY.
           05  TC-CUMULATIVE              PIC S9(18) COMP.
           05  TC-SPEED-AVG               PIC S9(3)V9 COMP.
           05  TC-LOCAL-COUNT             PIC S9(4) COMP-5.
           05  TC-LOCAL-TOTAL             PIC 9(9)  COMP-5.
           05  TC-YEAR-TOTAL              PIC 9(12) COMPUTATIONAL.
