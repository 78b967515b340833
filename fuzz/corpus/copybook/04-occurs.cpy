       01  TABLE-REC.
           05  ENTRY-COUNT     PIC 9(3).
           05  ENTRIES OCCURS 12 TIMES INDEXED BY IX.
               10  MONTH-NAME  PIC X(9).
               10  MONTH-TOTAL PIC S9(7)V99 COMP-3.
