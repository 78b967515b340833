       01  ALIGNED.
           05  FLAG            PIC X.
           05  WORD            PIC S9(9) COMP SYNC.
           05  HALF            PIC S9(4) COMP SYNCHRONIZED LEFT.
           05  DBL             COMP-2 SYNC.
