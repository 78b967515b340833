      ********************************
      * code shifted into columns 1-7
      ********************************
01 REC.                                                                 CHG00001
   05 A PIC X(4).
      * comment in column 7
   05 B PIC S9(5) COMP-3.                                               CHG00002
/
