      * SEGMENT PATEPIS  (CHILD OF PATROOT)   LENGTH 64
      * SEQUENCE FIELD EPI-KEY
       01  PATEPIS-SEGMENT.
           03  EPI-KEY.
               05  EPI-START-DATE     PIC S9(7)  COMP-3.
               05  EPI-SEQ            PIC S9(3)  COMP-3.
           03  EPI-WARD               PIC X(4).
           03  EPI-CONSULTANT         PIC X(8).
           03  EPI-ADMIT-METHOD       PIC X(2).
           03  EPI-DISCHARGE-DATE     PIC S9(7)  COMP-3.
           03  EPI-LENGTH-OF-STAY     PIC S9(4)  COMP.
           03  EPI-DIAGNOSIS          PIC X(6)   OCCURS 3 TIMES.
           03  EPI-COST               PIC S9(7)V99 COMP-3.
           03  FILLER                 PIC X(11).
