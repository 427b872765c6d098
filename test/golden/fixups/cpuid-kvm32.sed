# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
s/ 00000f61 00000800 80000001 078bfbfd$/ 00000f61 00000800 80000000 0183f3fd/
