      * PARKING TARIFF RATES (EXPORT CUT AT THE END OF THE MEMBER)
       01  TR-RATE.
           05  RATE-KEY.
               10  RATE-REGION            PIC XX.
               10  RATE-BAND              PIC X(4).
           05  RATE-VALUE                 PIC 9(3)V99.
           05  RATE-EFFECTIVE             PIC 9(8)
