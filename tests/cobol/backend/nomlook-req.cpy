      *----------------------------------------------------------------*
      * NOMLOOK-REQ: person (nominal) lookup by nominal reference.     *
      * 40 bytes. Fictional test data for tests/cobol_backend.rs.      *
      *----------------------------------------------------------------*
       01  NOMLOOK-REQ.
           05  TRAN-CODE               PIC X(4).
           05  NOMINAL-REF             PIC X(12).
           05  REQUESTING-FORCE        PIC 9(2).
           05  FILLER                  PIC X(22).
