      * STREET LIGHTING ASSET                                           SLA00100
       01  SL-ASSET.                                                    SLA00200
           05  SL-ASSET-ID                PIC X(8).                     SLA00300
           05  SL-STREET-USRN             PIC 9(8).                     SLA00400
           05  SL-LAMP-TYPE               PIC X(4).                     SLA00500
           05  SL-WATTAGE                 PIC 9(4).                     CR4471
           05  SL-INSTALLED               PIC 9(8).                     SLA00700
           05  SL-LAST-INSPECTED          PIC 9(8).                     CR4471
           05  SL-ENERGY-KWH              PIC S9(7)V9 COMP-3.           SLA00900
