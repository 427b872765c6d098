// `-kernel FILE` for multiboot (v1) kernels, as QEMU 7.2's pc machine boots them without running
// a BIOS: the image, its info structure, memory map and GDT written to guest memory, and the
// CPU entry state returned as plain data for the machine to load.

import { aoutImage, findMultibootHeader, hex, MB_HEADER_AOUT_KLUDGE, MultibootError, type KernelImage } from './multiboot-header.js';
import { elfImage } from './multiboot-elf.js';
import {
  encodeInfo,
  encodeMmap,
  infoBlock,
  MB_INFO_ADDR,
  MB_MMAP_ADDR,
  MB_PAGE_SIZE,
  memUpperKiB,
  pcE820,
} from './multiboot-info.js';
import { MB_GDT_BASE, MB_GDT_BYTES, multibootEntryState, type MultibootEntryState } from './multiboot-entry.js';

export { MultibootError } from './multiboot-header.js';
export type { MultibootEntryState, SegmentCache } from './multiboot-entry.js';

/** Anything that stores bytes at a guest-physical address (AddressSpace.writeRom). */
export interface PhysWriter {
  writeRom(addr: number, bytes: Uint8Array): void;
}

export interface MultibootLoadOptions {
  /** The -kernel argument exactly as given: QEMU starts the kernel's command line with it. */
  path: string;
  data: Uint8Array;
  /** The -append string ('' when absent). */
  append: string;
  below4g: number;
  above4g: number;
  mem: PhysWriter;
}

export interface MultibootLoad {
  entry: MultibootEntryState;
  /** Non-fatal findings for the machine to print (QEMU prints them on stderr and boots). */
  warnings: string[];
  format: 'elf' | 'aout';
  /** The block QEMU copies in one piece: kernel, zero padding to a page, cmdline and loader name. */
  loadAddr: number;
  kernelEnd: number;
  bufferEnd: number;
  cmdlineAddr: number;
  mbiAddr: number;
  mmapAddr: number;
}

/** The first MiB holes of a pc (VGA window, option ROMs, BIOS): not RAM to load into. */
const LOW_RAM_END = 0xa0000;
const HIGH_RAM_START = 0x100000;
function pageAlign(n: number): number {
  return Math.ceil(n / MB_PAGE_SIZE) * MB_PAGE_SIZE;
}

/**
 * Load a multiboot kernel into guest memory and return how to enter it. Throws MultibootError
 * (naming the file) for anything QEMU would refuse or that could not run. Call it again on
 * every system reset: QEMU's option ROM copies everything afresh at each boot.
 */
export function loadMultiboot(o: MultibootLoadOptions): MultibootLoad {
  const { path, data } = o;
  const fail = (what: string): never => {
    throw new MultibootError(`-kernel ${path}: ${what}`);
  };
  if (o.below4g <= HIGH_RAM_START + 0x20000) fail(`multiboot loading needs more than 1.125 MiB of RAM below 4 GiB (have ${hex(o.below4g)} bytes)`);
  const hdr = findMultibootHeader(data, path);
  const image: KernelImage = hdr.flags & MB_HEADER_AOUT_KLUDGE ? aoutImage(data, hdr, path) : elfImage(data, path);

  // Kernel first, padded to a page; then the module list (empty), cmdline and loader name,
  // padded to a page again: QEMU hands the guest this whole buffer.
  const infoAddr = image.loadAddr + pageAlign(image.size);
  const block = infoBlock(infoAddr, path, o.append);
  const bufferEnd = image.loadAddr + pageAlign(pageAlign(image.size) + block.bytes.length);
  for (const p of image.pieces) checkRam(p.addr, p.addr + p.memsz, `the ${image.format === 'elf' ? 'ELF segment' : 'image'} at ${hex(p.addr)}`);
  checkRam(image.loadAddr, bufferEnd, 'the kernel with its command line');

  const buf = new Uint8Array(bufferEnd - image.loadAddr);
  for (const p of image.pieces) buf.set(p.bytes, p.addr - image.loadAddr);
  buf.set(block.bytes, infoAddr - image.loadAddr);

  const map = pcE820(o.below4g, o.above4g);
  const mmap = encodeMmap(map);
  const memUpper = memUpperKiB(map);
  const info = encodeInfo({
    memUpper,
    cmdlineAddr: block.cmdlineAddr,
    modsAddr: infoAddr,
    mmapLength: mmap.length,
    bootloaderNameAddr: block.bootloaderNameAddr,
  });
  // QEMU's option ROM writes the info structure and the memory map at their fixed addresses
  // first and copies the kernel last, so a kernel loaded over 0x9000-0x9557 wins there (EBX
  // still points at 0x9500): the same order here.
  o.mem.writeRom(MB_MMAP_ADDR, mmap);
  o.mem.writeRom(MB_INFO_ADDR, info);
  o.mem.writeRom(MB_GDT_BASE, MB_GDT_BYTES);
  o.mem.writeRom(image.loadAddr, buf);

  return {
    entry: multibootEntryState(image.entry, MB_INFO_ADDR, memUpper, image.loadAddr),
    warnings: hdr.warnings,
    format: image.format,
    loadAddr: image.loadAddr,
    kernelEnd: image.loadAddr + image.size,
    bufferEnd,
    cmdlineAddr: block.cmdlineAddr,
    mbiAddr: MB_INFO_ADDR,
    mmapAddr: MB_MMAP_ADDR,
  };

  function checkRam(start: number, end: number, what: string): void {
    if (end <= start) return;
    const inLow = end <= LOW_RAM_END;
    const inHigh = start >= HIGH_RAM_START && end <= o.below4g;
    if (!inLow && !inHigh) {
      fail(
        `${what} (${hex(start)}-${hex(end - 1)}) is not in RAM ` +
          `(RAM for a kernel: 0x0-0x9ffff and 0x100000-${hex(o.below4g - 1)})`,
      );
    }
  }
}
