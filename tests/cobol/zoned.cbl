      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes ZONED-REC records (zoned.cpy) to    *
      * zoned.dat and DISPLAYs every field, one `KIND path=value` line *
      * per field (see tests/cobol/README.md).                         *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. ZONED.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
      * cobc -D LINESEQ writes the same records as text lines.
       >>IF LINESEQ IS DEFINED
           SELECT OUT-FILE ASSIGN TO "zoned.dat"
               ORGANIZATION IS LINE SEQUENTIAL.
       >>ELSE
           SELECT OUT-FILE ASSIGN TO "zoned.dat"
               ORGANIZATION IS SEQUENTIAL.
       >>END-IF
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "zoned.cpy".
       WORKING-STORAGE SECTION.
      * P-scaled items go through edited pictures: DISPLAY of them is
      * not reliable in GnuCOBOL 3.1 (stale digits seen).
       01  ED-INT                      PIC -(20)9.
       01  ED-FRAC                     PIC -.9(5).
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: ordinary positive values
           MOVE SPACES TO ZONED-REC
           MOVE 1 TO REC-NO
           MOVE 7 TO U1  MOVE 12345 TO U5  MOVE 123.45 TO U5V2
           MOVE 123456789012345678 TO U18  MOVE .5 TO UV3
           MOVE 3 TO S1  MOVE 4321 TO S5  MOVE 12.5 TO S5V2
           MOVE 987654321 TO S18  MOVE 1.25 TO S1V17
           MOVE .0001 TO SV4
           MOVE 1.5 TO S-LEAD  MOVE 9 TO S-LEAD-1
           MOVE 42 TO S-TRAIL-EXPLICIT
           MOVE 77.7 TO S-TRAIL-SEP  MOVE 88.08 TO S-LEAD-SEP
           MOVE 1 TO S-LEAD-SEP-18
           MOVE 1234567890123456789012345678901 TO S31
           MOVE 12300 TO S-SCALED-P  MOVE .00123 TO S-FRAC-P
           PERFORM SHOW-AND-WRITE
      * 2: negative values, every sign form
           MOVE SPACES TO ZONED-REC
           MOVE 2 TO REC-NO
           MOVE 0 TO U1  MOVE 1 TO U5  MOVE .01 TO U5V2
           MOVE 1 TO U18  MOVE .001 TO UV3
           MOVE -1 TO S1  MOVE -12345 TO S5  MOVE -12.5 TO S5V2
           MOVE -1 TO S18  MOVE -.00000000000000001 TO S1V17
           MOVE -.9999 TO SV4
           MOVE -1.5 TO S-LEAD  MOVE -9 TO S-LEAD-1
           MOVE -42 TO S-TRAIL-EXPLICIT
           MOVE -77.7 TO S-TRAIL-SEP  MOVE -88.08 TO S-LEAD-SEP
           MOVE -123456789012345678 TO S-LEAD-SEP-18
           MOVE -1 TO S31
           MOVE -99900 TO S-SCALED-P  MOVE -.00999 TO S-FRAC-P
           PERFORM SHOW-AND-WRITE
      * 3: zero everywhere (signed zero is written positive)
           MOVE SPACES TO ZONED-REC
           MOVE 3 TO REC-NO
           MOVE ZERO TO UNSIGNED-NUMS TRAILING-OVERPUNCH
      * (a group MOVE ZERO fills with "0" characters: same bytes as 0)
           MOVE 0 TO S-LEAD S-LEAD-1 S-TRAIL-EXPLICIT S-TRAIL-SEP
           MOVE 0 TO S-LEAD-SEP S-LEAD-SEP-18 S31 S-SCALED-P S-FRAC-P
           PERFORM SHOW-AND-WRITE
      * 4: largest positive values (all nines)
           MOVE SPACES TO ZONED-REC
           MOVE 4 TO REC-NO
           MOVE 9 TO U1  MOVE 99999 TO U5  MOVE 99999.99 TO U5V2
           MOVE 999999999999999999 TO U18  MOVE .999 TO UV3
           MOVE 9 TO S1  MOVE 99999 TO S5  MOVE 99999.99 TO S5V2
           MOVE 999999999999999999 TO S18
           MOVE 9.99999999999999999 TO S1V17
           MOVE .9999 TO SV4
           MOVE 99999.99 TO S-LEAD  MOVE 9 TO S-LEAD-1
           MOVE 9999 TO S-TRAIL-EXPLICIT
           MOVE 99999.99 TO S-TRAIL-SEP  MOVE 99999.99 TO S-LEAD-SEP
           MOVE 999999999999999999 TO S-LEAD-SEP-18
           MOVE 9999999999999999999999999999999 TO S31
           MOVE 99900 TO S-SCALED-P  MOVE .00999 TO S-FRAC-P
           PERFORM SHOW-AND-WRITE
      * 5: most negative values (all nines)
           MOVE SPACES TO ZONED-REC
           MOVE 5 TO REC-NO
           MOVE 5 TO U1  MOVE 50000 TO U5  MOVE 50000.5 TO U5V2
           MOVE 100000000000000000 TO U18  MOVE .1 TO UV3
           MOVE -9 TO S1  MOVE -99999 TO S5  MOVE -99999.99 TO S5V2
           MOVE -999999999999999999 TO S18
           MOVE -9.99999999999999999 TO S1V17
           MOVE -.0001 TO SV4
           MOVE -99999.99 TO S-LEAD  MOVE -1 TO S-LEAD-1
           MOVE -9999 TO S-TRAIL-EXPLICIT
           MOVE -99999.99 TO S-TRAIL-SEP  MOVE -99999.99 TO S-LEAD-SEP
           MOVE -999999999999999999 TO S-LEAD-SEP-18
           MOVE -9999999999999999999999999999999 TO S31
           MOVE -100 TO S-SCALED-P  MOVE -.00001 TO S-FRAC-P
           PERFORM SHOW-AND-WRITE
      * 6: every overpunch digit 0-9 in the sign position
           MOVE SPACES TO ZONED-REC
           MOVE 6 TO REC-NO
           MOVE 0 TO U1  MOVE 10 TO U5  MOVE 0.1 TO U5V2
           MOVE 0 TO U18  MOVE 0 TO UV3
           MOVE -3 TO S1  MOVE -10 TO S5  MOVE -0.01 TO S5V2
           MOVE -123456789012345670 TO S18
           MOVE -2.00000000000000008 TO S1V17
           MOVE -.0006 TO SV4
           MOVE -2.34 TO S-LEAD  MOVE -4 TO S-LEAD-1
           MOVE -47 TO S-TRAIL-EXPLICIT
           MOVE -0.03 TO S-TRAIL-SEP  MOVE -70000 TO S-LEAD-SEP
           MOVE 7 TO S-LEAD-SEP-18
           MOVE -1000000000000000000000000000002 TO S31
           MOVE -800 TO S-SCALED-P  MOVE .00004 TO S-FRAC-P
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "N unsigned_nums.u1=" U1
           DISPLAY "N unsigned_nums.u5=" U5
           DISPLAY "N unsigned_nums.u5v2=" U5V2
           DISPLAY "N unsigned_nums.u18=" U18
           DISPLAY "N unsigned_nums.uv3=" UV3
           DISPLAY "N trailing_overpunch.s1=" S1
           DISPLAY "N trailing_overpunch.s5=" S5
           DISPLAY "N trailing_overpunch.s5v2=" S5V2
           DISPLAY "N trailing_overpunch.s18=" S18
           DISPLAY "N trailing_overpunch.s1v17=" S1V17
           DISPLAY "N trailing_overpunch.sv4=" SV4
           DISPLAY "N s_lead=" S-LEAD
           DISPLAY "N s_lead_1=" S-LEAD-1
           DISPLAY "N s_trail_explicit=" S-TRAIL-EXPLICIT
           DISPLAY "N s_trail_sep=" S-TRAIL-SEP
           DISPLAY "N s_lead_sep=" S-LEAD-SEP
           DISPLAY "N s_lead_sep_18=" S-LEAD-SEP-18
           DISPLAY "N s31=" S31
           MOVE S-SCALED-P TO ED-INT
           DISPLAY "D s_scaled_p=" ED-INT
           MOVE S-FRAC-P TO ED-FRAC
           DISPLAY "D s_frac_p=" ED-FRAC
           WRITE ZONED-REC.
