      * Inbound test: the answer Ferrule sends back, from the JSON API.
       01 ADDR-RESPONSE.
           05 RESULT-CODE        PIC 9(2).
           05 MESSAGE-TEXT       PIC X(40).
           05 STREET             PIC X(30).
           05 CITY               PIC X(20).
           05 UPRN               PIC 9(12).
