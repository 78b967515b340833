      *----------------------------------------------------------------*
      * ORDER-REC: a variable-length record whose table of lines is    *
      * OCCURS DEPENDING ON a binary count. Written by odo.cbl as a    *
      * RECORD VARYING sequential file (one length prefix per record,  *
      * its format chosen by COB_VARSEQ_FORMAT).                       *
      *----------------------------------------------------------------*
       01  ORDER-REC.
           05  ORDER-ID                PIC X(6).
           05  ORDER-DATE.
               10  ORDER-YEAR          PIC 9(4).
               10  ORDER-MONTH         PIC 9(2).
               10  ORDER-DAY           PIC 9(2).
           05  ORDER-TOTAL             PIC S9(7)V99 COMP-3.
           05  LINE-COUNT              PIC S9(4) COMP.
           05  ORDER-LINES OCCURS 0 TO 5 TIMES
                   DEPENDING ON LINE-COUNT.
               10  SKU                 PIC X(8).
               10  QTY                 PIC S9(5) COMP-3.
               10  UNIT-PRICE          PIC S9(5)V99.
               10  LINE-FLAGS          PIC X OCCURS 2 TIMES.
