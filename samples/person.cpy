      *----------------------------------------------------------------*
      * PERSON-REC: a nominal (person) record as a force's legacy      *
      * intelligence system holds it. Fictional sample data.           *
      *----------------------------------------------------------------*
       01  PERSON-REC.
           05  NOMINAL-REF             PIC X(10).
           05  NAME-BLOCK.
               10  SURNAME             PIC X(24).
               10  FORENAME-1          PIC X(16).
               10  FORENAME-2          PIC X(16).
           05  BIRTH-DATE              PIC 9(8).
           05  BIRTH-DATE-R REDEFINES BIRTH-DATE.
               10  BIRTH-YYYY          PIC 9(4).
               10  BIRTH-MM            PIC 99.
               10  BIRTH-DD            PIC 99.
           05  SEX                     PIC X.
               88  SEX-MALE            VALUE 'M'.
               88  SEX-FEMALE          VALUE 'F'.
               88  SEX-UNKNOWN         VALUE 'U' SPACE.
           05  HEIGHT-CM               PIC 9(3).
           05  ETHNIC-CODE             PIC X(2).
           05  WARNING-MARKERS         PIC X(2) OCCURS 4 TIMES.
           05  LAST-ADDRESS.
               10  HOUSE               PIC X(10).
               10  STREET              PIC X(30).
               10  TOWN                PIC X(20).
               10  POSTCODE            PIC X(8).
           05  CONVICTION-COUNT        PIC S9(4) COMP.
           05  OUTSTANDING-FINES       PIC S9(7)V99 COMP-3.
           05  LAST-SEEN-LAT           PIC S9(3)V9(6)
                                       SIGN LEADING SEPARATE.
           05  LAST-SEEN-LON           PIC S9(3)V9(6)
                                       SIGN LEADING SEPARATE.
           05  RECORD-UPDATED          PIC 9(14).
           05  FILLER                  PIC X(10).
