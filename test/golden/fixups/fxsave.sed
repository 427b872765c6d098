# hw-only (test/golden/DEVIATIONS.md, "fxsave/fxrstor"): fxsave stores FIP, FCS, FDP and FDS
# (SDM table 3-53) where QEMU 7.2 writes zeros, and writes FOP (0: tcg86 keeps no last opcode,
# as its fnstenv) where QEMU leaves the bytes alone; fxrstor loads the four pointers, which
# QEMU ignores (here from an A5-filled image).
/^after fninit$/,/^ptr / s/^ptr a5a5 00000000 00000000 00000000 00000000$/ptr 0000 00000000 00000000 00000000 00000000/
/^four pushed, one freed$/,/^ptr / s/^ptr a5a5 00000000 00000000 00000000 00000000$/ptr 0000 000f17da 00000008 000f1bca 00000010/
s/^after fxrstor env 00000e7f 00002801 000033fc 000f17da 00000008 000f1bca 00000010$/after fxrstor env 00000e7f 00002801 000033fc a5a5a5a5 0000a5a5 a5a5a5a5 0000a5a5/
/^fxsave after fxrstor$/,/^ptr / s/^ptr a5a5 00000000 00000000 00000000 00000000$/ptr 0000 000f158b 00000008 00008900 00000010/
/^with cr4.osfxsr$/,/^ptr / s/^ptr a5a5 00000000 00000000 00000000 00000000$/ptr 0000 000f158b 00000008 00008900 00000010/
