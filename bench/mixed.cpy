      *----------------------------------------------------------------*
      * ORDER-REC: benchmark record, a mix (250 bytes): text, zoned,    *
      * COMP-3 and COMP items, a nested group and an OCCURS 5 of order *
      * lines, as in issue 11's decode figure. Fictional.              *
      *----------------------------------------------------------------*
       01  ORDER-REC.
           05  ORDER-ID                PIC X(12).
           05  CUSTOMER-NO             PIC 9(9).
           05  ORDER-DATE              PIC 9(8).
           05  STATUS-CODE             PIC X(1).
           05  CUSTOMER.
               10  SURNAME             PIC X(24).
               10  TOWN                PIC X(20).
               10  COUNTRY             PIC X(2).
               10  CREDIT-LIMIT        PIC S9(7)V99 COMP-3.
           05  TOTAL-AMOUNT            PIC S9(11)V99 COMP-3.
           05  TAX-AMOUNT              PIC S9(9)V99 COMP-3.
           05  DISCOUNT-PCT            PIC S9(3)V99.
           05  LINE-COUNT              PIC S9(4) COMP.
           05  ORDER-LINE OCCURS 5 TIMES.
               10  SKU                 PIC X(10).
               10  QTY                 PIC S9(5) COMP-3.
               10  UNIT-PRICE          PIC S9(7)V99 COMP-3.
               10  LINE-FLAG           PIC X(1).
               10  WEIGHT              PIC 9(4)V9.
           05  SEQ-NO                  PIC S9(9) COMP.
           05  CREATED-DATE            PIC 9(8).
           05  CREATED-TIME            PIC 9(6).
           05  DESCRIPTION             PIC X(11).
