       01  R.
           COPY NOWHERE REPLACING ==A== BY ==B==.
