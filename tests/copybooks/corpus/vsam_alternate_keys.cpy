      ******************************************************************
      *  BUSINESS RATES PAYER - KSDS, ALTERNATE INDEX ON PAYER NAME    *
      ******************************************************************
       01  BRP-PAYER-REC.
           05  BRP-PRIME-KEY.
               10  BRP-AUTHORITY          PIC X(4).
               10  BRP-PAYER-NO           PIC 9(10).
           05  BRP-ALT-KEY-NAME           PIC X(30).
           05  BRP-ALT-KEY-POSTCODE       PIC X(8).
           05  BRP-ACCOUNT-BALANCE        PIC S9(9)V99 COMP-3.
           05  BRP-LAST-PAYMENT.
               10  BRP-LAST-PAY-DATE      PIC 9(8).
               10  BRP-LAST-PAY-AMOUNT    PIC S9(7)V99 COMP-3.
               10  BRP-LAST-PAY-METHOD    PIC X.
                   88  BRP-BY-DD          VALUE 'D'.
                   88  BRP-BY-CARD        VALUE 'C'.
           05  BRP-RECOVERY-STAGE         PIC 9.
               88  BRP-NO-ACTION          VALUE 0.
               88  BRP-REMINDER           VALUE 1 2.
               88  BRP-SUMMONS            VALUE 3 THRU 5.
