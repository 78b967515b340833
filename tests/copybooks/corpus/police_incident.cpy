000100*================================================================
000200* PDINCREC  INCIDENT MASTER RECORD - FORCE CONTROL ROOM
000300* MAINTAINED BY CONTROL ROOM SYSTEMS.  CHANGES MARKED IN 73-80.
000400*================================================================
000500 01  PD-INCIDENT-REC.
000600     05  PD-INCIDENT-KEY.
000700         10  PD-FORCE-CODE          PIC X(2).
000800         10  PD-INCIDENT-NO         PIC 9(8).
000900     05  PD-OPENED-DATE             PIC 9(8).
001000     05  PD-OPENED-PARTS REDEFINES PD-OPENED-DATE.
001100         10  PD-OPENED-CCYY         PIC 9(4).
001200         10  PD-OPENED-MM           PIC 9(2).
001300         10  PD-OPENED-DD           PIC 9(2).
001400     05  PD-GRADE                   PIC 9.
001500         88  PD-GRADE-EMERGENCY     VALUE 1.
001600         88  PD-GRADE-PRIORITY      VALUE 2 THRU 3.
001700         88  PD-GRADE-VALID         VALUE 1 THRU 5.
001800     05  PD-CATEGORY                PIC X(4).
001900         88  PD-CAT-ACQUISITIVE     VALUE 'THFT' 'BURG' 'ROBB'.
002000     05  PD-OFFICER-1               PIC X(7).
002100     05  PD-OFFICER-2               PIC X(7).                     PD2291
002200     05  PD-RESPONSE-MINS           PIC S9(4) COMP.               PD2291
002300     05  PD-GRID-REF.
002400         10  PD-EASTING             PIC 9(6).
002500         10  PD-NORTHING            PIC 9(6).
002600     05  FILLER                     PIC X(10).
