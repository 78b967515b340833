      * RISK MODEL PARAMETERS - FLOATING POINT AND ALIGNED BINARY
       01  RM-PARAMETERS.
           05  RM-MODEL-ID                PIC X(3).
           05  RM-RUN-COUNT               PIC S9(8) COMP SYNC.
           05  RM-FLAG                    PIC X.
           05  RM-WEIGHT                  COMP-1 SYNC.
           05  RM-CODE                    PIC X.
           05  RM-PROBABILITY             COMP-2 SYNC.
           05  RM-SMALL                   PIC S9(4) COMP SYNC.
           05  RM-LAMBDA                  USAGE COMPUTATIONAL-2.
           05  RM-SIGMA                   USAGE IS COMP-1.
