       01  R.
           COPY M REPLACING ==A== TO ==B==.
@@ M
           05 A PIC X.
