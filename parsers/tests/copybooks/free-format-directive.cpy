>>SOURCE FORMAT FREE
*> PAYMENT - free format
01 PAYMENT.
  05 PAY-ID PIC X(12). *> external id
  05 PAY-AMOUNT PIC S9(13)V99 COMP-3.                                                       *> long line
  05 PAY-CURRENCY PIC X(3) VALUE 'EUR'.
  05 PAY-NOTE PIC X(40).
