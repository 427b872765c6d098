; cpuid-smp: the CPUID leaves of the default CPU with -smp 4,threads=2 (one package of two cores of two threads): leaf 1's logical count and HTT, leaf 4's core and sharing counts, leaf 0xB's levels, 0x80000008's package size, as QEMU 7.2 reports them.
; ARGS: -smp 4,threads=2
%define CPUID_ROM_NAME "cpuid: -smp 4,threads=2"
%include "lib/cpuid-dump.inc"
