// Multiboot (v1) kernel images: finding and checking the multiboot header, and the a.out-kludge
// placement (header flag bit 16) the way QEMU 7.2's hw/i386/multiboot.c reads them.

/** A -kernel file that cannot be booted; the message names the file and what is wrong. */
export class MultibootError extends Error {}

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
/** QEMU looks for the magic at 4-byte aligned offsets below 8192 - 48 (room for a full header). */
export const MULTIBOOT_SEARCH_END = 8192 - 48;
/** Header flag bits (bits 0-15 are requirements the loader must meet, 16-31 optional features). */
export const MB_HEADER_PAGE_ALIGN = 1 << 0;
export const MB_HEADER_MEMORY_INFO = 1 << 1;
export const MB_HEADER_VIDEO_MODE = 1 << 2;
export const MB_HEADER_AOUT_KLUDGE = 1 << 16;
/** Requirement bits this loader meets: modules are page aligned (there are none), memory info is given. */
const MB_HEADER_REQUIREMENTS_MET = MB_HEADER_PAGE_ALIGN | MB_HEADER_MEMORY_INFO;

export interface MultibootHeader {
  /** File offset of the magic. */
  offset: number;
  flags: number;
  /** Non-fatal findings, worded as the machine prints them. */
  warnings: string[];
}

/** One piece of a kernel image: `bytes` go to `addr`; the rest of `memsz` is zero-filled. */
export interface KernelPiece {
  addr: number;
  bytes: Uint8Array;
  memsz: number;
}

/** Where a kernel goes: QEMU copies [loadAddr, loadAddr + size) as one buffer. */
export interface KernelImage {
  format: 'elf' | 'aout';
  loadAddr: number;
  size: number;
  entry: number;
  pieces: KernelPiece[];
}

export function hex(v: number): string {
  return '0x' + v.toString(16);
}

function u32(data: Uint8Array, off: number): number {
  return (data[off]! | (data[off + 1]! << 8) | (data[off + 2]! << 16) | (data[off + 3]! << 24)) >>> 0;
}

/**
 * Find the first valid multiboot header (magic, then flags, then checksum making the three sum
 * to zero mod 2^32). A magic with a bad checksum is skipped, as QEMU does, but named in the
 * error if no valid header follows.
 */
export function findMultibootHeader(data: Uint8Array, name: string): MultibootHeader {
  let badChecksumAt = -1;
  const end = Math.min(MULTIBOOT_SEARCH_END, data.length - 11);
  for (let i = 0; i < end; i += 4) {
    if (u32(data, i) !== MULTIBOOT_HEADER_MAGIC) continue;
    const flags = u32(data, i + 4);
    if (((MULTIBOOT_HEADER_MAGIC + flags + u32(data, i + 8)) >>> 0) !== 0) {
      if (badChecksumAt < 0) badChecksumAt = i;
      continue;
    }
    return { offset: i, flags, warnings: checkFlags(flags, name) };
  }
  if (badChecksumAt >= 0) {
    const sum = (MULTIBOOT_HEADER_MAGIC + u32(data, badChecksumAt + 4) + u32(data, badChecksumAt + 8)) >>> 0;
    throw new MultibootError(
      `-kernel ${name}: the multiboot header at file offset ${hex(badChecksumAt)} has a bad checksum ` +
        `(magic + flags + checksum = ${hex(sum)}, must be 0)`,
    );
  }
  if (data.length >= 0x206 && u32(data, 0x202) === 0x53726448) {
    throw new MultibootError(`-kernel ${name}: this is a Linux kernel (bzImage); only multiboot kernels can be booted`);
  }
  throw new MultibootError(
    `-kernel ${name}: not a multiboot kernel (no magic ${hex(MULTIBOOT_HEADER_MAGIC)} with a valid checksum ` +
      `at a 4-byte aligned offset in the first ${MULTIBOOT_SEARCH_END} bytes)`,
  );
}

function checkFlags(flags: number, name: string): string[] {
  // Bits 3-15 have no meaning in multiboot 0.6.96; the specification says a loader that does
  // not understand a requirement bit must fail (QEMU ignores them: this is stricter).
  const unknown = flags & 0xffff & ~(MB_HEADER_REQUIREMENTS_MET | MB_HEADER_VIDEO_MODE);
  if (unknown) {
    throw new MultibootError(
      `-kernel ${name}: the multiboot header requires features this loader does not know (flag bits ${hex(unknown)})`,
    );
  }
  // QEMU boots such kernels without setting a video mode (it prints "multiboot knows VBE. we
  // don't"), so a kernel that asks only for a preferred mode still runs.
  return flags & MB_HEADER_VIDEO_MODE
    ? [`-kernel ${name}: the multiboot header asks for a video mode (flag bit 2); none is set (as in QEMU)`]
    : [];
}

/**
 * The a.out kludge: the header's address fields say where the image starts in the file
 * (header_addr - load_addr bytes before the header), how much of it to load, how far the bss
 * goes and where to enter. Each inconsistency QEMU refuses is refused here, named.
 */
export function aoutImage(data: Uint8Array, hdr: MultibootHeader, name: string): KernelImage {
  const i = hdr.offset;
  const fail = (what: string): never => {
    throw new MultibootError(`-kernel ${name}: multiboot a.out kludge: ${what}`);
  };
  if (i + 32 > data.length) fail(`the header at file offset ${hex(i)} is cut off by the end of the file (it needs 32 bytes)`);
  const headerAddr = u32(data, i + 12);
  const loadAddr = u32(data, i + 16);
  const loadEndAddr = u32(data, i + 20);
  const bssEndAddr = u32(data, i + 24);
  const entry = u32(data, i + 28);
  if (headerAddr < loadAddr) fail(`header_addr ${hex(headerAddr)} is below load_addr ${hex(loadAddr)}`);
  if (headerAddr - loadAddr > i) {
    fail(`header_addr - load_addr = ${hex(headerAddr - loadAddr)} puts the image start before the file start (the header is at file offset ${hex(i)})`);
  }
  const textOffset = i - (headerAddr - loadAddr);
  let loadSize: number;
  if (loadEndAddr !== 0) {
    if (loadEndAddr < loadAddr) fail(`load_end_addr ${hex(loadEndAddr)} is below load_addr ${hex(loadAddr)}`);
    loadSize = loadEndAddr - loadAddr;
  } else {
    loadSize = data.length - textOffset; // 0 means "to the end of the file"
  }
  if (loadAddr + loadSize > 2 ** 32) fail(`the image (${hex(loadSize)} bytes at ${hex(loadAddr)}) does not fit in the 32-bit address space`);
  if (textOffset + loadSize > data.length) {
    fail(
      `load_end_addr ${hex(loadEndAddr)} asks for ${hex(loadSize)} bytes from file offset ${hex(textOffset)}, ` +
        `but the file has only ${hex(data.length)} bytes`,
    );
  }
  let size = loadSize;
  if (bssEndAddr !== 0) {
    if (bssEndAddr < loadAddr + loadSize) fail(`bss_end_addr ${hex(bssEndAddr)} is below the end of the loaded image ${hex(loadAddr + loadSize)}`);
    size = bssEndAddr - loadAddr;
  }
  return {
    format: 'aout',
    loadAddr,
    size,
    entry,
    pieces: [{ addr: loadAddr, bytes: data.subarray(textOffset, textOffset + loadSize), memsz: size }],
  };
}
