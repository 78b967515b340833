       REPLACE LEADING ==WS-== BY ==RQ-==.
      * REPLACE turns the words it matches in the text after it
       01  REQUEST.
           05  WS-HEAD             PIC X(4).
           COPY COUNTERS REPLACING LEADING ==CNT-== BY ==RQ-CNT-==.
       REPLACE OFF.
           05  WS-TAIL             PIC X(2).
