# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
s/ 00000663 00040800 80000001 1781abfd$/ 00000663 00040800 80000000 1181a3fd/
