; cpuid-486: the CPUID leaves of -cpu 486, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu 486
%define CPUID_ROM_NAME "cpuid: -cpu 486"
%include "lib/cpuid-dump.inc"
