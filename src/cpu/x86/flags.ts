// EFLAGS bit positions and masks.

export const CC_C = 0x0001;
export const CC_P = 0x0004;
export const CC_A = 0x0010;
export const CC_Z = 0x0040;
export const CC_S = 0x0080;
export const CC_O = 0x0800;
/** The six arithmetic flags, kept lazily. */
export const CC_MASK = CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O;

export const TF_MASK = 0x0100;
export const IF_MASK = 0x0200;
export const DF_MASK = 0x0400;
export const IOPL_MASK = 0x3000;
export const IOPL_SHIFT = 12;
export const NT_MASK = 0x4000;
export const RF_MASK = 0x10000;
export const VM_MASK = 0x20000;
export const AC_MASK = 0x40000;
export const VIF_MASK = 0x80000;
export const VIP_MASK = 0x100000;
export const ID_MASK = 0x200000;
/** Bit 1 reads as one. */
export const EFLAGS_FIXED = 0x0002;
