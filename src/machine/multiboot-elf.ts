// Multiboot kernels in ELF form (header flag bit 16 clear): the PT_LOAD segments of a 32-bit
// x86 executable, placed by physical address with QEMU's ELF loader rules (hw/elf_ops.h).

import { hex, MultibootError, type KernelImage, type KernelPiece } from './multiboot-header.js';

const EM_386 = 3;
const EM_X86_64 = 62;
const ET_EXEC = 2;
const PT_LOAD = 1;
const PF_X = 1;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;

interface Phdr {
  index: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  flags: number;
}

export function elfImage(data: Uint8Array, name: string): KernelImage {
  const fail = (what: string): never => {
    throw new MultibootError(`-kernel ${name}: ${what}`);
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    fail('not an ELF file, and its multiboot header has no address fields (flag bit 16 clear) to say where to load it');
  }
  if (data.length < EHDR_SIZE) fail(`ELF header cut off (${data.length} bytes, want ${EHDR_SIZE})`);
  if (view.getUint16(18, true) === EM_X86_64) fail('this is an x86-64 ELF; multiboot needs a 32-bit (EM_386) one');
  if (data[4] !== 1) fail(`not a 32-bit ELF (EI_CLASS ${data[4]}, want 1)`);
  if (data[5] !== 1) fail(`not a little-endian ELF (EI_DATA ${data[5]}, want 1)`);
  const machine = view.getUint16(18, true);
  if (machine !== EM_386) fail(`ELF machine ${machine} is not x86 (EM_386 = 3)`);
  const type = view.getUint16(16, true);
  if (type !== ET_EXEC) fail(`ELF type ${type} is not an executable (ET_EXEC = 2)`);
  let entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum > 0 && phentsize !== PHDR_SIZE) fail(`ELF program header size ${phentsize}, want ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > data.length) fail('the ELF program headers lie past the end of the file');

  const loads: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * PHDR_SIZE;
    if (view.getUint32(p, true) !== PT_LOAD) continue;
    const ph: Phdr = {
      index: i,
      offset: view.getUint32(p + 4, true),
      vaddr: view.getUint32(p + 8, true),
      paddr: view.getUint32(p + 12, true),
      filesz: view.getUint32(p + 16, true),
      memsz: view.getUint32(p + 20, true),
      flags: view.getUint32(p + 24, true),
    };
    if (ph.offset + ph.filesz > data.length) fail(`ELF segment ${i}: its ${hex(ph.filesz)} file bytes at offset ${hex(ph.offset)} run past the end of the file`);
    if (ph.filesz > ph.memsz) fail(`ELF segment ${i}: p_filesz ${hex(ph.filesz)} is larger than p_memsz ${hex(ph.memsz)}`);
    if (ph.paddr + ph.memsz > 2 ** 32) fail(`ELF segment ${i}: ${hex(ph.memsz)} bytes at ${hex(ph.paddr)} do not fit in the 32-bit address space`);
    loads.push(ph);
  }
  if (loads.length === 0) fail('the ELF file has no PT_LOAD segment');

  let low = 2 ** 32;
  let high = 0;
  const pieces: KernelPiece[] = [];
  for (const ph of loads) {
    // A bss that would run into another segment is dropped (QEMU's rule for images whose
    // p_memsz describes the run-time size of a segment packed elsewhere at load time).
    const memsz = bssOverlaps(ph, loads) ? ph.filesz : ph.memsz;
    // e_entry is virtual: an executable segment linked at a p_vaddr other than its p_paddr
    // moves the entry point with it.
    if (ph.vaddr !== ph.paddr && entry >= ph.vaddr && entry < ph.vaddr + ph.filesz && ph.flags & PF_X) {
      entry = entry - ph.vaddr + ph.paddr;
    }
    // Empty segments load nothing but still bound the image, as in QEMU.
    low = Math.min(low, ph.paddr);
    high = Math.max(high, ph.paddr + memsz);
    if (memsz > 0) pieces.push({ addr: ph.paddr, bytes: data.subarray(ph.offset, ph.offset + ph.filesz), memsz });
  }
  for (let a = 0; a < pieces.length; a++) {
    for (let b = a + 1; b < pieces.length; b++) {
      const pa = pieces[a]!;
      const pb = pieces[b]!;
      if (pa.addr < pb.addr + pb.memsz && pb.addr < pa.addr + pa.memsz) {
        fail(`ELF segments overlap in memory (${range(pa)} and ${range(pb)})`);
      }
    }
  }
  return { format: 'elf', loadAddr: low, size: high - low, entry, pieces };
}

function bssOverlaps(ph: Phdr, loads: Phdr[]): boolean {
  if (ph.memsz <= ph.filesz) return false;
  const zeroStart = ph.paddr + ph.filesz;
  const zeroEnd = ph.paddr + ph.memsz;
  return loads.some((o) => o !== ph && !(o.paddr >= zeroEnd || zeroStart >= o.paddr + o.memsz));
}

function range(p: KernelPiece): string {
  return `${hex(p.addr)}-${hex(p.addr + p.memsz - 1)}`;
}
