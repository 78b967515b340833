      *----------------------------------------------------------------*
      * PACKED-REC: packed decimal (COMP-3 / PACKED-DECIMAL) numbers,  *
      * odd and even digit counts, signed and unsigned, with scale,    *
      * written by tests/cobol/packed.cbl.                             *
      *----------------------------------------------------------------*
       01  PACKED-REC.
           05  REC-NO                  PIC 9(2) COMP-3.
           05  P-U1                    PIC 9 COMP-3.
           05  P-U2                    PIC 9(2) COMP-3.
           05  P-U7                    PIC 9(7) COMP-3.
           05  P-U6V2                  PIC 9(6)V99 USAGE COMP-3.
           05  P-S1                    PIC S9 COMP-3.
           05  P-S4                    PIC S9(4) COMP-3.
           05  P-S5                    PIC S9(5) COMP-3.
           05  P-S5V2                  PIC S9(5)V99 PACKED-DECIMAL.
           05  P-S9V9                  PIC S9(9)V9 COMP-3.
           05  P-SV5                   PIC SV9(5) COMP-3.
           05  P-S18                   PIC S9(18) COMP-3.
           05  P-S15V3                 PIC S9(15)V9(3) COMP-3.
           05  P-U18                   PIC 9(18) COMP-3.
           05  P-S31                   PIC S9(31) COMP-3.
           05  P-S13V18                PIC S9(13)V9(18) COMP-3.
           05  P-TABLE.
               10  P-ITEM              PIC S9(3)V9 COMP-3
                                       OCCURS 3 TIMES.
      * Raw bytes seen as an unsigned packed number: some records put
      * a negative sign nibble there, which is not NUMERIC for 9(3).
           05  RAW-PACKED              PIC X(2).
           05  RAW-PACKED-NUM REDEFINES RAW-PACKED
                                       PIC 9(3) COMP-3.
