      *----------------------------------------------------------------*
      * NEST-REC: nested OCCURS DEPENDING ON (IBM "complex ODO"): an   *
      * ODO table of groups, each holding an ODO table of items, then  *
      * a fixed table whose rows hold an ODO table, then a tail. Every *
      * counter sits before the tables; each group is as long as its   *
      * item count says. Written by nested.cbl, compiled -fodoslide.  *
      *----------------------------------------------------------------*
       01  NEST-REC.
           05  REC-ID                  PIC X(4).
           05  GROUP-COUNT             PIC 9.
           05  ITEM-COUNT              PIC S9(4) COMP.
           05  NOTE-COUNT              PIC 9.
           05  GRP-ENTRY OCCURS 1 TO 3 TIMES
                   DEPENDING ON GROUP-COUNT.
               10  GROUP-CODE          PIC X(2).
               10  ITEM-ENTRY OCCURS 0 TO 4 TIMES
                       DEPENDING ON ITEM-COUNT.
                   15  ITEM-QTY        PIC S9(3) COMP-3.
                   15  ITEM-TAG        PIC X.
               10  GROUP-TOTAL         PIC S9(5) COMP-3.
           05  ROW-ENTRY OCCURS 2 TIMES.
               10  ROW-NO              PIC 9.
               10  ROW-NOTE OCCURS 0 TO 3 TIMES
                       DEPENDING ON NOTE-COUNT PIC X(2).
           05  REC-TAIL                PIC X(3).
