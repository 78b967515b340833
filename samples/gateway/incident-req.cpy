      *----------------------------------------------------------------*
      * INCIDENT-REQ: log an incident (a write). 300 bytes.            *
      * Fictional sample for `ferrule demo` and the gateway's tests.   *
      *----------------------------------------------------------------*
       01  INCIDENT-REQ.
           05  TRAN-CODE               PIC X(4).
      *    e.g. RTC road traffic collision, BURG burglary, ASB
      *    anti-social behaviour, THFT theft.
           05  INCIDENT-TYPE           PIC X(4).
           05  LOCATION.
               10  LOCATION-TEXT       PIC X(40).
               10  POSTCODE            PIC X(8).
           05  REPORTING-OFFICER.
               10  COLLAR-NUMBER       PIC X(8).
               10  FORCE-CODE          PIC 9(2).
           05  NARRATIVE               PIC X(200).
      *    YYYYMMDDhhmmss, local time.
           05  OCCURRED-AT             PIC 9(14).
           05  FILLER                  PIC X(20).
