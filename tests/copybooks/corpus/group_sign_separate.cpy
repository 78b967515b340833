      * BUDGET LINES - ONE SIGN CLAUSE FOR THE WHOLE GROUP
       01  BG-BUDGET-LINE.
           05  BG-COST-CENTRE             PIC X(6).
           05  BG-FIGURES SIGN IS LEADING SEPARATE.
               10  BG-BUDGET              PIC S9(7)V99.
               10  BG-ACTUAL              PIC S9(7)V99.
               10  BG-VARIANCE            PIC S9(7)V99.
           05  BG-COMMITTED               PIC S9(7)V99.
