*----------------------------------------------------------
* ACCOUNT - first six columns cut off
*----------------------------------------------------------
 01  ACCT-REC.
     05  ACCT-ID         PIC X(10).
*    05  ACCT-OLD        PIC X(10).
     05  ACCT-OPENED     PIC 9(8).
     05  ACCT-RATE       PIC SV9(5) COMP-3.
/
     05  ACCT-LIMIT      PIC S9(11) COMP.
