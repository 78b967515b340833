       01  mixed-case.
           05  amt  comp-3  pic s9(5)v99  value +1.5.
           05  txt  pic x(5) justified right.
           05  num  pic 9(5) blank when zero.
           05  fil  pic x is global.
           05  flt  usage comp-1.
