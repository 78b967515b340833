      * Inbound test: the request a legacy program sends for an address.
       01 ADDR-REQUEST.
           05 TRAN-CODE          PIC X(5).
           05 POSTCODE           PIC X(8).
           05 HOUSE-NO           PIC 9(4).
