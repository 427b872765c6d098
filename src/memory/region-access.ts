// Accesses to an I/O region's callbacks: validity checks, splitting/widening to the sizes the
// device implements, and device endianness (QEMU's memory_region_dispatch_read/write and
// access_with_adjusted_size). x86 is the target, so 'native' means little-endian.

import { MEMTX_ACCESS_ERROR, MEMTX_DECODE_ERROR, MEMTX_OK, type MemTxAttrs, type MemTxResult } from './memtx.js';
import type { MemoryRegion } from './region.js';
import type { ValueOut } from './region-ops.js';

const scratch: ValueOut = { value: 0 };
/**
 * Regions whose callbacks are running (a device re-entering itself is refused). A stack, not
 * a Set: a Set shrinks and regrows its table as it empties and fills, which allocated on every
 * device access (every port I/O of a guest taking a PIT interrupt per few hundred instructions).
 */
const inProgress: MemoryRegion[] = [];

function mask(size: number): number {
  return size >= 4 ? 0xffffffff : (1 << (size * 8)) - 1;
}

/** Byte-swap a 2- or 4-byte value (QEMU's bswap16/bswap32); other sizes are returned as is. */
export function bswap(value: number, size: number): number {
  if (size === 2) return ((value & 0xff) << 8) | ((value >>> 8) & 0xff);
  if (size === 4) {
    return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
  }
  return value;
}

/** QEMU's memory_region_access_valid. */
export function regionAccessValid(mr: MemoryRegion, addr: number, size: number, isWrite: boolean, attrs: MemTxAttrs): boolean {
  const valid = mr.ops?.valid;
  if (!mr.ops) return false;
  if (valid?.accepts && !valid.accepts(addr, size, isWrite, attrs)) return false;
  if (!valid?.unaligned && addr % size !== 0) return false;
  const max = valid?.maxAccessSize ?? 0;
  if (!max) return true; // zero means "anything goes", as in QEMU
  const min = valid?.minAccessSize || 1;
  return size >= min && size <= max;
}

function isBigEndian(mr: MemoryRegion): boolean {
  return mr.ops?.endianness === 'big';
}

function shiftIn(value: number, shift: number): number {
  return shift >= 0 ? value * 2 ** shift : Math.floor(value / 2 ** -shift);
}

/**
 * Read `size` (1, 2 or 4) bytes at offset `addr` of an I/O or ROM-device region into out.value.
 */
export function regionDispatchRead(mr: MemoryRegion, addr: number, size: number, attrs: MemTxAttrs, out: ValueOut): MemTxResult {
  if (!regionAccessValid(mr, addr, size, false, attrs)) {
    out.value = 0;
    return MEMTX_DECODE_ERROR;
  }
  if (inProgress.includes(mr)) {
    out.value = 0;
    return MEMTX_ACCESS_ERROR; // a device re-entered itself (e.g. DMA into its own registers)
  }
  const ops = mr.ops!;
  const implMin = ops.impl?.minAccessSize || 1;
  const implMax = ops.impl?.maxAccessSize || 4;
  const accessSize = Math.max(Math.min(size, implMax), implMin);
  const accessMask = mask(accessSize);
  const big = isBigEndian(mr);
  let value = 0;
  let result = MEMTX_OK;
  inProgress.push(mr);
  try {
    for (let i = 0; i < size; i += accessSize) {
      let piece: number;
      if (ops.readWithAttrs) {
        result |= ops.readWithAttrs(addr + i, accessSize, attrs, scratch);
        piece = scratch.value;
      } else if (ops.read) {
        piece = ops.read(addr + i, accessSize);
      } else {
        piece = 0;
        result |= MEMTX_DECODE_ERROR;
      }
      const shift = big ? (size - accessSize - i) * 8 : i * 8;
      value += shiftIn((piece & accessMask) >>> 0, shift);
    }
  } finally {
    inProgress.pop();
  }
  value = (value % 2 ** 32) & mask(size);
  out.value = (big ? bswap(value >>> 0, size) : value) >>> 0;
  return result;
}

/** Write `size` (1, 2 or 4) bytes of `value` at offset `addr` of an I/O or ROM-device region. */
export function regionDispatchWrite(mr: MemoryRegion, addr: number, value: number, size: number, attrs: MemTxAttrs): MemTxResult {
  if (!regionAccessValid(mr, addr, size, true, attrs)) return MEMTX_DECODE_ERROR;
  if (inProgress.includes(mr)) return MEMTX_ACCESS_ERROR;
  const ops = mr.ops!;
  const implMin = ops.impl?.minAccessSize || 1;
  const implMax = ops.impl?.maxAccessSize || 4;
  const accessSize = Math.max(Math.min(size, implMax), implMin);
  const accessMask = mask(accessSize);
  const big = isBigEndian(mr);
  value = (value & mask(size)) >>> 0;
  if (big) value = bswap(value, size);
  let result = MEMTX_OK;
  inProgress.push(mr);
  try {
    for (let i = 0; i < size; i += accessSize) {
      const shift = big ? (size - accessSize - i) * 8 : i * 8;
      const piece = (shiftIn(value, -shift) & accessMask) >>> 0;
      if (ops.writeWithAttrs) result |= ops.writeWithAttrs(addr + i, piece, accessSize, attrs);
      else if (ops.write) ops.write(addr + i, piece, accessSize);
      else result |= MEMTX_DECODE_ERROR;
    }
  } finally {
    inProgress.pop();
  }
  return result;
}

/**
 * Largest access the region takes at addr for a transfer of `len` bytes (QEMU's
 * memory_access_size): bounded by valid.max (0 means 4), by the address alignment unless the
 * device handles unaligned accesses, and a power of two. Device values are 32-bit, so 4 at most.
 */
export function regionAccessSize(mr: MemoryRegion, len: number, addr: number): number {
  const ops = mr.ops;
  let max = ops?.valid?.maxAccessSize || 4;
  if (max > 4) max = 4;
  let l = Math.min(len, max);
  if (!ops?.impl?.unaligned) {
    const lowBit = lowestSetBit(addr);
    if (lowBit !== 0 && lowBit < l) l = lowBit;
  }
  let p = 1;
  while (p * 2 <= l) p *= 2;
  return p;
}

/** The lowest set bit of a (possibly > 32-bit) address as a number, 0 for address 0. */
function lowestSetBit(addr: number): number {
  if (addr === 0) return 0;
  const lo = addr % 2 ** 32;
  if (lo !== 0) return (lo & -lo) >>> 0;
  return 2 ** 32;
}
