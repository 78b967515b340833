000100*----------------------------------------------------------------*
000200* CUSTODY-REC: one detention at a custody suite, with a variable *
000300* table of charges (OCCURS DEPENDING ON). Fictional sample data. *
000400* Written by the custody system as RDW variable-length records.  *
000500*----------------------------------------------------------------*
000600 01  CUSTODY-REC.                                                 CUST0001
000700     05  CUSTODY-ID              PIC X(12).                       CUST0002
000800     05  FORCE-CODE              PIC 9(2).                        CUST0003
000900     05  STATION-CODE            PIC X(4).                        CUST0004
001000     05  DETAINED-PERSON.                                         CUST0005
001100         10  SURNAME             PIC X(20).                       CUST0006
001200         10  FORENAMES           PIC X(20).                       CUST0007
001300         10  DATE-OF-BIRTH       PIC 9(8).                        CUST0008
001400         10  PNC-ID              PIC X(12).                       CUST0009
001500     05  ARRIVAL-TS.                                              CUST0010
001600         10  ARRIVAL-DATE        PIC 9(8).                        CUST0011
001700         10  ARRIVAL-TIME        PIC 9(6).                        CUST0012
001800     05  RISK-SCORE              PIC S9(3)V99 COMP-3.             CUST0013
001900     05  CELL-NUMBER             PIC S9(4) COMP.                  CUST0014
002000     05  STATUS-CODE             PIC X.                           CUST0015
002100         88  IN-CUSTODY          VALUE 'C'.                       CUST0016
002200         88  RELEASED            VALUE 'R'.                       CUST0017
002300         88  BAILED              VALUE 'B'.                       CUST0018
002400     05  BAIL-AMOUNT             PIC S9(7)V99 COMP-3.             CUST0019
002500     05  CHARGE-COUNT            PIC S9(4) COMP.                  CUST0020
002600     05  CHARGES OCCURS 0 TO 10 TIMES                             CUST0021
002700             DEPENDING ON CHARGE-COUNT.                           CUST0022
002800         10  OFFENCE-CODE        PIC X(8).                        CUST0023
002900         10  OFFENCE-DATE        PIC 9(8).                        CUST0024
003000         10  PLEA                PIC X.                           CUST0025
003100         10  FINE-AMOUNT         PIC S9(5)V99 COMP-3.             CUST0026
