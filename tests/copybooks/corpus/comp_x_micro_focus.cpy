      * MICRO FOCUS STYLE - COMP-X COUNTERS AND FLAGS
       01  MF-CONTROL-REC.
           05  MF-REC-TYPE                PIC X(2).
           05  MF-COUNTER                 PIC 9(4) COMP-X.
           05  MF-FLAGS                   PIC X(2) COMP-X.
           05  MF-BALANCE                 PIC S9(7)V99 COMP-3.
