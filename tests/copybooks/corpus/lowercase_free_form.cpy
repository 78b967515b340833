*> water billing - customer record (free form, lower case)
01 wb-customer.
   05 wb-customer-ref        pic x(10).      *> supply point reference
   05 wb-tariff              pic x(3).
      88 wb-metered          value 'MET'.
      88 wb-assessed         value 'ASC' 'RV1'.
   05 wb-rateable-value      pic 9(5)v99.
   05 wb-standing-charge     pic s9(3)v99 comp-3.
   05 wb-last-bill.
      10 wb-bill-date        pic 9(8).
      10 wb-bill-amount      pic s9(5)v99 comp-3.
   05 wb-direct-debit-day    pic 99.
