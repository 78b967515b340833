       REPLACE ==PIC X(8)== BY ==PIC X(12)==
               LEADING ==OLD-== BY ==NEW-==.
       01  R.
           05  OLD-A  PIC X(8).
           COPY M.
       REPLACE OFF.
           05  OLD-B  PIC X(8).
@@ M
           05  OLD-C  PIC X(8).
           05  D-IN   PIC X.
