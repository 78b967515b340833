      * SCHOOL ADMISSIONS - PREFERENCES AND SIBLINGS
       01  SA-APPLICATION.
           05  SA-APPLICATION-NO          PIC 9(9).
           05  SA-CHILD-SURNAME           PIC X(25).
           05  SA-PREFERENCES.
               10  SA-PREFERENCE          OCCURS 3 TIMES
                                          INDEXED BY SA-PREF-IX.
                   15  SA-SCHOOL-DFE      PIC 9(7).
                   15  SA-DISTANCE-KM     PIC 9(2)V9(3) COMP-3.
           05  SA-SIBLING-SCHOOL          PIC 9(7) OCCURS 2 TIMES.
           05  SA-OFFERED                 PIC 9(7).
