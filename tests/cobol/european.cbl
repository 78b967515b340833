      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes EUROPEAN-REC records (european.cpy) *
      * to european.dat under DECIMAL-POINT IS COMMA and CURRENCY SIGN *
      * "L" (GnuCOBOL 3.1 does not implement WITH PICTURE SYMBOL), and *
      * DISPLAYs every field (numbers with a decimal comma).           *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. EUROPEAN.
       ENVIRONMENT DIVISION.
       CONFIGURATION SECTION.
       SPECIAL-NAMES.
           DECIMAL-POINT IS COMMA
           CURRENCY SIGN IS "L".
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "european.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "european.cpy".
       WORKING-STORAGE SECTION.
       01  AMT                         PIC S9(7)V99.
       01  NET                         PIC S9(7)V99.
       01  PRICE                       PIC 9(5)V99.
       01  CHK                         PIC 9(5)V99.
       01  CRED                        PIC S9(5)V99.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
           MOVE SPACES TO EUROPEAN-REC
           MOVE 1 TO REC-NO
           MOVE "ACME GMBH" TO COMPANY-NAME
           MOVE "DE1" TO COMP-CODE
           MOVE -1234,56 TO COMPUTED-TAX
           MOVE 20241231 TO VALUE-DATE
           MOVE 235959 TO SYNC-TS
           MOVE 1234567,89 TO AMT
           MOVE -1234567,89 TO NET
           MOVE 12345,67 TO PRICE
           MOVE 12,34 TO CHK
           MOVE -1234,5 TO CRED
           MOVE -12 TO SIGN-FLAG-N
           MOVE 99,9 TO X-COMP
           MOVE "U1" TO USAGE-X
           MOVE 7 TO OCCURS-N
           MOVE "A" TO TIMES-X(1)  MOVE "B" TO TIMES-X(2)
           MOVE "Y" TO INDEXED-BY
           PERFORM SHOW-AND-WRITE
           MOVE SPACES TO EUROPEAN-REC
           MOVE 2 TO REC-NO
           MOVE "BRIT & CO" TO COMPANY-NAME
           MOVE "GB" TO COMP-CODE
           MOVE 0,01 TO COMPUTED-TAX
           MOVE 19991231 TO VALUE-DATE
           MOVE 0 TO SYNC-TS
           MOVE 0,05 TO AMT
           MOVE 0 TO NET
           MOVE 0,5 TO PRICE
           MOVE 0 TO CHK
           MOVE 99999,99 TO CRED
           MOVE 1234 TO SIGN-FLAG-N
           MOVE -0,1 TO X-COMP
           MOVE "U2" TO USAGE-X
           MOVE 99 TO OCCURS-N
           MOVE "C" TO TIMES-X(1)  MOVE " " TO TIMES-X(2)
           MOVE "N" TO INDEXED-BY
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.
       SHOW-AND-WRITE.
           MOVE AMT TO AMOUNT-EU
           MOVE NET TO NET-EU
           MOVE PRICE TO PRICE-GBP
           MOVE CHK TO CHECK-AMT
           MOVE CRED TO CREDIT-EU
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "X company_name=" COMPANY-NAME
           DISPLAY "X comp_code=" COMP-CODE
           DISPLAY "N computed_tax=" COMPUTED-TAX
           DISPLAY "N dates_x.value_date=" VALUE-DATE
           DISPLAY "N dates_x.sync_ts=" SYNC-TS
           DISPLAY "D amount_eu=" AMT
           DISPLAY "D net_eu=" NET
           DISPLAY "D price_gbp=" PRICE
           DISPLAY "D check_amt=" CHK
           DISPLAY "D credit_eu=" CRED
           DISPLAY "N sign_group.sign_flag_n=" SIGN-FLAG-N
           DISPLAY "N sign_group.x_comp=" X-COMP
           DISPLAY "X usage_x=" USAGE-X
           DISPLAY "N occurs_n=" OCCURS-N
           DISPLAY "X times_x(1)=" TIMES-X(1)
           DISPLAY "X times_x(2)=" TIMES-X(2)
           DISPLAY "X indexed_by=" INDEXED-BY
           WRITE EUROPEAN-REC.
