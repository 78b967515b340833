      * ELECTORAL REGISTER ENTRY - ADDRESS FROM THE SHARED MEMBER
       01  ER-ELECTOR.
           05  ER-ELECTOR-NO              PIC 9(8).
           05  ER-SURNAME                 PIC X(25).
           05  ER-ADDRESS.
               COPY ADDRLINE.
           05  ER-WARD                    PIC X(4).
