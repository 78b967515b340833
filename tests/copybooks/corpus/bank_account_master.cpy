      ******************************************************************
      *  ACCOUNT MASTER - VSAM KSDS  KEY = ACM-KEY (14 BYTES)          *
      *  RECORD LENGTH 160                                             *
      ******************************************************************
       01  ACM-RECORD.
           05  ACM-KEY.
               10  ACM-SORT-CODE          PIC 9(6).
               10  ACM-ACCOUNT-NO         PIC 9(8).
           05  ACM-ACCOUNT-TYPE           PIC X(2).
               88  ACM-CURRENT            VALUE 'CA'.
               88  ACM-SAVINGS            VALUE 'SA' 'IS' 'BD'.
           05  ACM-STATUS                 PIC X.
               88  ACM-OPEN               VALUE 'O'.
               88  ACM-CLOSED             VALUE 'C'.
               88  ACM-DORMANT            VALUE 'D'.
           05  ACM-COMPANY-NAME           PIC X(35).
           05  ACM-OPEN-DATE              PIC 9(8).
           05  ACM-VALUE-DATE             PIC 9(8).
           05  ACM-LEDGER-BAL             PIC S9(11)V99 COMP-3.
           05  ACM-CLEARED-BAL            PIC S9(11)V99 COMP-3.
           05  ACM-OVERDRAFT-LIMIT        PIC S9(7)     COMP-3.
           05  ACM-INTEREST-RATE          PIC S9(3)V9(4) COMP-3.
           05  ACM-TXN-COUNT-MTD          PIC S9(8) COMP.
           05  ACM-BRANCH-NO              PIC 9(4) COMP.
           05  ACM-SIGNATORIES            PIC 9.
           05  FILLER                     PIC X(59).
