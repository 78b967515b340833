      *----------------------------------------------------------------*
      * VEHENQ-REQ: vehicle enquiry by registration mark (VRM), as a   *
      * force's terminal sends it to the vehicle host. 100 bytes.      *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  VEHENQ-REQ.
           05  TRAN-CODE               PIC X(4).
           05  VRM                     PIC X(8).
           05  REQUESTING-FORCE        PIC 9(2).
           05  USER-ID                 PIC X(8).
           05  FILLER                  PIC X(78).
