      * EDIT-REC: numeric-edited pictures, floats, scaling and
      * text options.
       01  EDIT-REC.
           05  PRICE                   PIC ZZ,ZZ9.99-.
           05  TOTAL                   PIC $$$,$$9.99.
           05  CHECK-AMT               PIC ***9.99.
           05  BALANCE                 PIC 9(3).99CR.
           05  DELTA                   PIC -(5)9.99.
           05  RATE                    COMP-1.
           05  FACTOR                  COMP-2.
           05  BWZ                     PIC 9(4) BLANK WHEN ZERO.
           05  SCALED                  PIC S9(3)PP.
           05  SMALL                   PIC SVPP9(3) COMP-3.
           05  RIGHT-TXT               PIC X(6) JUSTIFIED RIGHT.
           05  FLOATS                  COMP-2 OCCURS 2 TIMES.
           05  BIG                     PIC S9(18) COMP-5.
