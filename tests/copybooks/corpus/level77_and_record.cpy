      * PARKING PENALTY CHARGE - WORKING FIELDS AND THE RECORD
       77  PP-RECORD-COUNT                PIC S9(7) COMP-3 VALUE ZERO.
       77  PP-LAST-PCN                    PIC X(10).
       01  PP-PCN-RECORD.
           05  PP-PCN-NO                  PIC X(10).
           05  PP-VRM                     PIC X(8).
           05  PP-CONTRAVENTION           PIC 99.
           05  PP-CHARGE                  PIC 9(3)V99.
           05  PP-ISSUED                  PIC 9(8).
