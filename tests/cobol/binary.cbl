      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes BINARY-REC records (binary.cpy) to  *
      * binary.dat and DISPLAYs every field, one `KIND path=value`     *
      * line per field (see tests/cobol/README.md).                    *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. BINARY-NUMS.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "binary.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "binary.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
      * GnuCOBOL 3.1 DISPLAYs a scaled COMP-5 item without its decimal
      * point; a zoned copy with the same PIC shows it properly.
       01  Z-S5V4                      PIC S9(5)V9(4).
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: ordinary positive values; floats exactly representable
           MOVE 1 TO REC-NO
           MOVE 1234 TO B-S4  MOVE 4321 TO B-U4  MOVE 12.34 TO B-S2V2
           MOVE 123456789 TO B-S9  MOVE 987654321 TO B-U9
           MOVE 1234567.89 TO B-S7V2
           MOVE 123456789012345678 TO B-S18
           MOVE 876543210987654321 TO B-U18
           MOVE 1234567890.12345678 TO B-S10V8
           MOVE 5 TO B-S1  MOVE 65535 TO B-U5
           MOVE 1234 TO N-S4  MOVE 4321 TO N-U4  MOVE 123456789 TO N-S9
           MOVE 987654321 TO N-U9  MOVE 12345.6789 TO N-S5V4
           MOVE 123456789012345678 TO N-S18
           MOVE 876543210987654321 TO N-U18
           MOVE 4.5 TO F-SINGLE  MOVE -3.75 TO F-DOUBLE
           MOVE 1024.0625 TO F-PAIR(1)  MOVE 0.5 TO F-PAIR(2)
           PERFORM SHOW-AND-WRITE
      * 2: negative values; floats that are not exact in binary
           MOVE 2 TO REC-NO
           MOVE -1234 TO B-S4  MOVE 0 TO B-U4  MOVE -12.34 TO B-S2V2
           MOVE -1 TO B-S9  MOVE 1 TO B-U9
           MOVE -0.01 TO B-S7V2
           MOVE -123456789012345678 TO B-S18
           MOVE 1 TO B-U18
           MOVE -0.00000001 TO B-S10V8
           MOVE -5 TO B-S1  MOVE 1 TO B-U5
           MOVE -1 TO N-S4  MOVE 1 TO N-U4  MOVE -123456789 TO N-S9
           MOVE 1 TO N-U9  MOVE -12345.6789 TO N-S5V4
           MOVE -1 TO N-S18
           MOVE 1 TO N-U18
           MOVE 0.1 TO F-SINGLE  MOVE 0.1 TO F-DOUBLE
           MOVE -123456.789 TO F-PAIR(1)  MOVE 1.0E-5 TO F-PAIR(2)
           PERFORM SHOW-AND-WRITE
      * 3: zero
           MOVE 3 TO REC-NO
           MOVE 0 TO B-S4 B-U4 B-S2V2 B-S9 B-U9 B-S7V2 B-S18 B-U18
           MOVE 0 TO B-S10V8 B-S1 B-U5
           MOVE 0 TO N-S4 N-U4 N-S9 N-U9 N-S5V4 N-S18 N-U18
           MOVE 0 TO F-SINGLE F-DOUBLE F-PAIR(1) F-PAIR(2)
           PERFORM SHOW-AND-WRITE
      * 4: largest values the PICs allow
           MOVE 4 TO REC-NO
           MOVE 9999 TO B-S4  MOVE 9999 TO B-U4  MOVE 99.99 TO B-S2V2
           MOVE 999999999 TO B-S9  MOVE 999999999 TO B-U9
           MOVE 9999999.99 TO B-S7V2
           MOVE 999999999999999999 TO B-S18
           MOVE 999999999999999999 TO B-U18
           MOVE 9999999999.99999999 TO B-S10V8
           MOVE 9 TO B-S1  MOVE 99999 TO B-U5
           MOVE 9999 TO N-S4  MOVE 9999 TO N-U4  MOVE 999999999 TO N-S9
           MOVE 999999999 TO N-U9  MOVE 99999.9999 TO N-S5V4
           MOVE 999999999999999999 TO N-S18
           MOVE 999999999999999999 TO N-U18
           MOVE 16777216 TO F-SINGLE  MOVE 9007199254740992 TO F-DOUBLE
           MOVE 1.0E300 TO F-PAIR(1)  MOVE -2.5E-300 TO F-PAIR(2)
           PERFORM SHOW-AND-WRITE
      * 5: most negative values the PICs allow
           MOVE 5 TO REC-NO
           MOVE -9999 TO B-S4  MOVE 1 TO B-U4  MOVE -99.99 TO B-S2V2
           MOVE -999999999 TO B-S9  MOVE 256 TO B-U9
           MOVE -9999999.99 TO B-S7V2
           MOVE -999999999999999999 TO B-S18
           MOVE 4294967296 TO B-U18
           MOVE -9999999999.99999999 TO B-S10V8
           MOVE -9 TO B-S1  MOVE 32768 TO B-U5
           MOVE -9999 TO N-S4  MOVE 256 TO N-U4  MOVE -999999999 TO N-S9
           MOVE 65536 TO N-U9  MOVE -99999.9999 TO N-S5V4
           MOVE -999999999999999999 TO N-S18
           MOVE 4294967296 TO N-U18
           MOVE -0.15625 TO F-SINGLE  MOVE -1.0E-10 TO F-DOUBLE
           MOVE 3.14159265358979 TO F-PAIR(1)  MOVE -7 TO F-PAIR(2)
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "N big_endian_nums.b_s4=" B-S4
           DISPLAY "N big_endian_nums.b_u4=" B-U4
           DISPLAY "N big_endian_nums.b_s2v2=" B-S2V2
           DISPLAY "N big_endian_nums.b_s9=" B-S9
           DISPLAY "N big_endian_nums.b_u9=" B-U9
           DISPLAY "N big_endian_nums.b_s7v2=" B-S7V2
           DISPLAY "N big_endian_nums.b_s18=" B-S18
           DISPLAY "N big_endian_nums.b_u18=" B-U18
           DISPLAY "N big_endian_nums.b_s10v8=" B-S10V8
           DISPLAY "N big_endian_nums.b_s1=" B-S1
           DISPLAY "N big_endian_nums.b_u5=" B-U5
           DISPLAY "N native_nums.n_s4=" N-S4
           DISPLAY "N native_nums.n_u4=" N-U4
           DISPLAY "N native_nums.n_s9=" N-S9
           DISPLAY "N native_nums.n_u9=" N-U9
           MOVE N-S5V4 TO Z-S5V4
           DISPLAY "N native_nums.n_s5v4=" Z-S5V4
           DISPLAY "N native_nums.n_s18=" N-S18
           DISPLAY "N native_nums.n_u18=" N-U18
           DISPLAY "F4 floats.f_single=" F-SINGLE
           DISPLAY "F8 floats.f_double=" F-DOUBLE
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               DISPLAY "F8 floats.f_pair(" I ")=" F-PAIR(I)
           END-PERFORM
           WRITE BINARY-REC.
