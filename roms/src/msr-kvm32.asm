; msr-kvm32: the MSRs of -cpu kvm32 (family 15 model 6): adds IA32_PERF_STATUS / IA32_PERF_CTL.
; ARGS: -cpu kvm32
%define MSR_ROM_NAME "msr (kvm32)"
%define MSR_PERF
%include "lib/msr.inc"
