; cpuid: the CPUID leaves of the default CPU (qemu32): every basic leaf, leaf 4's sub-leaves, leaves past the maxima, the hypervisor range, the extended leaves, vendor and brand strings.
; The golden has QEMU's values less the features tcg86 does not implement (fixups/cpuid.sed, DEVIATIONS.md).
%define CPUID_ROM_NAME "cpuid: default cpu (qemu32)"
%include "lib/cpuid-dump.inc"
