       01  RATEMAPI.
           02  FILLER PIC X(12).
           02  ACCTNOL    COMP  PIC  S9(4).
           02  ACCTNOF    PICTURE X.
           02  FILLER REDEFINES ACCTNOF.
             03 ACCTNOA    PICTURE X.
           02  FILLER   PICTURE X(4).
           02  ACCTNOI  PIC X(10).
           02  PROPADRL    COMP  PIC  S9(4).
           02  PROPADRF    PICTURE X.
           02  FILLER REDEFINES PROPADRF.
             03 PROPADRA    PICTURE X.
           02  FILLER   PICTURE X(4).
           02  PROPADRI  PIC X(40).
           02  ERRMSGL    COMP  PIC  S9(4).
           02  ERRMSGF    PICTURE X.
           02  FILLER REDEFINES ERRMSGF.
             03 ERRMSGA    PICTURE X.
           02  FILLER   PICTURE X(4).
           02  ERRMSGI  PIC X(60).
       01  RATEMAPO REDEFINES RATEMAPI.
           02  FILLER PIC X(12).
           02  FILLER PICTURE X(3).
           02  ACCTNOC    PICTURE X.
           02  ACCTNOH    PICTURE X.
           02  ACCTNOV    PICTURE X.
           02  ACCTNOO  PIC X(10).
           02  FILLER PICTURE X(3).
           02  PROPADRC    PICTURE X.
           02  PROPADRH    PICTURE X.
           02  PROPADRV    PICTURE X.
           02  PROPADRO  PIC X(40).
           02  FILLER PICTURE X(3).
           02  ERRMSGC    PICTURE X.
           02  ERRMSGH    PICTURE X.
           02  ERRMSGV    PICTURE X.
           02  ERRMSGO  PIC X(60).
