      * LICENCE DATES - SEVERAL VIEWS OF THE SAME BYTES
       01  LD-LICENCE-DATES.
           05  LD-ISSUED                  PIC 9(8).
           05  LD-ISSUED-X REDEFINES LD-ISSUED
                                          PIC X(8).
           05  LD-ISSUED-PARTS REDEFINES LD-ISSUED.
               10  LD-ISSUED-CC           PIC 99.
               10  LD-ISSUED-YY           PIC 99.
               10  LD-ISSUED-MM           PIC 99.
               10  LD-ISSUED-DD           PIC 99.
           05  LD-EXPIRES                 PIC 9(8).
           05  LD-EXPIRES-R REDEFINES LD-EXPIRES.
               10  LD-EXPIRES-CCYY        PIC 9(4).
               10  LD-EXPIRES-MMDD        PIC 9(4).
           05  LD-STATUS                  PIC X.
