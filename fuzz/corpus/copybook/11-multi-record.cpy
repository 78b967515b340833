       01  REQUEST-REC.
           05  REQ-CODE        PIC X(4).
           05  REQ-KEY         PIC 9(10).
       01  RESPONSE-REC.
           05  RESP-CODE       PIC X(4).
           05  RESP-TEXT       PIC X(80).
       77  WS-COUNTER          PIC S9(4) COMP.
