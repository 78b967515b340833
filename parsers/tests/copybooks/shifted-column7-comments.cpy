      *****************************************************************
      * CUSTOMER - exported by a tool: sequence area trimmed           *
      *****************************************************************
01 CUSTOMER-REC.                                                        CUST0001
   05 CUST-NO            PIC 9(6).                                      CUST0002
      * name block
   05 CUST-NAME.
      10 CUST-LAST       PIC X(20).
      10 CUST-FIRST      PIC X(15).
      / 
   05 CUST-BALANCE       PIC S9(7)V99 COMP-3.                           CHG00042
   05 CUST-FLAGS         PIC X OCCURS 4 TIMES.
