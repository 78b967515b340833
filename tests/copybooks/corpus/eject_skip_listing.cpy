      * HOUSING REPAIRS JOB - LISTING CONTROL BETWEEN ENTRIES
       01  HR-REPAIR-JOB.
           05  HR-JOB-NO                  PIC 9(9).
           05  HR-PROPERTY                PIC X(12).
           EJECT
           05  HR-PRIORITY                PIC X.
               88  HR-EMERGENCY           VALUE 'E'.
           SKIP1
           05  HR-TRADE                   PIC X(3).
           SKIP2
           05  HR-RAISED                  PIC 9(8).
           SKIP3
           05  HR-ESTIMATE                PIC S9(5)V99 COMP-3.
