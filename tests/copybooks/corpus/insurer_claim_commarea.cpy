      ******************************************************************
      *                                                                *
      *          CLAIMS SERVICE - COMMAREA FOR ALL FUNCTIONS           *
      *          (COPIED UNDER THE CALLER'S 01 LEVEL)                  *
      *                                                                *
      ******************************************************************
           03 CA-REQUEST-ID            PIC X(6).
           03 CA-RETURN-CODE           PIC 9(2).
              88 CA-OK                 VALUE 00.
              88 CA-NOT-FOUND          VALUE 01.
           03 CA-CUSTOMER-NUM          PIC 9(10).
           03 CA-REQUEST-SPECIFIC      PIC X(120).
           03 CA-CLAIM-REQUEST REDEFINES CA-REQUEST-SPECIFIC.
              05 CA-CLAIM-NUM          PIC 9(10).
              05 CA-CLAIM-DATE         PIC X(10).
              05 CA-CLAIM-PAID         PIC 9(8).
              05 CA-CLAIM-VALUE        PIC 9(8).
              05 CA-CLAIM-CAUSE        PIC X(40).
              05 CA-CLAIM-OBSERVATIONS PIC X(44).
           03 CA-POLICY-REQUEST REDEFINES CA-REQUEST-SPECIFIC.
              05 CA-POLICY-NUM         PIC 9(10).
              05 CA-POLICY-TYPE        PIC X.
              05 FILLER                PIC X(109).
