      * CALLBACK TABLE ENTRY: A DATA ADDRESS, A SLOT INDEX AND TWO
      * ENTRY POINTS, AS PASSED BETWEEN PROGRAMS IN ONE RUN UNIT.
       01  PT-REC.
           05  PT-TAG                PIC X(3).
           05  PT-DATA-PTR           USAGE POINTER.
           05  PT-SLOT               USAGE INDEX.
           05  PT-EXIT               USAGE PROCEDURE-POINTER.
           05  PT-PROG               USAGE PROGRAM-POINTER.
           05  PT-TAIL               PIC X(2).
