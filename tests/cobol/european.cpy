      *----------------------------------------------------------------*
      * EUROPEAN-REC: amounts edited under DECIMAL-POINT IS COMMA, a   *
      * currency sign L (CURRENCY SIGN IS "L"), names that begin or  *
      * end with COBOL keywords, a group SIGN clause, skipped levels.  *
      *----------------------------------------------------------------*
       01  EUROPEAN-REC.
           03  REC-NO                  PIC 9(2).
           03  COMPANY-NAME            PIC X(12).
           03  COMP-CODE               PIC X(3).
           03  COMPUTED-TAX            PIC S9(5)V99 COMP-3.
           03  DATES-X.
               07  VALUE-DATE          PIC 9(8).
               07  SYNC-TS             PIC 9(6).
           03  AMOUNT-EU               PIC Z.ZZZ.ZZ9,99.
           03  NET-EU                  PIC --.---.--9,99.
           03  PRICE-GBP               PIC LLL.LL9,99.
           03  CHECK-AMT               PIC **.**9,99.
           03  CREDIT-EU               PIC ZZ.ZZ9,99CR.
           03  SIGN-GROUP              SIGN IS LEADING SEPARATE.
               05  SIGN-FLAG-N         PIC S9(4).
               05  X-COMP              PIC S9(3)V9.
           03  USAGE-X                 PIC X(2).
           03  OCCURS-N                PIC 9(2).
           03  TIMES-X                 PIC X OCCURS 2 TIMES.
           03  INDEXED-BY              PIC X.
