      * INPUT MESSAGE FOR TRANSACTION LICQRY (LICENCE ENQUIRY)
      * LL AND ZZ AS IMS PRESENTS THEM
       01  LIC-INPUT-MSG.
           02  LIC-IN-LL          PICTURE S9(4) COMP-5.
           02  LIC-IN-ZZ          PICTURE S9(4) COMP-5.
           02  LIC-IN-TRANCODE    PICTURE X(8).
           02  LIC-IN-COMMAND     PICTURE X(8).
           02  LIC-IN-DATA.
               05  LIC-IN-LICENCE-NO  PICTURE X(12).
               05  LIC-IN-PREMISES    PICTURE X(30).
               05  LIC-IN-POSTCODE    PICTURE X(8).
       01  LIC-OUTPUT-MSG.
           02  LIC-OUT-LL         PIC S9(4) COMP-5 VALUE +72.
           02  LIC-OUT-ZZ         PIC S9(4) COMP-5 VALUE +0.
           02  LIC-OUT-MESSAGE    PIC X(40).
           02  LIC-OUT-EXPIRY     PIC 9(8).
           02  LIC-OUT-FEE-DUE    PIC S9(5)V99.
           02  LIC-OUT-SEGMENT-NO PIC X(4) VALUE '0001'.
           02  FILLER             PIC X(9).
