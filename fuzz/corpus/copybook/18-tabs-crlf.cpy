	01 TABBED.
	    05 A PIC X.
	    05 B PIC 9.
