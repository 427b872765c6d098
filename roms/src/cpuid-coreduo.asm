; cpuid-coreduo: the CPUID leaves of -cpu coreduo, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu coreduo
%define CPUID_ROM_NAME "cpuid: -cpu coreduo"
%include "lib/cpuid-dump.inc"
