      * PAYROLL EMPLOYEE RECORD  (HR/PAY INTERFACE)
      * NET PAY HELD WITH A LEADING SEPARATE SIGN FOR THE BACS FEED
       01  PY-EMPLOYEE.
           05  PY-EMP-NO                  PIC 9(7).
           05  PY-NI-NUMBER               PIC X(9).
           05  PY-NAME.
               10  PY-SURNAME             PIC X(20).
               10  PY-FORENAMES           PIC X(20).
           05  PY-TAX-CODE                PIC X(7).
           05  PY-GROSS-YTD               PIC S9(7)V99.
           05  PY-TAX-YTD                 PIC S9(7)V99.
           05  PY-NET-PAY                 PIC S9(6)V99
                              SIGN IS LEADING SEPARATE CHARACTER.
           05  PY-ADJUSTMENT              PIC S9(5)V99
                                          SIGN TRAILING SEPARATE.
           05  PY-PENSION-PCT             PIC 9V99.
       66  PY-PAY-FIGURES RENAMES PY-GROSS-YTD THRU PY-NET-PAY.
       66  PY-WHOLE-NAME  RENAMES PY-NAME.
