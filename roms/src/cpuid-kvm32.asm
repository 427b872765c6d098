; cpuid-kvm32: the CPUID leaves of -cpu kvm32, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu kvm32
%define CPUID_ROM_NAME "cpuid: -cpu kvm32"
%include "lib/cpuid-dump.inc"
