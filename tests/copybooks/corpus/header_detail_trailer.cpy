      * PENSION CONTRIBUTIONS FILE - HEADER, DETAIL AND TRAILER LAYOUTS
       01  PC-HEADER.
           05  PC-HDR-TYPE                PIC X VALUE 'H'.
           05  PC-HDR-SCHEME              PIC X(8).
           05  PC-HDR-RUN-DATE            PIC 9(8).
           05  FILLER                     PIC X(23).
       01  PC-DETAIL.
           05  PC-DTL-TYPE                PIC X.
           05  PC-DTL-MEMBER              PIC 9(9).
           05  PC-DTL-EMPLOYEE-AMT        PIC S9(5)V99 COMP-3.
           05  PC-DTL-EMPLOYER-AMT        PIC S9(5)V99 COMP-3.
           05  PC-DTL-PENSIONABLE-PAY     PIC S9(7)V99 COMP-3.
           05  FILLER                     PIC X(17).
       01  PC-TRAILER.
           05  PC-TRL-TYPE                PIC X.
           05  PC-TRL-COUNT               PIC 9(7).
           05  PC-TRL-TOTAL               PIC S9(11)V99.
           05  FILLER                     PIC X(19).
