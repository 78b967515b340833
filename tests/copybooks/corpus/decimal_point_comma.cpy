      * TARIFS - PROGRAMME AVEC DECIMAL-POINT IS COMMA
       01  TF-TARIF.
           05  TF-CODE                    PIC X(6).
           05  TF-TAUX                    PIC S9(3)V9(4) COMP-3
                                          VALUE 19,6.
           05  TF-MONTANT-ED              PIC ZZZ.ZZ9,99.
           05  TF-REMISE                  PIC 9V99 VALUE 0,05.
           05  TF-PLAFOND-ED              PIC -.---.--9,99.
