      * AUDIT member in library AUDITLIB
           05  AUDIT-STAMP.
               10  AUDIT-USER      PIC X(8).
               10  AUDIT-TIME      PIC 9(14) COMP-3.
