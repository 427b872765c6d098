; cpuid-athlon: the CPUID leaves of -cpu athlon, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu athlon
%define CPUID_ROM_NAME "cpuid: -cpu athlon"
%include "lib/cpuid-dump.inc"
