      *----------------------------------------------------------------*
      * BINARY-REC: binary integers (COMP, COMP-4, BINARY: big-endian; *
      * COMP-5: native) in 2, 4 and 8 bytes, signed and unsigned, with *
      * scale, and COMP-1/COMP-2 floats. Written by binary.cbl.        *
      *----------------------------------------------------------------*
       01  BINARY-REC.
           05  REC-NO                  PIC 9(4) COMP.
           05  BIG-ENDIAN-NUMS.
               10  B-S4                PIC S9(4) COMP.
               10  B-U4                PIC 9(4) COMP.
               10  B-S2V2              PIC S99V99 COMP-4.
               10  B-S9                PIC S9(9) BINARY.
               10  B-U9                PIC 9(9) USAGE BINARY.
               10  B-S7V2              PIC S9(7)V99 COMP.
               10  B-S18               PIC S9(18) COMP.
               10  B-U18               PIC 9(18) COMP.
               10  B-S10V8             PIC S9(10)V9(8) COMP-4.
               10  B-S1                PIC S9 COMP.
               10  B-U5                PIC 9(5) COMP.
           05  NATIVE-NUMS.
               10  N-S4                PIC S9(4) COMP-5.
               10  N-U4                PIC 9(4) COMP-5.
               10  N-S9                PIC S9(9) COMP-5.
               10  N-U9                PIC 9(9) COMP-5.
               10  N-S5V4              PIC S9(5)V9(4) COMP-5.
               10  N-S18               PIC S9(18) COMP-5.
               10  N-U18               PIC 9(18) COMP-5.
           05  FLOATS.
               10  F-SINGLE            COMP-1.
               10  F-DOUBLE            COMP-2.
               10  F-PAIR              COMP-2 OCCURS 2 TIMES.
