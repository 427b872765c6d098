# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
s/ 00000673 00000800 80000000 0383fbfd$/ 00000673 00000800 80000000 0183f3fd/
