       01  R.
           COPY M REPLACING LEADING ==WS-== BY ==LK-==
                            TRAILING ==-IN== BY ==-OUT==
                            ==:T:== BY ====.
@@ M
           05 WS-A-IN PIC X.
           05 :T:B PIC X.
