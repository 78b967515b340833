      *----------------------------------------------------------------*
      * NOMLOOK-RSP: the answer to NOMLOOK-REQ. 120 bytes.             *
      * RETURN-CODE 00 = found, 04 = no trace, 08 = invalid request.   *
      * Zoned, packed and big-endian binary numbers, Latin-1 text.     *
      * Fictional test data for tests/cobol_backend.rs.                *
      *----------------------------------------------------------------*
       01  NOMLOOK-RSP.
           05  RETURN-CODE             PIC 9(2).
           05  MESSAGE-TEXT            PIC X(30).
           05  NOMINAL-REF             PIC X(12).
           05  SURNAME                 PIC X(20).
           05  FORENAME                PIC X(15).
           05  DATE-OF-BIRTH           PIC 9(8).
           05  HEIGHT-CM               PIC 9(3).
      *    Unpaid fines: packed decimal.
           05  FINES-OUTSTANDING       PIC S9(5)V99 COMP-3.
      *    Court account: negative when the person is in credit.
           05  ACCOUNT-BALANCE         PIC S9(5)V99.
           05  ARREST-COUNT            PIC 9(4) COMP.
      *    Warning markers, e.g. VI violent, WE weapons; blank unused.
           05  WARNING-MARKERS         PIC X(2) OCCURS 3 TIMES.
           05  FILLER                  PIC X(11).
