      * UNSIGNED PACKED (COMP-6) STOCK QUANTITIES
       01  ST-STOCK-REC.
           05  ST-ITEM-CODE               PIC X(8).
           05  ST-ON-HAND                 PIC 9(7) COMP-6.
           05  ST-ON-ORDER                PIC 9(6) COMP-6.
           05  ST-UNIT-COST               PIC S9(5)V99 COMP-3.
