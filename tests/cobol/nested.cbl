      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes NEST-REC records (nested.cpy) with  *
      * nested OCCURS DEPENDING ON to nested.dat and DISPLAYs every     *
      * field, one `KIND path=value` line per field. Compile with      *
      * -fodoslide: without it GnuCOBOL refuses nested ODO; with it,   *
      * items after a short table move up, as on IBM Enterprise COBOL. *
      * Counters are set before any table item is filled, because      *
      * every item's place depends on them.                            *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. NESTED.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "nested.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
      * 8 bytes of counters, 5 + 3 per item per group, 1 + 2 per note
      * per row, 3 of tail: 18 to 76 bytes.
       FD  OUT-FILE
           RECORD IS VARYING IN SIZE FROM 18 TO 76 CHARACTERS.
       COPY "nested.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
       01  K                           PIC 9.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: two groups of three items, one note per row
           MOVE 2 TO GROUP-COUNT  MOVE 3 TO ITEM-COUNT
           MOVE 1 TO NOTE-COUNT
           MOVE "R001" TO REC-ID
           PERFORM FILL-TABLES
           PERFORM SHOW-AND-WRITE
      * 2: the shortest record: one group, no items, no notes
           MOVE 1 TO GROUP-COUNT  MOVE 0 TO ITEM-COUNT
           MOVE 0 TO NOTE-COUNT
           MOVE "R002" TO REC-ID
           PERFORM FILL-TABLES
           PERFORM SHOW-AND-WRITE
      * 3: the longest record: every table full
           MOVE 3 TO GROUP-COUNT  MOVE 4 TO ITEM-COUNT
           MOVE 3 TO NOTE-COUNT
           MOVE "R003" TO REC-ID
           PERFORM FILL-TABLES
           PERFORM SHOW-AND-WRITE
      * 4: one group of one item, two notes per row
           MOVE 1 TO GROUP-COUNT  MOVE 1 TO ITEM-COUNT
           MOVE 2 TO NOTE-COUNT
           MOVE "R004" TO REC-ID
           PERFORM FILL-TABLES
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       FILL-TABLES.
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > GROUP-COUNT
               MOVE "G" TO GROUP-CODE(I)
               MOVE I TO GROUP-CODE(I)(2:1)
               COMPUTE GROUP-TOTAL(I) = I * 1111 - 3000
               PERFORM VARYING K FROM 1 BY 1 UNTIL K > ITEM-COUNT
                   COMPUTE ITEM-QTY(I K) = I * 100 - K * 37
                   MOVE "T" TO ITEM-TAG(I K)
                   IF K > 2
                       MOVE "U" TO ITEM-TAG(I K)
                   END-IF
               END-PERFORM
           END-PERFORM
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               MOVE I TO ROW-NO(I)
               PERFORM VARYING K FROM 1 BY 1 UNTIL K > NOTE-COUNT
                   MOVE "N" TO ROW-NOTE(I K)
                   MOVE K TO ROW-NOTE(I K)(2:1)
               END-PERFORM
           END-PERFORM
           MOVE "END" TO REC-TAIL.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "X rec_id=" REC-ID
           DISPLAY "N group_count=" GROUP-COUNT
           DISPLAY "N item_count=" ITEM-COUNT
           DISPLAY "N note_count=" NOTE-COUNT
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > GROUP-COUNT
               DISPLAY "X grp_entry(" I ").group_code=" GROUP-CODE(I)
               IF ITEM-COUNT = 0
                   DISPLAY "E grp_entry(" I ").item_entry="
               END-IF
               PERFORM VARYING K FROM 1 BY 1 UNTIL K > ITEM-COUNT
                   DISPLAY "N grp_entry(" I ").item_entry(" K
                       ").item_qty=" ITEM-QTY(I K)
                   DISPLAY "X grp_entry(" I ").item_entry(" K
                       ").item_tag=" ITEM-TAG(I K)
               END-PERFORM
               DISPLAY "N grp_entry(" I ").group_total="
                   GROUP-TOTAL(I)
           END-PERFORM
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 2
               DISPLAY "N row_entry(" I ").row_no=" ROW-NO(I)
               IF NOTE-COUNT = 0
                   DISPLAY "E row_entry(" I ").row_note="
               END-IF
               PERFORM VARYING K FROM 1 BY 1 UNTIL K > NOTE-COUNT
                   DISPLAY "X row_entry(" I ").row_note(" K ")="
                       ROW-NOTE(I K)
               END-PERFORM
           END-PERFORM
           DISPLAY "X rec_tail=" REC-TAIL
           WRITE NEST-REC.
