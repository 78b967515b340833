      * ENERGY TARIFF - RATES BY REGION AND TIME BAND
       01  ET-TARIFF.
           05  ET-TARIFF-CODE             PIC X(5).
           05  ET-REGION                  OCCURS 4 TIMES.
               10  ET-REGION-ID           PIC 99.
               10  ET-BAND                OCCURS 3 TIMES.
                   15  ET-UNIT-RATE       PIC 9(2)V9(4) COMP-3.
                   15  ET-STANDING        PIC 9(3)V99.
           05  ET-EFFECTIVE               PIC 9(8).
