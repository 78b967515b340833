      * comment line
      / page eject comment
      D    DEBUG LINE IS A COMMENT HERE
       01  DBG-REC.
           05  A   PIC X.   *> floating comment
           05  B   PIC X(4) VALUE '*> not a comment'.
       EJECT
           05  C   PIC X.
