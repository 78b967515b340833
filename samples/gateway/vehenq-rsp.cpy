      *----------------------------------------------------------------*
      * VEHENQ-RSP: the vehicle host's answer. 400 bytes.              *
      * RETURN-CODE 00 = found, 04 = no record, 08 = bad request.      *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  VEHENQ-RSP.
           05  RETURN-CODE             PIC 9(2).
           05  MESSAGE-TEXT            PIC X(40).
           05  VRM                     PIC X(8).
           05  MAKE                    PIC X(15).
           05  MODEL                   PIC X(20).
           05  COLOUR                  PIC X(10).
           05  FIRST-REGISTERED        PIC 9(8).
           05  KEEPER.
               10  KEEPER-NAME         PIC X(30).
               10  KEEPER-ADDRESS      PIC X(30).
               10  KEEPER-POSTCODE     PIC X(8).
               10  KEEPER-SINCE        PIC 9(8).
           05  TAX-STATUS              PIC X.
               88  TAXED               VALUE 'T'.
               88  SORN                VALUE 'S'.
               88  UNTAXED             VALUE 'U'.
           05  INSURED                 PIC X.
               88  IS-INSURED          VALUE 'Y'.
               88  NOT-INSURED         VALUE 'N'.
           05  MOT-EXPIRY              PIC 9(8).
           05  ESTIMATED-VALUE         PIC S9(7)V99 COMP-3.
           05  MILEAGE                 PIC 9(7) COMP.
           05  REPORTS OCCURS 3 TIMES.
               10  REPORT-TYPE         PIC X(4).
               10  REPORT-DATE         PIC 9(8).
               10  REPORT-FORCE        PIC 9(2).
      *    Host bookkeeping: of no use to API clients (the gateway
      *    omits it).
           05  SYSTEM-AREA.
               10  HOST-ID             PIC X(8).
               10  TRANSACTION-SEQ     PIC 9(9) COMP.
           05  FILLER                  PIC X(148).
