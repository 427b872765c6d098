// Callback tables of I/O regions (QEMU's MemoryRegionOps) and of IOMMU regions.

import type { MemTxAttrs, MemTxResult } from './memtx.js';
import type { AddressSpace } from './address-space.js';

export type Endianness = 'little' | 'big' | 'native';

export interface AccessConstraints {
  /** Smallest access size in bytes (0 means 1). */
  minAccessSize?: number;
  /** Largest access size in bytes (0 means 4). */
  maxAccessSize?: number;
  /** May accesses be unaligned? */
  unaligned?: boolean;
}

export interface ValidConstraints extends AccessConstraints {
  /** Finer decision: return false to refuse the access (a decode error). */
  accepts?(addr: number, size: number, isWrite: boolean, attrs: MemTxAttrs): boolean;
}

/** Out-parameter of readWithAttrs, so the read path allocates nothing. */
export interface ValueOut {
  value: number;
}

/**
 * A device's view of accesses. `addr` is the offset in the region; values are at most 32 bits
 * wide (`impl.maxAccessSize` ≤ 4): wider guest accesses are split by the memory core.
 */
export interface MemoryRegionOps {
  read?(addr: number, size: number): number;
  write?(addr: number, value: number, size: number): void;
  /** Variants that see the attributes and can report errors; preferred when present. */
  readWithAttrs?(addr: number, size: number, attrs: MemTxAttrs, out: ValueOut): MemTxResult;
  writeWithAttrs?(addr: number, value: number, size: number, attrs: MemTxAttrs): MemTxResult;
  endianness?: Endianness;
  /** What the guest may do (invalid accesses are decode errors). */
  valid?: ValidConstraints;
  /** What the callbacks implement (the core splits or widens to fit). */
  impl?: AccessConstraints;
}

export const IOMMU_NONE = 0;
export const IOMMU_RO = 1;
export const IOMMU_WO = 2;
export const IOMMU_RW = 3;

/** Result of an IOMMU translation (QEMU's IOMMUTLBEntry). */
export interface IOMMUTLBEntry {
  targetAs: AddressSpace;
  iova: number;
  translatedAddr: number;
  /** addrMask + 1 is the size of the translated page (e.g. 0xfff). */
  addrMask: number;
  perm: number;
}

export interface IOMMUMemoryRegionOps {
  /** Translate `addr` (offset in the region) for an access needing `flag` (IOMMU_RO / IOMMU_WO). */
  translate(addr: number, flag: number, attrs: MemTxAttrs): IOMMUTLBEntry;
}
