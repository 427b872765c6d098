// Register offsets, bit fields and reset values of the xAPIC (Intel SDM vol. 3 ch. 10 / 11,
// with QEMU's choices where the model follows it), shared by the device and its tests.

/** IA32_APIC_BASE: default physical base of the 4 KiB register page. */
export const APIC_DEFAULT_BASE = 0xfee00000;
/** The "apic-msi" region QEMU maps over 0xFEE00000-0xFEEFFFFF (registers + MSI writes). */
export const APIC_SPACE_SIZE = 0x100000;
/** The priority QEMU gives that region over RAM and other devices. */
export const APIC_REGION_PRIORITY = 0x1000;

/** IA32_APIC_BASE flags. */
export const MSR_APICBASE_BSP = 1 << 8;
export const MSR_APICBASE_EXTD = 1 << 10;
export const MSR_APICBASE_ENABLE = 1 << 11;

/** Version register: version 0x14 and 6 LVT entries (max LVT index 5), as QEMU 7.2 reports. */
export const APIC_VERSION = 0x14;
export const APIC_LVT_NB = 6;
export const APIC_VERSION_REG = ((APIC_LVT_NB - 1) << 16) | APIC_VERSION;

/** Register indices: byte offset >> 4 (the registers sit at 16-byte strides). */
export const REG_ID = 0x02;
export const REG_VERSION = 0x03;
export const REG_TPR = 0x08;
export const REG_APR = 0x09;
export const REG_PPR = 0x0a;
export const REG_EOI = 0x0b;
export const REG_RRD = 0x0c;
export const REG_LDR = 0x0d;
export const REG_DFR = 0x0e;
export const REG_SVR = 0x0f;
export const REG_ISR0 = 0x10;
export const REG_TMR0 = 0x18;
export const REG_IRR0 = 0x20;
export const REG_ESR = 0x28;
export const REG_ICR_LO = 0x30;
export const REG_ICR_HI = 0x31;
export const REG_LVT0 = 0x32;
export const REG_TIMER_INITIAL = 0x38;
export const REG_TIMER_CURRENT = 0x39;
export const REG_TIMER_DIVIDE = 0x3e;

/** LVT entries in register order (0x320 ... 0x370), as QEMU numbers them. */
export const LVT_TIMER = 0;
export const LVT_THERMAL = 1;
export const LVT_PERF = 2;
export const LVT_LINT0 = 3;
export const LVT_LINT1 = 4;
export const LVT_ERROR = 5;
export const LVT_NAMES = ['timer', 'thermal', 'perf', 'LINT0', 'LINT1', 'error'] as const;

/** LVT bits. */
export const LVT_MASKED = 1 << 16;
export const LVT_TIMER_PERIODIC = 1 << 17;
export const LVT_LEVEL_TRIGGER = 1 << 15;
export const LVT_RESET = LVT_MASKED;

/**
 * Bits software can write in each LVT (SDM figure 10-8). Delivery status (bit 12) and remote
 * IRR (bit 14) are read-only and read 0 here: delivery is immediate, and remote IRR is not
 * modelled. Timer mode 10b (TSC deadline) is not offered, so only bit 17 of the mode exists.
 */
export const LVT_WRITABLE: readonly number[] = [
  0x000300ff, // timer: vector, mask, periodic
  0x000107ff, // thermal: vector, delivery mode, mask
  0x000107ff, // performance counters: vector, delivery mode, mask
  0x0001a7ff, // LINT0: vector, delivery mode, polarity, trigger mode, mask
  0x0001a7ff, // LINT1
  0x000100ff, // error: vector, mask
];

/** Delivery modes (LVT bits 10:8, ICR bits 10:8, MSI data bits 10:8). */
export const DM_FIXED = 0;
export const DM_LOWPRI = 1;
export const DM_SMI = 2;
export const DM_NMI = 4;
export const DM_INIT = 5;
export const DM_SIPI = 6;
export const DM_EXTINT = 7;

/** Spurious-interrupt vector register: APIC software enable. QEMU keeps bits 8:0 only. */
export const SVR_ENABLE = 1 << 8;
export const SVR_WRITABLE = 0x1ff;
export const SVR_RESET = 0xff;

/** ICR low: bits software can write (delivery status, bit 12, always reads idle). */
export const ICR_LO_WRITABLE = 0x000ccfff;
export const ICR_HI_WRITABLE = 0xff000000;

/** Error status register bits (SDM 10.5.3) this model can raise. */
export const ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
export const ESR_RECV_ILLEGAL_VECTOR = 1 << 6;
export const ESR_ILLEGAL_REGISTER = 1 << 7;

/** Divide configuration: bits 0, 1 and 3 exist. */
export const DIVIDE_WRITABLE = 0xb;

/** DFR model (bits 31:28): flat 1111b (the reset value) or cluster 0000b. */
export const DFR_FLAT = 0xf;
export const DFR_CLUSTER = 0x0;
