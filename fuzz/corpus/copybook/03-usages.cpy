       01  ALL-USAGES.
           05  A   PIC S9(4)   COMP.
           05  B   PIC S9(9)   BINARY.
           05  C   PIC S9(18)  COMP-4.
           05  D   PIC 9(4)    COMP-5.
           05  E   PIC S9(5)V9 COMP-3.
           05  F   PIC S9(5)V9 PACKED-DECIMAL.
           05  G   COMP-1.
           05  H   COMP-2.
           05  I   PIC N(5).
           05  J   PIC X(4) USAGE IS NATIONAL.
           05  K   USAGE INDEX.
           05  L   POINTER.
