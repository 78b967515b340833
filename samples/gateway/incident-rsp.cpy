      *----------------------------------------------------------------*
      * INCIDENT-RSP: the incident host's answer. 100 bytes.           *
      * RETURN-CODE 00 = logged, 08 = rejected.                        *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  INCIDENT-RSP.
           05  RETURN-CODE             PIC 9(2).
           05  MESSAGE-TEXT            PIC X(40).
           05  INCIDENT-REF            PIC X(12).
      *    YYYYMMDDhhmmss, UTC.
           05  RECEIVED-AT             PIC 9(14).
           05  FILLER                  PIC X(32).
