      *----------------------------------------------------------------*
      * NOMENQ-RSP: the nominal host's answer: up to 10 possible       *
      * matches. Variable length (OCCURS DEPENDING ON): 48 bytes plus  *
      * 76 per match, at most 808.                                     *
      * RETURN-CODE 00 = matches found, 04 = no match.                 *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  NOMENQ-RSP.
           05  RETURN-CODE             PIC 9(2).
           05  MESSAGE-TEXT            PIC X(40).
           05  SYSTEM-AREA.
               10  HOST-ID             PIC X(4).
           05  MATCH-COUNT             PIC 9(2).
           05  MATCHES OCCURS 0 TO 10 TIMES
                       DEPENDING ON MATCH-COUNT.
               10  NOMINAL-REF         PIC X(12).
               10  SURNAME             PIC X(24).
               10  FORENAME            PIC X(20).
               10  DATE-OF-BIRTH       PIC 9(8).
      *        Warning markers, e.g. VI violent, WE weapons, DR drugs,
      *        SU suicidal, ES escaper; blank when unused.
               10  WARNING-MARKERS     PIC X(2) OCCURS 6 TIMES.
