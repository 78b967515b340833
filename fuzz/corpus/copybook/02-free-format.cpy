*> free-format copybook
01 ORDER-REC.
  05 ORDER-ID PIC 9(10).  *> key
  05 ORDER-DATE.
     10 YYYY PIC 9(4).
     10 MM   PIC 99.
     10 DD   PIC 99.
