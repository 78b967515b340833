       01  PAYMENT.
           05  PAY-TYPE        PIC X.
           05  PAY-DATA        PIC X(20).
           05  CARD-DATA REDEFINES PAY-DATA.
               10  CARD-NO     PIC 9(16).
               10  CARD-EXP    PIC 9(4).
           05  BANK-DATA REDEFINES PAY-DATA.
               10  IBAN        PIC X(22).
