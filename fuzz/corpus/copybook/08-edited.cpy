       01  PRINT-LINE.
           05  AMOUNT          PIC ZZ,ZZ9.99CR.
           05  FILLER          PIC X(2) VALUE SPACES.
           05  TOTAL           PIC $$$,$$9.99-.
           05  RATE            PIC 9(3).99.
           05  STARS           PIC **,**9.
           05  RUN-DATE        PIC 99/99/99.
           05  CODE-EDIT       PIC XXBXX.
           05  SCALED          PIC 9(3)PPP.
           05  SMALL           PIC SVPPP99 COMP-3.
