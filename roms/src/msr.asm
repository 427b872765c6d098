; msr: the MSRs of the default qemu32 model (family 6): IA32_MISC_ENABLE keeps 64 bits, IA32_BIOS_SIGN_ID, architectural MSRs; #GP for MSRs it lacks.
%define MSR_ROM_NAME "msr (qemu32)"
%include "lib/msr.inc"
