# hw-only: a reserved-bit page fault (XD with EFER.NXE clear) has P set with RSVD (SDM vol. 3,
# 4.7); QEMU 7.2 reports RSVD without P (8, a for a write) (test/golden/DEVIATIONS.md).
/^nx: nxe=0, /s/ err 00000008 / err 00000009 /
/^nx: nxe=0, /s/ err 0000000a / err 0000000b /
