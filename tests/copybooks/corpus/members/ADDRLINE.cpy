      * ADDRESS LINES - COPIED INTO MANY RECORDS
               10  ADDR-LINE-1            PIC X(30).
               10  ADDR-LINE-2            PIC X(30).
               10  ADDR-TOWN              PIC X(20).
               10  ADDR-POSTCODE          PIC X(8).
