      *----------------------------------------------------------------*
      * POSITION-REC: benchmark record, COMP-3 heavy (252 bytes).      *
      * Mostly packed decimals with scales, some binary and text, a    *
      * nested group and an OCCURS. Fictional.                         *
      *----------------------------------------------------------------*
       01  POSITION-REC.
           05  POS-ID                  PIC X(12).
           05  ACCOUNT-NO              PIC S9(11) COMP-3.
           05  AS-OF-DATE              PIC 9(8) COMP-3.
           05  STATUS-CODE             PIC X(2).
           05  BALANCES.
               10  OPENING-BAL         PIC S9(13)V99 COMP-3.
               10  CLOSING-BAL         PIC S9(13)V99 COMP-3.
               10  AVAILABLE-BAL       PIC S9(13)V99 COMP-3.
               10  ACCRUED-INT         PIC S9(9)V9(6) COMP-3.
               10  LIMITS.
                   15  CREDIT-LIMIT    PIC S9(11)V99 COMP-3.
                   15  OVERDRAFT-LIM   PIC S9(9)V99 COMP-3.
           05  RATES.
               10  BASE-RATE           PIC S9(3)V9(5) COMP-3.
               10  MARGIN              PIC S9(3)V9(5) COMP-3.
           05  MONTHLY OCCURS 8 TIMES.
               10  MONTH-DEBITS        PIC S9(9)V99 COMP-3.
               10  MONTH-CREDITS       PIC S9(9)V99 COMP-3.
               10  MONTH-TXNS          PIC S9(5) COMP-3.
           05  TXN-COUNT               PIC S9(9) COMP.
           05  BRANCH-ID               PIC S9(4) COMP.
           05  SEQ-NO                  PIC S9(18) COMP.
           05  CURRENCY                PIC X(3).
           05  FX-RATE                 PIC S9(5)V9(10) COMP-3.
           05  FEES                    PIC S9(7)V99 COMP-3.
           05  TAX                     PIC S9(7)V99 COMP-3.
           05  RISK-WEIGHT             PIC S9V9(4) COMP-3.
           05  PRODUCT-CODE            PIC X(8).
           05  LAST-TXN-AMT            PIC S9(9)V99 COMP-3.
