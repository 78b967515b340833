      *****************************************************************
      * FIXED-FORMAT TWIN OF ../shifted_col7_member_account.cpy, WRITTEN
      * BY HAND: THE SAME ENTRIES IN COLUMNS 8-72, FOR GNUCOBOL TO JUDGE.
      *****************************************************************
       01 MA-ACCOUNT-REC.
          05 MA-MEMBER-NO          PIC 9(8).
          05 MA-JOINED             PIC 9(8).
          05 MA-JOINED-PARTS REDEFINES MA-JOINED.
             10 MA-JOINED-YYYY     PIC 9(4).
             10 MA-JOINED-MM       PIC 99.
             10 MA-JOINED-DD       PIC 99.
          05 MA-STATUS             PIC X.
             88 MA-ACTIVE          VALUE 'A'.
             88 MA-LAPSED          VALUE 'L'.
          05 MA-BALANCE            PIC S9(9)V99 COMP-3.
          05 MA-CONTRIB OCCURS 4 TIMES.
             10 MA-CONTRIB-YEAR    PIC 9(4).
             10 MA-CONTRIB-AMT     PIC S9(5)V99 COMP-3.
          05 MA-REGION             PIC X(3).
          05 MA-RATE               PIC SV9(4) COMP.
