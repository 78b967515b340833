      * FIXED 80-BYTE CARD-IMAGE EXTRACT FOR THE OLD BACS BUREAU
       01  BX-CARD.
           05  BX-DEST-SORT               PIC 9(6).
           05  BX-DEST-ACCOUNT            PIC 9(8).
           05  BX-TXN-CODE                PIC 99.
           05  BX-ORIG-SORT               PIC 9(6).
           05  BX-ORIG-ACCOUNT            PIC 9(8).
           05  FILLER                     PIC X(4).
           05  BX-AMOUNT-PENCE            PIC 9(11).
           05  BX-ORIG-NAME               PIC X(18).
           05  BX-REFERENCE               PIC X(17).
