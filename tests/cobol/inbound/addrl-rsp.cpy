      * Inbound test: the addresses at a postcode, from an API that
      * answers a list: a fixed table with its own count, a table of
      * single items, and a DEPENDING ON table at the end.
       01 ADDR-LIST.
           05 RESULT-CODE        PIC 9(2).
           05 MESSAGE-TEXT       PIC X(40).
           05 MATCH-COUNT        PIC 9(2).
           05 MATCHES OCCURS 3 TIMES.
              10 HOUSE           PIC X(6).
              10 STREET          PIC X(20).
              10 UPRN            PIC 9(12).
              10 PHONE           PIC X(11) OCCURS 2 TIMES.
           05 TAGS               PIC X(4) OCCURS 2 TIMES.
           05 NEAR-COUNT         PIC 9(2).
           05 NEARBY OCCURS 0 TO 2 TIMES DEPENDING ON NEAR-COUNT.
              10 NAME            PIC X(10).
