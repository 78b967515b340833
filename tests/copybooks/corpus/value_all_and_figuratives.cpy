      * REPORT CONTROL RECORD - VALUES OF EVERY KIND
       01  RC-CONTROL.
           05  RC-RULE             PIC X(20) VALUE ALL '-'.
           05  RC-TITLE            PIC X(30) VALUE 'COUNCIL RENTS'.
           05  RC-COUNT            PIC 9(5)  VALUE ZEROS.
           05  RC-TOTAL            PIC S9(7)V99 COMP-3 VALUE ZERO.
           05  RC-HIGH-KEY         PIC X(8)  VALUE HIGH-VALUES.
           05  RC-BLANK            PIC X(4)  VALUE SPACES.
           05  RC-QUOTE-MARK       PIC X     VALUE QUOTE.
           05  RC-RATE             PIC 9V999 VALUE 1.125.
           05  RC-STARS            PIC X(6)  VALUE ALL '*'.
