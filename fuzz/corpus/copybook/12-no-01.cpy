           05  ITEM-A          PIC X(5).
           05  ITEM-B.
               10  ITEM-B1     PIC 9(3).
               10  ITEM-B2     PIC S9(3) SIGN LEADING SEPARATE.
