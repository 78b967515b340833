      *----------------------------------------------------------------*
      * ZONED-REC: zoned decimal (USAGE DISPLAY) numbers in every sign *
      * form COBOL has, written by tests/cobol/zoned.cbl.              *
      *----------------------------------------------------------------*
       01  ZONED-REC.
           05  REC-NO                  PIC 9(2).
           05  UNSIGNED-NUMS.
               10  U1                  PIC 9.
               10  U5                  PIC 9(5).
               10  U5V2                PIC 9(5)V99.
               10  U18                 PIC 9(18).
               10  UV3                 PIC V999.
           05  TRAILING-OVERPUNCH.
               10  S1                  PIC S9.
               10  S5                  PIC S9(5).
               10  S5V2                PIC S9(5)V99.
               10  S18                 PIC S9(18).
               10  S1V17               PIC S9V9(17).
               10  SV4                 PIC SV9(4).
           05  S-LEAD                  PIC S9(5)V99 SIGN LEADING.
           05  S-LEAD-1                PIC S9 SIGN IS LEADING.
           05  S-TRAIL-EXPLICIT        PIC S9(4) SIGN TRAILING.
           05  S-TRAIL-SEP             PIC S9(5)V99
                                       SIGN TRAILING SEPARATE.
           05  S-LEAD-SEP              PIC S9(5)V99
                                       SIGN LEADING SEPARATE CHARACTER.
           05  S-LEAD-SEP-18           PIC S9(18)
                                       SIGN IS LEADING SEPARATE.
           05  S31                     PIC S9(31).
           05  S-SCALED-P              PIC S9(3)P(2).
           05  S-FRAC-P                PIC SVP(2)9(3).
           05  FILLER                  PIC X(3).
