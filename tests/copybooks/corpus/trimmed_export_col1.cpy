*> exported from the library with the sequence area cut off
01 LB-LOAN-REC.
   05 LB-LOAN-ID             PIC X(10).
   05 LB-BORROWER-ID         PIC 9(9).
   05 LB-PRINCIPAL           PIC S9(9)V99 COMP-3.
   05 LB-RATE                PIC S9V9(5) COMP-3.
   05 LB-TERM-MONTHS         PIC 9(3).
   05 LB-SCHEDULE OCCURS 3.
      10 LB-DUE-DATE         PIC 9(8).
      10 LB-DUE-AMOUNT       PIC S9(7)V99 COMP-3.
   05 LB-ARREARS-FLAG        PIC X.
      88 LB-IN-ARREARS       VALUE 'Y'.
