      * MICRO FOCUS STYLE - COMP-X COUNTERS AND FLAGS
       01  MF-CONTROL-REC.
           05  MF-REC-TYPE                PIC X(2).
           05  MF-COUNTER                 PIC 9(4) COMP-X.
           05  MF-FLAGS                   PIC X(2) COMP-X.
           05  MF-SEQ-NO                  PIC 9(5) COMP-X.
           05  MF-FILE-POS                PIC 9(12) COMP-X.
           05  MF-HANDLE                  PIC X(6) COMP-X.
           05  MF-TOTAL                   PIC 9(16) COMP-X.
           05  MF-RATE                    PIC 9(3)V99 COMP-X.
           05  MF-BALANCE                 PIC S9(7)V99 COMP-3.
