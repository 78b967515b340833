      * TEMPLATE FOR COPY REPLACING, LOADED ON ITS OWN BY MISTAKE
       01  :TAG:-REC.
           05  :TAG:-ID                   PIC X(5).
           05  :TAG:-BALANCE              PIC S9(7)V99 COMP-3.
