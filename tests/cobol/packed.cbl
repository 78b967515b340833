      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes PACKED-REC records (packed.cpy) to  *
      * packed.dat and DISPLAYs every field, one `KIND path=value`     *
      * line per field; lines starting `+` are REDEFINES alternatives *
      * that appear only with --redefines all (tests/cobol/README.md).*
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. PACKED.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "packed.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "packed.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: ordinary positive values
           MOVE 1 TO REC-NO
           MOVE X"123F" TO RAW-PACKED
           MOVE 5 TO P-U1  MOVE 42 TO P-U2  MOVE 1234567 TO P-U7
           MOVE 1234.56 TO P-U6V2
           MOVE 7 TO P-S1  MOVE 1234 TO P-S4  MOVE 12345 TO P-S5
           MOVE 12.5 TO P-S5V2  MOVE 123456789.5 TO P-S9V9
           MOVE .12345 TO P-SV5  MOVE 123456789012345678 TO P-S18
           MOVE 123456789012345.678 TO P-S15V3
           MOVE 987654321098765432 TO P-U18
           MOVE 1234567890123456789012345678901 TO P-S31
           MOVE 1234567890123.123456789012345678 TO P-S13V18
           MOVE 1.5 TO P-ITEM(1)  MOVE 22.2 TO P-ITEM(2)
           MOVE 333.3 TO P-ITEM(3)
           PERFORM SHOW-AND-WRITE
      * 2: negative values
           MOVE 2 TO REC-NO
           MOVE X"123D" TO RAW-PACKED
           MOVE 0 TO P-U1  MOVE 1 TO P-U2  MOVE 10 TO P-U7
           MOVE .01 TO P-U6V2
           MOVE -7 TO P-S1  MOVE -1 TO P-S4  MOVE -12345 TO P-S5
           MOVE -12.5 TO P-S5V2  MOVE -.1 TO P-S9V9
           MOVE -.00001 TO P-SV5  MOVE -1 TO P-S18
           MOVE -0.001 TO P-S15V3
           MOVE 1 TO P-U18
           MOVE -1 TO P-S31
           MOVE -0.000000000000000001 TO P-S13V18
           MOVE -1.5 TO P-ITEM(1)  MOVE 0 TO P-ITEM(2)
           MOVE -999.9 TO P-ITEM(3)
           PERFORM SHOW-AND-WRITE
      * 3: zero (signed zero is written with the C sign)
           MOVE 3 TO REC-NO
           MOVE X"000F" TO RAW-PACKED
           MOVE 0 TO P-U1 P-U2 P-U7 P-U6V2 P-S1 P-S4 P-S5 P-S5V2
           MOVE 0 TO P-S9V9 P-SV5 P-S18 P-S15V3 P-U18 P-S31 P-S13V18
           MOVE 0 TO P-ITEM(1) P-ITEM(2) P-ITEM(3)
           PERFORM SHOW-AND-WRITE
      * 4: largest values (all nines)
           MOVE 4 TO REC-NO
           MOVE X"999F" TO RAW-PACKED
           MOVE 9 TO P-U1  MOVE 99 TO P-U2  MOVE 9999999 TO P-U7
           MOVE 999999.99 TO P-U6V2
           MOVE 9 TO P-S1  MOVE 9999 TO P-S4  MOVE 99999 TO P-S5
           MOVE 99999.99 TO P-S5V2  MOVE 999999999.9 TO P-S9V9
           MOVE .99999 TO P-SV5  MOVE 999999999999999999 TO P-S18
           MOVE 999999999999999.999 TO P-S15V3
           MOVE 999999999999999999 TO P-U18
           MOVE 9999999999999999999999999999999 TO P-S31
           MOVE 9999999999999.999999999999999999 TO P-S13V18
           MOVE 999.9 TO P-ITEM(1) P-ITEM(2) P-ITEM(3)
           PERFORM SHOW-AND-WRITE
      * 5: most negative values (all nines)
           MOVE 5 TO REC-NO
           MOVE X"123B" TO RAW-PACKED
           MOVE 1 TO P-U1  MOVE 10 TO P-U2  MOVE 1000000 TO P-U7
           MOVE 100000.01 TO P-U6V2
           MOVE -9 TO P-S1  MOVE -9999 TO P-S4  MOVE -99999 TO P-S5
           MOVE -99999.99 TO P-S5V2  MOVE -999999999.9 TO P-S9V9
           MOVE -.99999 TO P-SV5  MOVE -999999999999999999 TO P-S18
           MOVE -999999999999999.999 TO P-S15V3
           MOVE 500000000000000000 TO P-U18
           MOVE -9999999999999999999999999999999 TO P-S31
           MOVE -9999999999999.999999999999999999 TO P-S13V18
           MOVE -999.9 TO P-ITEM(1) P-ITEM(2) P-ITEM(3)
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "N p_u1=" P-U1
           DISPLAY "N p_u2=" P-U2
           DISPLAY "N p_u7=" P-U7
           DISPLAY "N p_u6v2=" P-U6V2
           DISPLAY "N p_s1=" P-S1
           DISPLAY "N p_s4=" P-S4
           DISPLAY "N p_s5=" P-S5
           DISPLAY "N p_s5v2=" P-S5V2
           DISPLAY "N p_s9v9=" P-S9V9
           DISPLAY "N p_sv5=" P-SV5
           DISPLAY "N p_s18=" P-S18
           DISPLAY "N p_s15v3=" P-S15V3
           DISPLAY "N p_u18=" P-U18
           DISPLAY "N p_s31=" P-S31
           DISPLAY "N p_s13v18=" P-S13V18
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 3
               DISPLAY "N p_table.p_item(" I ")=" P-ITEM(I)
           END-PERFORM
           DISPLAY "X raw_packed=" RAW-PACKED
           IF RAW-PACKED-NUM IS NUMERIC
               DISPLAY "+N raw_packed_num=" RAW-PACKED-NUM
           ELSE
               DISPLAY "+Z raw_packed_num="
           END-IF
           WRITE PACKED-REC.
