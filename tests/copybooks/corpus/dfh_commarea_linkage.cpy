      *****************************************************************
      *  LINKAGE FOR PROGRAM BNKINQ1 - COMMAREA OF 200 BYTES          *
      *****************************************************************
       01  DFHCOMMAREA.
           05  CA-FUNCTION                PIC X.
               88  CA-INQUIRE             VALUE 'I'.
               88  CA-UPDATE              VALUE 'U'.
           05  CA-RESP                    PIC S9(8) COMP.
           05  CA-RESP2                   PIC S9(8) COMP.
           05  CA-DATA                    PIC X(191).
           05  CA-INQ-DATA REDEFINES CA-DATA.
               10  CA-INQ-SORT-CODE       PIC 9(6).
               10  CA-INQ-ACCOUNT         PIC 9(8).
               10  CA-INQ-BALANCE         PIC S9(11)V99 COMP-3.
               10  CA-INQ-AVAILABLE       PIC S9(11)V99 COMP-3.
               10  FILLER                 PIC X(163).
