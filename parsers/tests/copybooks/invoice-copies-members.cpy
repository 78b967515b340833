      * INVOICE - assembled from members
       01  INVOICE-REC.
           05  INV-NO              PIC 9(8).
           COPY ADDRESS REPLACING ==:PFX:== BY ==BILL==.
           COPY ADDRESS REPLACING ==:PFX:== BY ==SHIP==
                                  ==X(30)== BY ==X(20)==.
           COPY AUDIT OF AUDITLIB.
           05  INV-AMOUNT          PIC S9(9)V99 COMP-3.
