      * A legacy program reading a table filled from a JSON array: it
      * asks for the addresses at a postcode (one request line out, the
      * answer line in, through socat) and lists what it got on stderr.
       IDENTIFICATION DIVISION.
       PROGRAM-ID. ADDRLIST.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       COPY "addrq-req.cpy".
       COPY "addrl-rsp.cpy".
       01 ARG-POSTCODE           PIC X(8).
       01 I                      PIC 9.
       PROCEDURE DIVISION.
           ACCEPT ARG-POSTCODE FROM ARGUMENT-VALUE
           MOVE "ADDRL" TO TRAN-CODE
           MOVE ARG-POSTCODE TO POSTCODE
           MOVE 0 TO HOUSE-NO
           DISPLAY ADDR-REQUEST
      * The record is as long as its DEPENDING ON table allows at most.
           MOVE 2 TO NEAR-COUNT
           ACCEPT ADDR-LIST
           DISPLAY "RC=" RESULT-CODE "|COUNT=" MATCH-COUNT UPON SYSERR
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > MATCH-COUNT
               DISPLAY "MATCH=" HOUSE(I) "/" STREET(I) "/" UPRN(I)
                   UPON SYSERR
           END-PERFORM
           DISPLAY "TAGS=" TAGS(1) "," TAGS(2) "|NEAR=" NEAR-COUNT
               UPON SYSERR
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > NEAR-COUNT
               DISPLAY "NEARBY=" NAME(I) UPON SYSERR
           END-PERFORM
           STOP RUN.
