# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
s/ 000006e8 00000800 80000009 0fc9fbfd$/ 000006e8 00000800 80000000 0981f3fd/
