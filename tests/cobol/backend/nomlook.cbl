      *================================================================*
      * NOMLOOK: a legacy person (nominal) lookup, driven the way the  *
      * gateway drives batch programs: ONE fixed-length request record *
      * (NOMLOOK-REQ, 40 bytes) on stdin, ONE fixed-length answer      *
      * (NOMLOOK-RSP, 120 bytes) on stdout, then exit 0.               *
      *                                                                *
      * Reading stdin (GnuCOBOL 3.1.2):                                *
      * - ACCEPT ... FROM SYSIN and ASSIGN TO KEYBOARD are line input: *
      *   they wait for a newline (or EOF) and drop CR, so a binary    *
      *   fixed record on a socket that stays open would never arrive. *
      * - A SEQUENTIAL file assigned to "/dev/stdin" is binary-safe,   *
      *   but one READ is one read(2): a record split across writes   *
      *   comes back short (status 04). So the record is read ONE BYTE *
      *   AT A TIME (1-byte records) until all 40 bytes are in, with   *
      *   no newline and no EOF needed.                                *
      * - /dev/stdin cannot be opened when stdin is a socket (ENXIO):  *
      *   under socat use EXEC:<program>,pipes.                        *
      * Writing: DISPLAY ... WITH NO ADVANCING writes the record's raw *
      * bytes (packed and binary included) and no newline.             *
      *                                                                *
      * Fictional test data for tests/cobol_backend.rs. ISO-8859-1.    *
      *================================================================*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. NOMLOOK.
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT REQ-IN ASSIGN TO "/dev/stdin"
               ORGANIZATION IS SEQUENTIAL
               FILE STATUS IS WS-IN-STATUS.
       DATA DIVISION.
       FILE SECTION.
       FD  REQ-IN.
       01  REQ-BYTE                    PIC X.
       WORKING-STORAGE SECTION.
       COPY "nomlook-req.cpy".
       COPY "nomlook-rsp.cpy".
       01  WS-IN-STATUS                PIC XX.
       01  WS-REQ-LEN                  PIC 9(4) COMP VALUE 40.
       01  WS-GOT                      PIC 9(4) COMP VALUE 0.
       01  WS-SHORT                    PIC X VALUE "N".
           88  REQUEST-SHORT           VALUE "Y".
       01  WS-IX                       PIC 9(4) COMP.
       01  WS-FOUND                    PIC 9(4) COMP VALUE 0.
       01  PERSON-TABLE.
           05  PERSON OCCURS 4 TIMES.
               10  P-REF               PIC X(12).
               10  P-SURNAME           PIC X(20).
               10  P-FORENAME          PIC X(15).
               10  P-DOB               PIC 9(8).
               10  P-HEIGHT            PIC 9(3).
               10  P-FINES             PIC S9(5)V99 COMP-3.
               10  P-BALANCE           PIC S9(5)V99.
               10  P-ARRESTS           PIC 9(4) COMP.
               10  P-MARKERS           PIC X(6).
       PROCEDURE DIVISION.
       MAIN-LINE.
           PERFORM LOAD-TABLE
           PERFORM READ-REQUEST
           INITIALIZE NOMLOOK-RSP
           EVALUATE TRUE
               WHEN REQUEST-SHORT
               WHEN TRAN-CODE OF NOMLOOK-REQ NOT = "NOML"
                   MOVE 8 TO RETURN-CODE OF NOMLOOK-RSP
                   MOVE "INVALID REQUEST" TO MESSAGE-TEXT
               WHEN OTHER
                   PERFORM LOOK-UP
           END-EVALUATE
           DISPLAY NOMLOOK-RSP WITH NO ADVANCING
      *    The answer is in RETURN-CODE OF NOMLOOK-RSP; the program
      *    itself always ends normally (exit status 0).
           STOP RUN.

      * Exactly WS-REQ-LEN bytes, one READ each; EOF first = short.
       READ-REQUEST.
           MOVE SPACES TO NOMLOOK-REQ
           OPEN INPUT REQ-IN
           IF WS-IN-STATUS NOT = "00"
               MOVE "Y" TO WS-SHORT
           ELSE
               PERFORM UNTIL WS-GOT >= WS-REQ-LEN OR REQUEST-SHORT
                   READ REQ-IN
                       AT END
                           MOVE "Y" TO WS-SHORT
                       NOT AT END
                           ADD 1 TO WS-GOT
                           MOVE REQ-BYTE TO NOMLOOK-REQ (WS-GOT:1)
                   END-READ
               END-PERFORM
               CLOSE REQ-IN
           END-IF.

       LOOK-UP.
           PERFORM VARYING WS-IX FROM 1 BY 1
                   UNTIL WS-IX > 4 OR WS-FOUND > 0
               IF P-REF (WS-IX) = NOMINAL-REF OF NOMLOOK-REQ
                   MOVE WS-IX TO WS-FOUND
               END-IF
           END-PERFORM
           IF WS-FOUND = 0
               MOVE 4 TO RETURN-CODE OF NOMLOOK-RSP
               MOVE "NO TRACE" TO MESSAGE-TEXT
               MOVE NOMINAL-REF OF NOMLOOK-REQ
                 TO NOMINAL-REF OF NOMLOOK-RSP
           ELSE
               MOVE 0 TO RETURN-CODE OF NOMLOOK-RSP
               MOVE "PERSON FOUND" TO MESSAGE-TEXT
               MOVE P-REF (WS-FOUND) TO NOMINAL-REF OF NOMLOOK-RSP
               MOVE P-SURNAME (WS-FOUND) TO SURNAME
               MOVE P-FORENAME (WS-FOUND) TO FORENAME
               MOVE P-DOB (WS-FOUND) TO DATE-OF-BIRTH
               MOVE P-HEIGHT (WS-FOUND) TO HEIGHT-CM
               MOVE P-FINES (WS-FOUND) TO FINES-OUTSTANDING
               MOVE P-BALANCE (WS-FOUND) TO ACCOUNT-BALANCE
               MOVE P-ARRESTS (WS-FOUND) TO ARREST-COUNT
               MOVE P-MARKERS (WS-FOUND) (1:2) TO WARNING-MARKERS (1)
               MOVE P-MARKERS (WS-FOUND) (3:2) TO WARNING-MARKERS (2)
               MOVE P-MARKERS (WS-FOUND) (5:2) TO WARNING-MARKERS (3)
           END-IF.

      * Arrest counts 10 and 13 put bytes 0A (LF) and 0D (CR) inside
      * the answer: the record must travel as bytes, not as a line.
       LOAD-TABLE.
           MOVE "NR0000104233" TO P-REF (1)
           MOVE "SMITH" TO P-SURNAME (1)
           MOVE "JOHN" TO P-FORENAME (1)
           MOVE 19800101 TO P-DOB (1)
           MOVE 180 TO P-HEIGHT (1)
           MOVE 1234.50 TO P-FINES (1)
           MOVE 0 TO P-BALANCE (1)
           MOVE 10 TO P-ARRESTS (1)
           MOVE "VIWE" TO P-MARKERS (1)

           MOVE "NR0000021987" TO P-REF (2)
           MOVE "ABERNATHY" TO P-SURNAME (2)
           MOVE "SIOBHAN" TO P-FORENAME (2)
           MOVE 19790704 TO P-DOB (2)
           MOVE 165 TO P-HEIGHT (2)
           MOVE 0 TO P-FINES (2)
           MOVE -75.25 TO P-BALANCE (2)
           MOVE 0 TO P-ARRESTS (2)
           MOVE "FI" TO P-MARKERS (2)

           MOVE "NR0000333105" TO P-REF (3)
           MOVE "KOWALCZYK" TO P-SURNAME (3)
           MOVE "MAREK" TO P-FORENAME (3)
           MOVE 19830512 TO P-DOB (3)
           MOVE 191 TO P-HEIGHT (3)
           MOVE 99999.99 TO P-FINES (3)
           MOVE 12345.67 TO P-BALANCE (3)
           MOVE 13 TO P-ARRESTS (3)
           MOVE "WEES" TO P-MARKERS (3)

           MOVE "NR0000512020" TO P-REF (4)
           MOVE "NÚÑEZ" TO P-SURNAME (4)
           MOVE "JOSÉ" TO P-FORENAME (4)
           MOVE 19911224 TO P-DOB (4)
           MOVE 172 TO P-HEIGHT (4)
           MOVE 60.00 TO P-FINES (4)
           MOVE -0.01 TO P-BALANCE (4)
           MOVE 2 TO P-ARRESTS (4)
           MOVE SPACES TO P-MARKERS (4).
