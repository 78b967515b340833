      * FUZZ-REC: a typed payload (REDEFINES), zoned signs, national
      * text and an OCCURS DEPENDING ON table with a field after it.
       01  FUZZ-REC.
           05  REC-TYPE                PIC X.
           05  PAYLOAD                 PIC X(10).
           05  PAY-NUM REDEFINES PAYLOAD.
               10  AMOUNT              PIC S9(7)V99 COMP-3.
               10  QTY                 PIC 9(5).
           05  PAY-BIN REDEFINES PAYLOAD.
               10  ID-BIN              PIC S9(9) COMP-5.
               10  FILLER              PIC X(6).
           05  ZONED-LEAD              PIC S9(3) SIGN LEADING.
           05  ZONED-SEP               PIC S9(3)V9
                                       SIGN TRAILING SEPARATE.
           05  NAT                     PIC N(3).
           05  ITEM-COUNT              PIC 9(2).
           05  ITEMS OCCURS 0 TO 4 TIMES
                   DEPENDING ON ITEM-COUNT.
               10  ITEM-CODE           PIC X(3).
               10  ITEM-QTY            PIC S9(4) COMP.
           05  TRAILER                 PIC X(2).
