; cpuid-qemu64: the CPUID leaves of -cpu qemu64, dumped by lib/cpuid-dump.inc as roms/src/cpuid.asm does for the default CPU.
; ARGS: -cpu qemu64
%define CPUID_ROM_NAME "cpuid: -cpu qemu64"
%include "lib/cpuid-dump.inc"
