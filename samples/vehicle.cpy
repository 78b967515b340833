      *----------------------------------------------------------------*
      * VEHICLE-REC: a vehicle as a police national computer-like      *
      * system keeps it: keeper, status, markers and reports.          *
      * Fictional sample data.                                         *
      *----------------------------------------------------------------*
       01  VEHICLE-REC.
           05  VRM                     PIC X(8).
           05  MAKE                    PIC X(15).
           05  MODEL                   PIC X(20).
           05  COLOUR                  PIC X(10).
           05  FIRST-REGISTERED        PIC 9(8).
           05  ENGINE-CC               PIC 9(5) COMP-3.
           05  MILEAGE                 PIC 9(7) COMP.
           05  TAX-STATUS              PIC X.
               88  TAXED               VALUE 'T'.
               88  SORN                VALUE 'S'.
               88  UNTAXED             VALUE 'U'.
           05  INSURED-FLAG            PIC X VALUE 'N'.
           05  KEEPER.
               10  KEEPER-NAME         PIC X(30).
               10  KEEPER-POSTCODE     PIC X(8).
               10  KEEPER-SINCE        PIC 9(8).
           05  ESTIMATED-VALUE         PIC S9(7)V99 COMP-3.
           05  REPORT-COUNT            PIC S9(4) COMP.
           05  REPORTS OCCURS 3 TIMES.
               10  REPORT-TYPE         PIC X(4).
               10  REPORT-DATE         PIC 9(8).
               10  REPORT-FORCE        PIC 99.
           05  LAST-CHECK-MILES        PIC S9(7) SIGN TRAILING SEPARATE.
