      * PCB ADDRESS LIST PASSED TO A DL/I BATCH PROGRAM (31-BIT)
       01  PCB-ADDRESS-LIST.
           05  PCB-COUNT                  PIC S9(4) COMP.
           05  PCB-ADDRESS                USAGE POINTER.
           05  PCB-ADDRESS                USAGE POINTER.
           05  PCB-ADDRESS                USAGE POINTER.
           05  WORK-INDEX                 USAGE INDEX.
           05  CALLER-ID                  PIC X(8).
           05  FILLER-END                 PIC X(2).
