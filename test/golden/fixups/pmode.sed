s/^no fault (qemu)$/exc 0d err 00000000 eip 000f2108/
