000100* CUSTOMER MASTER RECORD                                          CUSTMAST
000200 01  CUSTOMER-REC.                                                CUSTMAST
000300     05  CUST-ID             PIC 9(8).                            CUSTMAST
000400     05  CUST-NAME           PIC X(30).                           CUSTMAST
000500     05  CUST-BALANCE        PIC S9(7)V99 COMP-3.                 CUSTMAST
