       01  R.
           COPY A.
@@ A
           05 X PIC X.
           COPY B.
@@ B
           COPY A.
