      *----------------------------------------------------------------*
      * Oracle for Ferrule: writes variable-length ORDER-REC records   *
      * (odo.cpy) to odo.dat and DISPLAYs every field present, one     *
      * `KIND path=value` line per field (see tests/cobol/README.md).  *
      * The length prefix of each record follows COB_VARSEQ_FORMAT.    *
      *----------------------------------------------------------------*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. ODO.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT OUT-FILE ASSIGN TO "odo.dat"
               ORGANIZATION IS SEQUENTIAL.
       DATA DIVISION.
       FILE SECTION.
      * 21 bytes of header, 20 per line, up to 5 lines.
       FD  OUT-FILE
           RECORD IS VARYING IN SIZE FROM 21 TO 121 CHARACTERS.
       COPY "odo.cpy".
       WORKING-STORAGE SECTION.
       01  I                           PIC 9.
       01  K                           PIC 9.
       PROCEDURE DIVISION.
       MAIN.
           OPEN OUTPUT OUT-FILE
      * 1: two lines
           MOVE "ORD001" TO ORDER-ID
           MOVE 2024 TO ORDER-YEAR  MOVE 6 TO ORDER-MONTH
           MOVE 11 TO ORDER-DAY
           MOVE 2 TO LINE-COUNT
           MOVE "SKU-A" TO SKU(1)  MOVE 3 TO QTY(1)
           MOVE 19.99 TO UNIT-PRICE(1)
           MOVE "Y" TO LINE-FLAGS(1 1)  MOVE "N" TO LINE-FLAGS(1 2)
           MOVE "SKU-B" TO SKU(2)  MOVE -1 TO QTY(2)
           MOVE -5.00 TO UNIT-PRICE(2)
           MOVE "R" TO LINE-FLAGS(2 1)  MOVE " " TO LINE-FLAGS(2 2)
           COMPUTE ORDER-TOTAL = 3 * 19.99 + 5.00
           PERFORM SHOW-AND-WRITE
      * 2: no lines at all (shortest record)
           MOVE "ORD002" TO ORDER-ID
           MOVE 1999 TO ORDER-YEAR  MOVE 12 TO ORDER-MONTH
           MOVE 31 TO ORDER-DAY
           MOVE 0 TO LINE-COUNT
           MOVE 0 TO ORDER-TOTAL
           PERFORM SHOW-AND-WRITE
      * 3: the full table (longest record)
           MOVE "ORD003" TO ORDER-ID
           MOVE 2000 TO ORDER-YEAR  MOVE 2 TO ORDER-MONTH
           MOVE 29 TO ORDER-DAY
           MOVE 5 TO LINE-COUNT
           MOVE 0 TO ORDER-TOTAL
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > 5
               MOVE "ITEM-" TO SKU(I)
               MOVE I TO SKU(I)(6:1)
               COMPUTE QTY(I) = I * 11111 - 1
               COMPUTE UNIT-PRICE(I) = I * 1000.01 - 3000
               MOVE "A" TO LINE-FLAGS(I 1)  MOVE "B" TO LINE-FLAGS(I 2)
               COMPUTE ORDER-TOTAL = ORDER-TOTAL
                                     + QTY(I) * UNIT-PRICE(I)
           END-PERFORM
           PERFORM SHOW-AND-WRITE
      * 4: one line, negative total
           MOVE "ORD004" TO ORDER-ID
           MOVE 2024 TO ORDER-YEAR  MOVE 1 TO ORDER-MONTH
           MOVE 1 TO ORDER-DAY
           MOVE 1 TO LINE-COUNT
           MOVE "REFUND" TO SKU(1)  MOVE -99999 TO QTY(1)
           MOVE 99999.99 TO UNIT-PRICE(1)
           MOVE "X" TO LINE-FLAGS(1 1)  MOVE "Z" TO LINE-FLAGS(1 2)
           MOVE -9999999.99 TO ORDER-TOTAL
           PERFORM SHOW-AND-WRITE
           CLOSE OUT-FILE
           STOP RUN.

       SHOW-AND-WRITE.
           DISPLAY "@record"
           DISPLAY "X order_id=" ORDER-ID
           DISPLAY "N order_date.order_year=" ORDER-YEAR
           DISPLAY "N order_date.order_month=" ORDER-MONTH
           DISPLAY "N order_date.order_day=" ORDER-DAY
           DISPLAY "N order_total=" ORDER-TOTAL
           DISPLAY "N line_count=" LINE-COUNT
           IF LINE-COUNT = 0
               DISPLAY "E order_lines="
           END-IF
           PERFORM VARYING I FROM 1 BY 1 UNTIL I > LINE-COUNT
               DISPLAY "X order_lines(" I ").sku=" SKU(I)
               DISPLAY "N order_lines(" I ").qty=" QTY(I)
               DISPLAY "N order_lines(" I ").unit_price=" UNIT-PRICE(I)
               PERFORM VARYING K FROM 1 BY 1 UNTIL K > 2
                   DISPLAY "X order_lines(" I ").line_flags(" K ")="
                       LINE-FLAGS(I K)
               END-PERFORM
           END-PERFORM
           WRITE ORDER-REC.
