      *----------------------------------------------------------------*
      * TEXT-REC: Latin-1 text, nested groups, fixed OCCURS (nested),  *
      * REDEFINES and JUSTIFIED RIGHT. Written by text.cbl.            *
      *----------------------------------------------------------------*
       01  TEXT-REC.
           05  REC-NO                  PIC 9(2).
           05  CUSTOMER.
               10  CUST-NAME.
                   15  SURNAME         PIC X(12).
                   15  FORENAME        PIC X(10).
               10  ADDRESS-LINES.
                   15  ADDR-LINE-1     PIC X(20).
                   15  ADDR-LINE-2     PIC X(20).
               10  EMPTY-TEXT          PIC X(4).
               10  RIGHT-TEXT          PIC X(8) JUSTIFIED RIGHT.
           05  CONTACT.
               10  CONTACT-KIND        PIC X.
                   88  BY-PHONE        VALUE 'P'.
                   88  BY-EMAIL        VALUE 'E'.
               10  CONTACT-DATA        PIC X(16).
           05  PHONE REDEFINES CONTACT.
               10  FILLER              PIC X.
               10  AREA-CODE           PIC 9(4).
               10  PHONE-NO            PIC 9(8).
               10  FILLER              PIC X(4).
           05  AMOUNT-TEXT             PIC X(6).
           05  AMOUNT-NUM REDEFINES AMOUNT-TEXT
                                       PIC S9(4)V99.
           05  FILLER                  PIC X(2).
           05  REGIONS OCCURS 2 TIMES.
               10  REGION-CODE         PIC X(3).
               10  MONTHLY OCCURS 3 TIMES.
                   15  SALES           PIC S9(5)V99 COMP-3.
                   15  UNITS           PIC 9(4).
           05  TAGS                    PIC X(2) OCCURS 4 TIMES.
