       01  BROKEN.
           05  A   PIC X.
               10  B   PIC X.
           05  C   REDEFINES NOPE PIC X.
           05  T   OCCURS 1 TO 5 DEPENDING ON MISSING PIC X.
