# tcg86 has no SSE state: QEMU's XMM lines of `info registers` are dropped
# (test/golden/DEVIATIONS.md).
/^XMM[0-9][0-9]=/d
# The far jump into 32-bit code sets the code descriptor's accessed bit on the hardware (QEMU
# leaves it clear; test/golden/DEVIATIONS.md, pmode).
s/^CS =0008 00000000 ffffffff 00cf9a00 DPL=0 CS32 \[-R-\]/CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]/
