       01  PERSON.
           05  FIRST-NAME      PIC X(10).
           05  LAST-NAME       PIC X(15).
           05  BIRTH-DATE      PIC 9(8).
       66  FULL-NAME RENAMES FIRST-NAME THRU LAST-NAME.
       66  DOB RENAMES BIRTH-DATE.
