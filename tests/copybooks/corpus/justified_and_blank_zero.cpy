      * POLICE PROPERTY STORE LABEL
       01  PS-LABEL.
           05  PS-EXHIBIT-REF             PIC X(12) JUSTIFIED RIGHT.
           05  PS-BAG-NO                  PIC 9(6) BLANK WHEN ZERO.
           05  PS-SHELF                   PIC X(5) JUST.
           05  PS-VALUE-ED                PIC ZZ,ZZ9.99 BLANK WHEN ZERO.
           05  PS-OFFICER                 PIC X(7).
