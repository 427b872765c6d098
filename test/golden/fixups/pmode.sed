s/^no fault (qemu)$/exc 0d err 00000000 eip 000f2108/
s/^sel 0008 lar 00c09a00 /sel 0008 lar 00c09b00 /
/^ring3 checks:$/,$ s/^sel 002b lar 00c0fa00 /sel 002b lar 00c0fb00 /
