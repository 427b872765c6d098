# tcg86 has no SSE state: QEMU's XMM lines of `info registers` are dropped
# (test/golden/DEVIATIONS.md).
/^XMM[0-9][0-9]=/d
# The far jump into 32-bit code sets the code descriptor's accessed bit on the hardware (QEMU
# leaves it clear; test/golden/DEVIATIONS.md, pmode).
s/^CS =0008 00000000 ffffffff 00cf9a00 DPL=0 CS32 \[-R-\]/CS =0008 00000000 ffffffff 00cf9b00 DPL=0 CS32 [-RA]/
# mon-smp: QEMU 7.2 wakes the AP from its `cli; hlt` (a cross-thread APIC update raises
# CPU_INTERRUPT_POLL, which counts as work), so it shows HLT=0 at the instruction after hlt;
# the hardware (and tcg86) keep it halted (test/golden/DEVIATIONS.md).
/^EIP=000f17d2 EFL=00000046 /s/HLT=0$/HLT=1/
