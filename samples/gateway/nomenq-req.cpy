      *----------------------------------------------------------------*
      * NOMENQ-REQ: person (nominal) enquiry by name and date of       *
      * birth. 80 bytes.                                               *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  NOMENQ-REQ.
           05  TRAN-CODE               PIC X(4).
           05  SURNAME                 PIC X(24).
           05  FORENAME                PIC X(20).
           05  DATE-OF-BIRTH           PIC 9(8).
           05  FILLER                  PIC X(24).
