; cpuid-max: the CPUID leaves of -cpu max, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu max
%define CPUID_ROM_NAME "cpuid: -cpu max"
%include "lib/cpuid-dump.inc"
