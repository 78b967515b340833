      *----------------------------------------------------------------*
      * DIGITS38-REC: numbers with more than IBM's 31 digits, which    *
      * GnuCOBOL allows (up to 38). Written by digits38.cbl.           *
      *----------------------------------------------------------------*
       01  DIGITS38-REC.
           05  REC-NO                  PIC 9(2).
           05  Z-S38                   PIC S9(38).
           05  Z-S20V18                PIC S9(20)V9(18).
           05  P-S38                   PIC S9(38) COMP-3.
           05  P-U32                   PIC 9(32) COMP-3.
           05  P-S20V18                PIC S9(20)V9(18) COMP-3.
