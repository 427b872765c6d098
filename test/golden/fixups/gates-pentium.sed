# hw-only: QEMU 7.2 accepts CR4 bits 0-10 on every model (and drops OSFXSR without SSE); the
# hardware reserves the bit of each feature CPUID does not report: TSD DE PSE MCE (and PCE) remain.
s/^cr4: faulting bits 00000000 (first: vector\/error 00000000), bits kept 000005ff$/cr4: faulting bits 000006a3 (first: vector\/error 000d0000), bits kept 0000015c/
