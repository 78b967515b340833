      * A legacy program calling a JSON API through Ferrule: it writes
      * one request record (a line) to stdout and reads the answer line
      * from stdin; socat connects both to Ferrule's inbound listener.
      * What it got goes to stderr for the test to read.
       IDENTIFICATION DIVISION.
       PROGRAM-ID. ADDRCALL.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       COPY "addrq-req.cpy".
       COPY "addrq-rsp.cpy".
       01 ARG-POSTCODE           PIC X(8).
       PROCEDURE DIVISION.
           ACCEPT ARG-POSTCODE FROM ARGUMENT-VALUE
           MOVE "ADDRQ" TO TRAN-CODE
           MOVE ARG-POSTCODE TO POSTCODE
           MOVE 12 TO HOUSE-NO
           DISPLAY ADDR-REQUEST
           ACCEPT ADDR-RESPONSE
           DISPLAY "RC=" RESULT-CODE "|MSG=" MESSAGE-TEXT
               "|STREET=" STREET "|CITY=" CITY "|UPRN=" UPRN
               UPON SYSERR
           STOP RUN.
