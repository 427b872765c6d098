# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
s/^cpuid 1: eax=00000663 edx=0781abfd$/cpuid 1: eax=00000663 edx=0181a3fd/
