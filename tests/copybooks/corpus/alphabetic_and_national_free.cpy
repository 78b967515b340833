      * REGISTRAR INDEX - ALPHABETIC FIELDS
       01  RG-INDEX-ENTRY.
           05  RG-SURNAME                 PIC A(20).
           05  RG-INITIALS                PIC AAA.
           05  RG-DISTRICT                PIC X(6).
           05  RG-ENTRY-NO                PIC 9(5).
           05  RG-VOLUME                  PIC X(2)9(2).
