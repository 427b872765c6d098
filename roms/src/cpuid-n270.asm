; cpuid-n270: the CPUID leaves of -cpu n270, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu n270
%define CPUID_ROM_NAME "cpuid: -cpu n270"
%include "lib/cpuid-dump.inc"
