       01  MESSAGE-REC.
           05  MSG-TEXT  PIC X(80) VALUE 'THIS IS A LONG LITERAL THAT   MSG00020
      -    ' CONTINUES HERE'.                                           MSG00030
           05  CUST-NA
      -        ME PIC X(10).
