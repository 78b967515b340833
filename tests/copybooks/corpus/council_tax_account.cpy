      / COUNCIL TAX - ACCOUNT RECORD (CTAXACC)
      * AMOUNTS IN POUNDS AND PENCE.  TEN INSTALMENTS PER YEAR.
      *
       01  CT-ACCOUNT.
           03  CT-ACCOUNT-REF          PIC X(10).
           03  CT-PROPERTY-REF         PIC X(12).
           03  CT-BAND                 PIC X.
               88  CT-BAND-VALID       VALUE 'A' THRU 'H'.
           03  CT-DISCOUNT-CODE        PIC XX.
               88  CT-SINGLE-PERSON    VALUE 'SP'.
               88  CT-NO-DISCOUNT      VALUE SPACES.
           03  CT-ANNUAL-CHARGE        PIC S9(7)V99 COMP-3.
           03  CT-BALANCE              PIC S9(7)V99 COMP-3.
           03  CT-INSTALMENT-COUNT     PIC 99.
           03  CT-INSTALMENT           OCCURS 10 TIMES
                                       INDEXED BY CT-INST-IX.
               05  CT-INST-DUE-DATE    PIC 9(8).
               05  CT-INST-AMOUNT      PIC S9(5)V99 COMP-3.
               05  CT-INST-PAID-FLAG   PIC X.
                   88  CT-INST-PAID    VALUE 'Y'.
