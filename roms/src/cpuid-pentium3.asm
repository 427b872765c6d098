; cpuid-pentium3: the CPUID leaves of -cpu pentium3, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu pentium3
%define CPUID_ROM_NAME "cpuid: -cpu pentium3"
%include "lib/cpuid-dump.inc"
