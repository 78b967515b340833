      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes DIGITS38-REC records (digits38.cpy) *
      * to digits38.dat and DISPLAYs every field, one `KIND path=value`*
      * line per field (see tests/cobol/README.md).                    *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. DIGITS38.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "digits38.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "digits38.cpy".
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
           MOVE 1 TO REC-NO
           MOVE 12345678901234567890123456789012345678 TO Z-S38 P-S38
           MOVE 12345678901234567890123456789012 TO P-U32
           MOVE 12345678901234567890.123456789012345678 TO Z-S20V18
           MOVE 12345678901234567890.123456789012345678 TO P-S20V18
           PERFORM SHOW-AND-WRITE
           MOVE 2 TO REC-NO
           MOVE -99999999999999999999999999999999999999 TO Z-S38 P-S38
           MOVE 99999999999999999999999999999999 TO P-U32
           MOVE -0.000000000000000001 TO Z-S20V18 P-S20V18
           PERFORM SHOW-AND-WRITE
           MOVE 3 TO REC-NO
           MOVE 0 TO Z-S38 P-S38 P-U32 Z-S20V18 P-S20V18
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "N z_s38=" Z-S38
           DISPLAY "N z_s20v18=" Z-S20V18
           DISPLAY "N p_s38=" P-S38
           DISPLAY "N p_u32=" P-U32
           DISPLAY "N p_s20v18=" P-S20V18
           WRITE DIGITS38-REC.
