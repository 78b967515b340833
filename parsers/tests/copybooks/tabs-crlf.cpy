      * tab-indented, CRLF line ends
	01 stock-item.
	    05 item-code	pic x(8).
	    05 item-qty	pic s9(5) comp-3.
	    05 item-price	pic 9(5)v99.
