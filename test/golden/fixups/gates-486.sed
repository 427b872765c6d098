# CPUID reports QEMU's feature bits less the ones tcg86 does not implement
# (UNIMPLEMENTED_FEATURES in src/cpu/x86/cpu-models.ts; test/golden/DEVIATIONS.md).
# hw-only: QEMU 7.2 accepts CR4 bits 0-10 on every model (and drops OSFXSR without SSE); the
# hardware reserves the bit of each feature CPUID does not report: only PSE (and PCE) remain.
s/^cr4: faulting bits 00000000 (first: vector\/error 00000000), bits kept 000005ff$/cr4: faulting bits 000006ef (first: vector\/error 000d0000), bits kept 00000110/
