; cpuid-pentium2: the CPUID leaves of -cpu pentium2, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu pentium2
%define CPUID_ROM_NAME "cpuid: -cpu pentium2"
%include "lib/cpuid-dump.inc"
