       01  BROKEN.
           05  A   PIC 9(0).
           05  B   PIC .
           05  C   PIC 9V9V9.
