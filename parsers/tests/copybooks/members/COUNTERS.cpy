           05  CNT-READ            PIC 9(4) COMP.
           05  CNT-WRITTEN         PIC 9(4) COMP.
