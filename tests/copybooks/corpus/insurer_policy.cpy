      *****************************************************************
      *    MOTOR POLICY MASTER                                        *
      *    DRIVERS TABLE KEPT IN ASCENDING DRIVER NUMBER              *
      *****************************************************************
       01  POL-MASTER-REC.
           05  POL-NUMBER                 PIC X(12).
           05  POL-PRODUCT                PIC X(3).
           05  POL-STATUS                 PIC 99.
               88  POL-LIVE               VALUE 10 THRU 19.
               88  POL-LAPSED             VALUE 20 THRU 29.
               88  POL-CANCELLED          VALUE 30 31 39.
           05  POL-START-DATE             PIC 9(8).
           05  POL-RENEWAL-DATE           PIC 9(8).
           05  POL-ANNUAL-PREMIUM         PIC S9(7)V99 COMP-3.
           05  POL-IPT-RATE               PIC SV9(4)   COMP-3.
           05  POL-EXCESS                 PIC S9(5)    COMP-3.
           05  POL-DRIVER-COUNT           PIC 9.
           05  POL-DRIVER                 OCCURS 4 TIMES
                                          ASCENDING KEY IS POL-DRV-NO
                                          INDEXED BY POL-DRV-IX.
               10  POL-DRV-NO             PIC 9(2).
               10  POL-DRV-SURNAME        PIC X(20).
               10  POL-DRV-DOB            PIC 9(8).
               10  POL-DRV-CLAIMS-5YR     PIC 9.
               10  POL-DRV-POINTS         PIC 99.
           05  POL-NCD-YEARS              PIC 99.
