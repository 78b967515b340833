      ******************************************************************
      * DCLGEN TABLE(COUNCIL.PERMIT)                                   *
      * ... IS THE DCLGEN COMMAND THAT MADE THE FOLLOWING STATEMENTS   *
      ******************************************************************
            EXEC SQL DECLARE COUNCIL.PERMIT TABLE
            ( PERMIT_NO                      CHAR(10) NOT NULL,
              ZONE_CODE                      CHAR(3) NOT NULL,
              HOLDER_NAME                    VARCHAR(40),
              VALID_FROM                     DATE,
              FEE                            DECIMAL(7, 2)
            ) END-EXEC.
      ******************************************************************
      * COBOL DECLARATION FOR TABLE COUNCIL.PERMIT                     *
      ******************************************************************
       01  DCLPERMIT.
           10 PERMIT-NO            PIC X(10).
           10 ZONE-CODE            PIC X(3).
           10 HOLDER-NAME.
              49 HOLDER-NAME-LEN   PIC S9(4) USAGE COMP.
              49 HOLDER-NAME-TEXT  PIC X(40).
           10 VALID-FROM           PIC X(10).
           10 FEE                  PIC S9(5)V9(2) USAGE COMP-3.
