      ******************************************************************
      * DCLGEN TABLE(FLEET.VEHICLE)                                    *
      *        LIBRARY(FLEET.DB2.COPYLIB(DCLVEH))                      *
      *        LANGUAGE(COBOL)                                         *
      *        APOST                                                   *
      *        INDVAR(YES)                                             *
      * ... IS THE DCLGEN COMMAND THAT MADE THE FOLLOWING STATEMENTS   *
      ******************************************************************
      * COBOL DECLARATION FOR TABLE FLEET.VEHICLE                      *
      ******************************************************************
       01  DCLVEHICLE.
           10 VEH-REG                 PIC X(8).
           10 VEH-MAKE.
              49 VEH-MAKE-LEN         PIC S9(4) USAGE COMP.
              49 VEH-MAKE-TEXT        PIC X(20).
           10 VEH-MODEL.
              49 VEH-MODEL-LEN        PIC S9(4) USAGE COMP.
              49 VEH-MODEL-TEXT       PIC X(30).
           10 VEH-FIRST-REG           PIC X(10).
           10 VEH-MILEAGE             PIC S9(9) USAGE COMP.
           10 VEH-LIST-PRICE          PIC S9(7)V9(2) USAGE COMP-3.
           10 VEH-CO2-GKM             PIC S9(4) USAGE COMP.
           10 VEH-DEPOT               PIC S9(3)V USAGE COMP-3.
      ******************************************************************
      * INDICATOR VARIABLE STRUCTURE                                   *
      ******************************************************************
       01  IVEHICLE.
           10 INDSTRUC           PIC S9(4) USAGE COMP OCCURS 8 TIMES.
      ******************************************************************
      * THE NUMBER OF COLUMNS DESCRIBED BY THIS DECLARATION IS 8       *
      ******************************************************************
