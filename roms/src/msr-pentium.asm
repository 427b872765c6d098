; msr-pentium: the MSRs of -cpu pentium (family 5): no family-6 MSRs (BIOS_SIGN_ID, PLATFORM_ID, DEBUGCTL raise #GP).
; ARGS: -cpu pentium
%define MSR_ROM_NAME "msr (pentium)"
%define MSR_P5
%include "lib/msr.inc"
