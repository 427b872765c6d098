s/^hw-only: after EN set: apic base=fee00100 cpuid.apic=00$/hw-only: after EN set: apic base=fee00900 cpuid.apic=01/
