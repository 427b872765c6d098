; gates-486: what -cpu 486's CPUID features gate: cmovcc and cmpxchg8b (#UD without CMOV/CX8), the CR4 bits mov cr4 accepts (#GP(0) for a feature the model lacks), CR4.DE and CR4.TSD, the MSRs tied to features (lib/gates.inc).
; ARGS: -cpu 486
%define GATES_ROM_NAME "gates: -cpu 486"
%include "lib/gates.inc"
