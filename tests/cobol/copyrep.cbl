      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes COPYREP-REC records (copyrep.cpy,   *
      * whose members sit in members/, given to cobc with -I) to       *
      * copyrep.dat and DISPLAYs every field, one `KIND path=value`    *
      * line per field (see tests/cobol/README.md).                    *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. COPY-REPLACING.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "copyrep.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY copyrep.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
           MOVE 1 TO REC-NO
           MOVE "ACME TRADING" TO BUYER-NAME
           MOVE 1234 TO BUYER-CODE
           MOVE "BOLT" TO SELLER-NAME
           MOVE -42 TO SELLER-CODE
           MOVE 12345.67 TO AMOUNT
           PERFORM SHOW-AND-WRITE
           MOVE 2 TO REC-NO
           MOVE SPACES TO BUYER-NAME
           MOVE 0 TO BUYER-CODE
           MOVE "SIXSIX" TO SELLER-NAME
           MOVE 9999 TO SELLER-CODE
           MOVE -0.01 TO AMOUNT
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "X buyer_party.buyer_name=" BUYER-NAME
           DISPLAY "N buyer_party.buyer_code=" BUYER-CODE
           DISPLAY "X seller_party.seller_name=" SELLER-NAME
           DISPLAY "N seller_party.seller_code=" SELLER-CODE
           DISPLAY "N amount=" AMOUNT
           WRITE COPYREP-REC.
