; gates-pentium: what -cpu pentium's CPUID features gate: cmovcc and cmpxchg8b (#UD without CMOV/CX8), the CR4 bits mov cr4 accepts (#GP(0) for a feature the model lacks), CR4.DE and CR4.TSD, the MSRs tied to features (lib/gates.inc).
; ARGS: -cpu pentium
%define GATES_ROM_NAME "gates: -cpu pentium"
%include "lib/gates.inc"
