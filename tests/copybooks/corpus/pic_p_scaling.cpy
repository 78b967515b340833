      * STATISTICAL RETURN - FIGURES ROUNDED TO THOUSANDS, RATES SCALED
       01  SR-RETURN.
           05  SR-AUTHORITY               PIC X(4).
           05  SR-SPEND-THOUSANDS         PIC 9(5)PPP.
           05  SR-POPULATION-K            PIC S9(4)P(3).
           05  SR-RATE-SMALL              PIC SVPP9(3).
           05  SR-YEAR                    PIC 9(4).
