      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes TEXT-REC records (text.cpy) to      *
      * text.dat and DISPLAYs every field, one `KIND path=value` line  *
      * per field; lines starting `+` are REDEFINES alternatives that  *
      * appear only with --redefines all (see tests/cobol/README.md).  *
      * Text is Latin-1, built from hex literals so the source stays   *
      * ASCII.                                                         *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. TEXT-FIELDS.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "text.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
       FD  OUT-FILE.
       COPY "text.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
       01  J                           PIC 9.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: accented names (Latin-1 E9 = e-acute, A3 = pound sign)
           MOVE SPACES TO TEXT-REC
           MOVE 1 TO REC-NO
      *    "Lefevre" with e-grave: L e f E8 v r e
           MOVE X"4C6566E8767265" TO SURNAME
      *    "Rene" with e-acute: R e n E9
           MOVE X"52656EE9" TO FORENAME
      *    "12 Rue de la Paix" / "Cost: A3 5"
           MOVE "12 Rue de la Paix" TO ADDR-LINE-1
           MOVE X"436F73743A20A33520C0C9D6DCDFFF" TO ADDR-LINE-2
           MOVE "abc" TO RIGHT-TEXT
           MOVE "E" TO CONTACT-KIND
           MOVE "rene@example.fr" TO CONTACT-DATA
           MOVE "123.45" TO AMOUNT-TEXT
           MOVE "EU1" TO REGION-CODE(1)  MOVE "EU2" TO REGION-CODE(2)
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               PERFORM VARYING J FROM 1 BY 1 UNTIL J > 3
                   COMPUTE SALES(I J) = I * 1000 + J * 10.25
                   COMPUTE UNITS(I J) = I * 10 + J
               END-PERFORM
           END-PERFORM
           MOVE "AA" TO TAGS(1)  MOVE "B" TO TAGS(2)
           MOVE " C" TO TAGS(3)  MOVE SPACES TO TAGS(4)
           PERFORM SHOW-AND-WRITE
      * 2: phone contact (the PHONE view is valid), quotes, backslash
           MOVE SPACES TO TEXT-REC
           MOVE 2 TO REC-NO
           MOVE 'O''Brien "Jr"' TO SURNAME
           MOVE "back\slash" TO FORENAME
           MOVE "  leading spaces" TO ADDR-LINE-1
      *    "tab<TAB>inside": cobc expands a TAB inside a literal
           MOVE X"74616209696E73696465" TO ADDR-LINE-2
           MOVE "abcdefgh" TO RIGHT-TEXT
           MOVE "P" TO CONTACT-KIND
           MOVE 20 TO AREA-CODE  MOVE 79460000 TO PHONE-NO
           MOVE -12.34 TO AMOUNT-NUM
           MOVE "US1" TO REGION-CODE(1)  MOVE SPACES TO REGION-CODE(2)
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               PERFORM VARYING J FROM 1 BY 1 UNTIL J > 3
                   COMPUTE SALES(I J) = 0 - I * J * 111.11
                   COMPUTE UNITS(I J) = 9999 - I - J
               END-PERFORM
           END-PERFORM
           MOVE "ZZ" TO TAGS(1) TAGS(2) TAGS(3) TAGS(4)
           PERFORM SHOW-AND-WRITE
      * 3: every text field full to its last byte, upper Latin-1
           MOVE SPACES TO TEXT-REC
           MOVE 3 TO REC-NO
           MOVE X"C0C1C2C3C4C5C6C7C8C9CACB" TO SURNAME
           MOVE X"E0E1E2E3E4E5E6E7E8E9" TO FORENAME
           MOVE X"A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3" TO
               ADDR-LINE-1
           MOVE "abcdefghijklmnopqrst" TO ADDR-LINE-2
           MOVE "WXYZ" TO EMPTY-TEXT
           MOVE "x" TO RIGHT-TEXT
           MOVE "P" TO CONTACT-KIND
           MOVE 9999 TO AREA-CODE  MOVE 99999999 TO PHONE-NO
           MOVE 9999.99 TO AMOUNT-NUM
           MOVE "AAA" TO REGION-CODE(1)  MOVE "ZZZ" TO REGION-CODE(2)
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               PERFORM VARYING J FROM 1 BY 1 UNTIL J > 3
                   MOVE 0 TO SALES(I J)  MOVE 0 TO UNITS(I J)
               END-PERFORM
           END-PERFORM
           MOVE "12" TO TAGS(1)  MOVE "34" TO TAGS(2)
           MOVE "56" TO TAGS(3)  MOVE "78" TO TAGS(4)
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "N rec_no=" REC-NO
           DISPLAY "X customer.cust_name.surname=" SURNAME
           DISPLAY "X customer.cust_name.forename=" FORENAME
           DISPLAY "X customer.address_lines.addr_line_1=" ADDR-LINE-1
           DISPLAY "X customer.address_lines.addr_line_2=" ADDR-LINE-2
           DISPLAY "X customer.empty_text=" EMPTY-TEXT
           DISPLAY "XR customer.right_text=" RIGHT-TEXT
           DISPLAY "X contact.contact_kind=" CONTACT-KIND
           DISPLAY "X contact.contact_data=" CONTACT-DATA
           IF AREA-CODE IS NUMERIC AND PHONE-NO IS NUMERIC
               DISPLAY "+N phone.area_code=" AREA-CODE
               DISPLAY "+N phone.phone_no=" PHONE-NO
           ELSE
               DISPLAY "+Z phone="
           END-IF
           DISPLAY "X amount_text=" AMOUNT-TEXT
           IF AMOUNT-NUM IS NUMERIC
               DISPLAY "+N amount_num=" AMOUNT-NUM
           ELSE
               DISPLAY "+Z amount_num="
           END-IF
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               DISPLAY "X regions(" I ").region_code=" REGION-CODE(I)
               PERFORM VARYING J FROM 1 BY 1 UNTIL J > 3
                   DISPLAY "N regions(" I ").monthly(" J ").sales="
                       SALES(I J)
                   DISPLAY "N regions(" I ").monthly(" J ").units="
                       UNITS(I J)
               END-PERFORM
           END-PERFORM
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 4
               DISPLAY "X tags(" I ")=" TAGS(I)
           END-PERFORM
           WRITE TEXT-REC.
