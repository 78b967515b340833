      * CONTACT DETAILS - COPIES THE ADDRESS MEMBER IN TURN
           05  CT-PHONE                   PIC X(15).
           05  CT-EMAIL                   PIC X(40).
           05  CT-POSTAL.
               COPY ADDRLINE.
