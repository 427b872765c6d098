# tcg86 has no x87/SSE state yet: QEMU's FPU and XMM lines of `info registers` are dropped
# (test/golden/DEVIATIONS.md).
/^FCW=/d
/^FPR[0-9]=/d
/^XMM[0-9][0-9]=/d
