// Soft-TLB comparator flag bits and page protection bits. Flags sit in the low bits of the
// page-aligned comparator, so a plain-RAM hit is one equality test (QEMU's TLB_* flags).

/** Entry unusable: forces the slow path and a refill. */
export const TLB_INVALID = 1 << 11;
/** Page is clean for some dirty client: writes take the notdirty path once. */
export const TLB_NOTDIRTY = 1 << 10;
/** Not RAM: accesses go through the address space to the owning region's callbacks. */
export const TLB_MMIO = 1 << 9;
/** Writes are dropped (ROM). */
export const TLB_DISCARD_WRITE = 1 << 8;
/** All flag bits; the rest of a comparator is the page address. */
export const TLB_FLAGS_MASK = TLB_INVALID | TLB_NOTDIRTY | TLB_MMIO | TLB_DISCARD_WRITE;
/** Comparator of an empty entry: no access matches it. */
export const TLB_EMPTY = -1;

export const PAGE_READ = 1;
export const PAGE_WRITE = 2;
export const PAGE_EXEC = 4;

/** Access types, also the index of the comparator (read, write, code). */
export const MMU_DATA_LOAD = 0;
export const MMU_DATA_STORE = 1;
export const MMU_INST_FETCH = 2;

export const PAGE_BITS = 12;
export const PAGE_SIZE = 1 << PAGE_BITS;
/** As an int32: ~0xfff. */
export const PAGE_MASK = ~(PAGE_SIZE - 1);
