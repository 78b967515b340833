       01  R.
           COPY M.
@@ M
           05 :TAG:-A PIC X.
