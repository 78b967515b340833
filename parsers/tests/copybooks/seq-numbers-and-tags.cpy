000100*-----------------------------------------------------------------
000200* ORDER HEADER - fixed format, sequence numbers, change tags      ORDHDR01
000300*-----------------------------------------------------------------
000400  01  ORDER-HEADER.                                               ORDHDR01
000500      05  ORD-ID              PIC 9(8).                           CHG0117 
000600      05  ord-date.                                               CHG0117 
000700          10  ord-yyyy        pic 9(4).
000800          10  ord-mm          pic 99.
000900          10  ord-dd          pic 99.
001000/
001100      05  ORD-TOTAL           PIC S9(9)V99 COMP-3.                CHG0204 
001200D     05  DEBUG-ONLY          PIC X(99).
001300      05  ORD-LINES           PIC S9(4) COMP.
001400      05  ORD-STATUS          PIC X.                              ORDHDR01
001500          88  ORD-OPEN        VALUE 'O'.
