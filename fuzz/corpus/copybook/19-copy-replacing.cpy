      * bundle: a copybook, then members after `@@ NAME` lines
       01  ORDER.
           COPY PARTY REPLACING ==:P:== BY ==BUYER==.
           COPY PARTY REPLACING ==:P:== BY ==SELLER==
                                ==X(20)== BY ==X(9)==.
           05  TOTAL PIC S9(7)V99 COMP-3.
@@ PARTY.cpy
           05  :P:-NAME     PIC X(20).
           COPY PHONE.
@@ phone.cpy
           05  :P:-PHONE    PIC 9(10).
