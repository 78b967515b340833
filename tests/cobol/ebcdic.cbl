      *----------------------------------------------------------------*
      * Oracle for Ferrule, EBCDIC leg: writes HOST-REC records        *
      * (ebcdic.cpy) to ebcdic.dat as a mainframe would: text and      *
      * zoned fields in cp037, packed and binary fields untouched.     *
      * Compiled with -fsign=EBCDIC, so zoned signs are overpunched    *
      * with IBM's letters ({ A-I positive, } J-R negative), which the *
      * Latin-1 -> cp037 conversion turns into the C/D zone nibbles.   *
      * Each record is DISPLAYed (in ASCII) before it is converted.    *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. EBCDIC-HOST.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "ebcdic.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "ebcdic.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
      * Every byte 00-FF in order ...
       01  LATIN1.
          05 FILLER PIC X(16) VALUE X"000102030405060708090A0B0C0D0E0F".
          05 FILLER PIC X(16) VALUE X"101112131415161718191A1B1C1D1E1F".
          05 FILLER PIC X(16) VALUE X"202122232425262728292A2B2C2D2E2F".
          05 FILLER PIC X(16) VALUE X"303132333435363738393A3B3C3D3E3F".
          05 FILLER PIC X(16) VALUE X"404142434445464748494A4B4C4D4E4F".
          05 FILLER PIC X(16) VALUE X"505152535455565758595A5B5C5D5E5F".
          05 FILLER PIC X(16) VALUE X"606162636465666768696A6B6C6D6E6F".
          05 FILLER PIC X(16) VALUE X"707172737475767778797A7B7C7D7E7F".
          05 FILLER PIC X(16) VALUE X"808182838485868788898A8B8C8D8E8F".
          05 FILLER PIC X(16) VALUE X"909192939495969798999A9B9C9D9E9F".
          05 FILLER PIC X(16) VALUE X"A0A1A2A3A4A5A6A7A8A9AAABACADAEAF".
          05 FILLER PIC X(16) VALUE X"B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF".
          05 FILLER PIC X(16) VALUE X"C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF".
          05 FILLER PIC X(16) VALUE X"D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF".
          05 FILLER PIC X(16) VALUE X"E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF".
          05 FILLER PIC X(16) VALUE X"F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF".
      * ... and the cp037 (IBM037) byte of the same character.
       01  CP037.
          05 FILLER PIC X(16) VALUE X"00010203372D2E2F1605250B0C0D0E0F".
          05 FILLER PIC X(16) VALUE X"101112133C3D322618193F271C1D1E1F".
          05 FILLER PIC X(16) VALUE X"405A7F7B5B6C507D4D5D5C4E6B604B61".
          05 FILLER PIC X(16) VALUE X"F0F1F2F3F4F5F6F7F8F97A5E4C7E6E6F".
          05 FILLER PIC X(16) VALUE X"7CC1C2C3C4C5C6C7C8C9D1D2D3D4D5D6".
          05 FILLER PIC X(16) VALUE X"D7D8D9E2E3E4E5E6E7E8E9BAE0BBB06D".
          05 FILLER PIC X(16) VALUE X"79818283848586878889919293949596".
          05 FILLER PIC X(16) VALUE X"979899A2A3A4A5A6A7A8A9C04FD0A107".
          05 FILLER PIC X(16) VALUE X"202122232415061728292A2B2C090A1B".
          05 FILLER PIC X(16) VALUE X"30311A333435360838393A3B04143EFF".
          05 FILLER PIC X(16) VALUE X"41AA4AB19FB26AB5BDB49A8A5FCAAFBC".
          05 FILLER PIC X(16) VALUE X"908FEAFABEA0B6B39DDA9B8BB7B8B9AB".
          05 FILLER PIC X(16) VALUE X"6465626663679E687471727378757677".
          05 FILLER PIC X(16) VALUE X"AC69EDEEEBEFECBF80FDFEFBFCADAE59".
          05 FILLER PIC X(16) VALUE X"4445424643479C485451525358555657".
          05 FILLER PIC X(16) VALUE X"8C49CDCECBCFCCE170DDDEDBDC8D8EDF".
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: positive values, Latin-1 text (E9 e-acute, A3 pound)
           MOVE "ACC0000001" TO ACCOUNT-ID
      *    "Andre Dupre" with e-acute twice
           MOVE X"416E6472E92044757072E9" TO HOLDER-NAME
           MOVE 1234 TO BRANCH  MOVE 1234 TO BRANCH-BIN
           MOVE 123456789.01 TO BALANCE
           MOVE 50000 TO CREDIT-LIMIT
           MOVE .04125 TO RATE
           MOVE 12.34 TO LAST-TXN-AMT
           MOVE 5 TO ADJUSTMENT
           MOVE 12345678 TO TXN-COUNT
           MOVE "A" TO FLAGS(1)  MOVE "b" TO FLAGS(2)
           MOVE "1" TO FLAGS(3)
           MOVE 54321 TO UNSIGNED-PACKED
      *    "Fee A3 12.50" (pound sign)
           MOVE X"4665652CA331322E3530" TO MEMO
           PERFORM SHOW-CONVERT-WRITE
      * 2: negative values in every zoned sign form
           MOVE "ACC0000002" TO ACCOUNT-ID
           MOVE "O'NEILL, MARY-KATE" TO HOLDER-NAME
           MOVE 1 TO BRANCH  MOVE 1 TO BRANCH-BIN
           MOVE -0.01 TO BALANCE
           MOVE -1234567.89 TO CREDIT-LIMIT
           MOVE -.5 TO RATE
           MOVE -99999.99 TO LAST-TXN-AMT
           MOVE -123 TO ADJUSTMENT
           MOVE -1 TO TXN-COUNT
           MOVE "[" TO FLAGS(1)  MOVE "]" TO FLAGS(2)
           MOVE "|" TO FLAGS(3)
           MOVE 0 TO UNSIGNED-PACKED
      *    a memo whose MEMO-CODED view is valid
           MOVE "CK0123456789" TO MEMO
           PERFORM SHOW-CONVERT-WRITE
      * 3: zero
           MOVE SPACES TO ACCOUNT-ID HOLDER-NAME
           MOVE 0 TO BRANCH BRANCH-BIN BALANCE CREDIT-LIMIT RATE
           MOVE 0 TO LAST-TXN-AMT ADJUSTMENT TXN-COUNT UNSIGNED-PACKED
           MOVE SPACES TO FLAGS(1) FLAGS(2) FLAGS(3)
           MOVE SPACES TO MEMO
           PERFORM SHOW-CONVERT-WRITE
      * 4: largest values, every negative overpunch digit
           MOVE "ACC9999999" TO ACCOUNT-ID
           MOVE "ZZZZZZZZZZZZZZZZZZZZ" TO HOLDER-NAME
           MOVE 9999 TO BRANCH  MOVE 9999 TO BRANCH-BIN
           MOVE -999999999.99 TO BALANCE
           MOVE 9999999.99 TO CREDIT-LIMIT
           MOVE .99999 TO RATE
           MOVE 99999.99 TO LAST-TXN-AMT
           MOVE 999 TO ADJUSTMENT
           MOVE -99999999 TO TXN-COUNT
           MOVE "{" TO FLAGS(1)  MOVE "}" TO FLAGS(2)
           MOVE "\" TO FLAGS(3)
           MOVE 99999 TO UNSIGNED-PACKED
           MOVE "!@#$%^&*()_+" TO MEMO
           PERFORM SHOW-CONVERT-WRITE
      * 5: the remaining negative overpunch digits
           MOVE "ACC0000005" TO ACCOUNT-ID
           MOVE "x" TO HOLDER-NAME
           MOVE 42 TO BRANCH  MOVE 42 TO BRANCH-BIN
           MOVE -7654321.23 TO BALANCE
           MOVE -0.04 TO CREDIT-LIMIT
           MOVE -.00008 TO RATE
           MOVE -0.07 TO LAST-TXN-AMT
           MOVE -600 TO ADJUSTMENT
           MOVE 2147483 TO TXN-COUNT
           MOVE "~" TO FLAGS(1)  MOVE "^" TO FLAGS(2)
           MOVE "`" TO FLAGS(3)
           MOVE 1 TO UNSIGNED-PACKED
      *    MEMO-NUM ends in "X" (E7): not NUMERIC, so MEMO-CODED is
      *    invalid; the zone E must not pass for an unsigned digit.
           MOVE "12345678901X" TO MEMO
           PERFORM SHOW-CONVERT-WRITE
      * 6: as 5, with MEMO-NUM ending in "P" (D7): a negative overpunch
      *    in an unsigned item is not NUMERIC either.
           MOVE "ACC0000006" TO ACCOUNT-ID
           MOVE "y" TO HOLDER-NAME
           MOVE 7 TO BRANCH  MOVE 7 TO BRANCH-BIN
           MOVE 1 TO BALANCE CREDIT-LIMIT LAST-TXN-AMT ADJUSTMENT
           MOVE .1 TO RATE
           MOVE 2 TO TXN-COUNT
           MOVE "A" TO FLAGS(1) FLAGS(2) FLAGS(3)
           MOVE 2 TO UNSIGNED-PACKED
           MOVE "CK012345678P" TO MEMO
           PERFORM SHOW-CONVERT-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-CONVERT-WRITE.
           DISPLAY "@record"
           DISPLAY "X account_id=" ACCOUNT-ID
           DISPLAY "X holder_name=" HOLDER-NAME
           DISPLAY "N branch=" BRANCH
           DISPLAY "N balance=" BALANCE
           DISPLAY "N credit_limit=" CREDIT-LIMIT
           DISPLAY "N rate=" RATE
           DISPLAY "N last_txn_amt=" LAST-TXN-AMT
           DISPLAY "N adjustment=" ADJUSTMENT
           DISPLAY "N txn_count=" TXN-COUNT
           DISPLAY "N branch_bin=" BRANCH-BIN
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 3
               DISPLAY "X flags(" I ")=" FLAGS(I)
           END-PERFORM
           DISPLAY "N unsigned_packed=" UNSIGNED-PACKED
           DISPLAY "X memo=" MEMO
           IF MEMO-NUM IS NUMERIC
               DISPLAY "+X memo_coded.memo_kind=" MEMO-KIND
               DISPLAY "+N memo_coded.memo_num=" MEMO-NUM
           ELSE
               DISPLAY "+Z memo_coded="
           END-IF
      *    Text and zoned (USAGE DISPLAY) fields to cp037; packed and
      *    binary fields are already in the host's format. The zoned
      *    ones are reference-modified: INSPECT on a signed numeric
      *    item converts its digits but rewrites its sign in ASCII.
           INSPECT ACCOUNT-ID CONVERTING LATIN1 TO CP037
           INSPECT HOLDER-NAME CONVERTING LATIN1 TO CP037
           INSPECT BRANCH(1:) CONVERTING LATIN1 TO CP037
           INSPECT CREDIT-LIMIT(1:) CONVERTING LATIN1 TO CP037
           INSPECT RATE(1:) CONVERTING LATIN1 TO CP037
           INSPECT LAST-TXN-AMT(1:) CONVERTING LATIN1 TO CP037
           INSPECT ADJUSTMENT(1:) CONVERTING LATIN1 TO CP037
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 3
               INSPECT FLAGS(I) CONVERTING LATIN1 TO CP037
           END-PERFORM
           INSPECT MEMO CONVERTING LATIN1 TO CP037
           WRITE HOST-REC.
