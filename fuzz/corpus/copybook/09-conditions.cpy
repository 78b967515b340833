       01  ACCOUNT.
           05  ACCT-STATUS     PIC X VALUE 'A'.
               88  ACCT-ACTIVE     VALUE 'A'.
               88  ACCT-CLOSED     VALUES ARE 'C', 'X'.
           05  ACCT-AGE        PIC 999 VALUE ZERO.
               88  ACCT-ADULT      VALUE 18 THRU 150.
           05  ACCT-FLAGS      PIC X(3) VALUE ALL '*'.
           05  ACCT-RAW        PIC X(2) VALUE X'00FF'.
           05  ACCT-LIMIT      PIC S9(5)V99 VALUE -12.50.
