      *----------------------------------------------------------------
      *  daily transaction extract - one record per posting
      *  (lower case source, as kept by the payments team)
      *----------------------------------------------------------------
       01  txn-extract-rec.
           05  txn-sort-code            pic 9(6).
           05  txn-account-no           pic 9(8).
           05  txn-posting-date         pic 9(8).
           05  txn-seq-no               pic 9(5) comp-3.
           05  txn-type                 pic x(3).
               88  txn-is-debit         value 'DDR' 'CHQ' 'POS'.
               88  txn-is-credit        value 'BGC' 'FPI'.
           05  txn-amount               pic s9(9)v99 comp-3.
           05  txn-narrative            pic x(18).
           05  txn-counterparty.
               10  txn-cp-sort-code     pic 9(6).
               10  txn-cp-account       pic 9(8).
               10  txn-cp-name          pic x(18).
           05  txn-running-balance      pic s9(11)v99 comp-3.
