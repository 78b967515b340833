      * ARREARS REPORT - DETAIL PRINT LINE (133 BYTES WITH CC)
       01  AR-DETAIL-LINE.
           05  AR-CC                      PIC X.
           05  AR-ACCOUNT                 PIC X(10).
           05  FILLER                     PIC X(2).
           05  AR-DAYS-OVERDUE            PIC ZZZ9.
           05  FILLER                     PIC X(2).
           05  AR-ARREARS                 PIC $$$,$$9.99.
           05  FILLER                     PIC X(2).
           05  AR-INTEREST                PIC ZZ,ZZ9.99CR.
           05  FILLER                     PIC X(2).
           05  AR-MOVEMENT                PIC -,---,--9.99.
           05  FILLER                     PIC X(2).
           05  AR-CHEQUE-AMOUNT           PIC ***,**9.99.
           05  FILLER                     PIC X(2).
           05  AR-ADJUSTMENT              PIC +ZZ,ZZ9.99.
           05  FILLER                     PIC X(2).
           05  AR-WRITE-OFF               PIC ZZZ,ZZ9.99DB.
           05  FILLER                     PIC X(2).
           05  AR-RUN-REF                 PIC 99B999B99.
           05  AR-PAGE                    PIC ZZ9.
           05  FILLER                     PIC X(40).
