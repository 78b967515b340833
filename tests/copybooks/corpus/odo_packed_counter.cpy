      * BENEFIT CLAIM - PAYMENT HISTORY, COUNTER IN THE HEADER GROUP
       01  HB-CLAIM.
           05  HB-HEADER.
               10  HB-CLAIM-REF           PIC X(10).
               10  HB-WEEKLY-AWARD        PIC S9(5)V99 COMP-3.
               10  HB-PAYMENT-COUNT       PIC S9(3) COMP-3.
           05  HB-PAYMENT                 OCCURS 0 TO 20
                                          DEPENDING ON HB-PAYMENT-COUNT
                                          INDEXED BY HB-PAY-IX.
               10  HB-PAY-DATE            PIC 9(8).
               10  HB-PAY-AMOUNT          PIC S9(5)V99 COMP-3.
