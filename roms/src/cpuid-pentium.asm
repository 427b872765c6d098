; cpuid-pentium: the CPUID leaves of -cpu pentium, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu pentium
%define CPUID_ROM_NAME "cpuid: -cpu pentium"
%include "lib/cpuid-dump.inc"
