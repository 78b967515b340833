      *----------------------------------------------------------------*
      *  DB PCB MASK FOR THE PATIENT DATABASE (LINKAGE SECTION)        *
      *----------------------------------------------------------------*
       01  PATDB-PCB.
           05  PATDB-DBD-NAME         PIC X(8).
           05  PATDB-SEG-LEVEL        PIC X(2).
           05  PATDB-STATUS-CODE      PIC X(2).
               88  PATDB-OK           VALUE SPACES.
               88  PATDB-NOT-FOUND    VALUE 'GE'.
               88  PATDB-END-DB       VALUE 'GB'.
           05  PATDB-PROC-OPTIONS     PIC X(4).
           05  FILLER                 PIC S9(5) COMP.
           05  PATDB-SEG-NAME         PIC X(8).
           05  PATDB-KEY-FB-LEN       PIC S9(5) COMP.
           05  PATDB-NUM-SENS-SEGS    PIC S9(5) COMP.
           05  PATDB-KEY-FB-AREA.
               10  PATDB-KFB-WARD     PIC X(4).
               10  PATDB-KFB-PATIENT  PIC X(10).
               10  PATDB-KFB-EPISODE  PIC X(6).
