      *----------------------------------------------------------------*
      * HOST-REC: a mainframe-style record: EBCDIC (cp037) text and    *
      * zoned numbers, packed and big-endian binary numbers. Written   *
      * by ebcdic.cbl, which converts its DISPLAY fields to cp037.     *
      *----------------------------------------------------------------*
       01  HOST-REC.
           05  ACCOUNT-ID              PIC X(10).
           05  HOLDER-NAME             PIC X(20).
           05  BRANCH                  PIC 9(4).
           05  BALANCE                 PIC S9(9)V99 COMP-3.
           05  CREDIT-LIMIT            PIC S9(7)V99.
           05  RATE                    PIC SV9(5)
                                       SIGN LEADING SEPARATE.
           05  LAST-TXN-AMT            PIC S9(5)V99
                                       SIGN TRAILING SEPARATE.
           05  ADJUSTMENT              PIC S9(3) SIGN LEADING.
           05  TXN-COUNT               PIC S9(8) COMP.
           05  BRANCH-BIN              PIC 9(4) BINARY.
           05  FLAGS                   PIC X OCCURS 3 TIMES.
           05  UNSIGNED-PACKED         PIC 9(5) COMP-3.
           05  MEMO                    PIC X(12).
           05  MEMO-CODED REDEFINES MEMO.
               10  MEMO-KIND           PIC X(2).
               10  MEMO-NUM            PIC 9(10).
