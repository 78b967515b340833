      * SUPPLIER RECORD - NAMES THAT BEGIN WITH COBOL WORDS
       01  SUPPLIER-REC.
           05  COMP-CODE                  PIC X(4).
           05  COMPANY-NAME               PIC X(30).
           05  COMPUTED-DISCOUNT          PIC S9(3)V99 COMP-3.
           05  VALUE-DATE                 PIC 9(8).
           05  DISPLAY-NAME               PIC X(20).
           05  SIGN-ON-ID                 PIC X(8).
           05  INDEX-NO                   PIC 9(4).
           05  BINARY-FLAG                PIC X.
           05  PACKED-TOTAL               PIC S9(7)V99 COMP-3.
           05  USAGE-COUNT                PIC 9(5).
