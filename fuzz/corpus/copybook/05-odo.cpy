       01  INVOICE.
           05  HDR.
               10  LINE-COUNT      PIC S9(4) COMP.
           05  LINES OCCURS 1 TO 99 TIMES
                     DEPENDING ON LINE-COUNT OF HDR
                     ASCENDING KEY IS SKU.
               10  SKU             PIC X(12).
               10  QTY             PIC S9(5) COMP-3.
           05  TRAILER             PIC X(4).
