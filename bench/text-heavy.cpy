      *----------------------------------------------------------------*
      * TXN-REC: benchmark record, text and zoned heavy (250 bytes).   *
      * Mostly PIC X and DISPLAY numbers, a nested group, an OCCURS,   *
      * two COMP-3 and two COMP items. Fictional.                      *
      *----------------------------------------------------------------*
       01  TXN-REC.
           05  TXN-ID                  PIC X(16).
           05  ACCOUNT-NO              PIC 9(10).
           05  BRANCH-CODE             PIC X(6).
           05  CUSTOMER.
               10  SURNAME             PIC X(24).
               10  FORENAME            PIC X(16).
               10  BIRTH-DATE          PIC 9(8).
               10  ADDRESS.
                   15  STREET          PIC X(30).
                   15  TOWN            PIC X(20).
                   15  POSTCODE        PIC X(8).
           05  TXN-DATE                PIC 9(8).
           05  TXN-TIME                PIC 9(6).
           05  AMOUNT                  PIC S9(9)V99.
           05  BALANCE                 PIC S9(11)V99.
           05  CURRENCY                PIC X(3).
           05  DESCRIPTION             PIC X(30).
           05  TAGS OCCURS 3 TIMES.
               10  TAG-CODE            PIC X(4).
               10  TAG-VALUE           PIC 9(5).
           05  FEE                     PIC S9(5)V99 COMP-3.
           05  RATE                    PIC S9(3)V9(4) COMP-3.
           05  SEQ-NO                  PIC S9(8) COMP.
           05  CHANNEL                 PIC S9(4) COMP.
