// Multiboot -kernel loading: header search and checks, a.out-kludge and ELF placement, the info
// structure and memory map, the entry state; the golden kernels' QEMU 7.2 output is rebuilt
// from what the loader wrote, line by line.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMultiboot, MultibootError, type MultibootLoad } from '../../src/machine/multiboot.js';

const MiB = 1024 * 1024;

/** Sparse guest memory: what writeRom stored, zeros elsewhere. */
class FakeMem {
  private pages = new Map<number, Uint8Array>();
  writes: Array<{ addr: number; len: number }> = [];
  writeRom(addr: number, bytes: Uint8Array): void {
    this.writes.push({ addr, len: bytes.length });
    for (let i = 0; i < bytes.length; i++) this.setByte(addr + i, bytes[i]!);
  }
  private setByte(a: number, v: number): void {
    const pn = Math.floor(a / 4096);
    let p = this.pages.get(pn);
    if (!p) this.pages.set(pn, (p = new Uint8Array(4096)));
    p[a % 4096] = v;
  }
  u8(a: number): number {
    return this.pages.get(Math.floor(a / 4096))?.[a % 4096] ?? 0;
  }
  u32(a: number): number {
    return (this.u8(a) | (this.u8(a + 1) << 8) | (this.u8(a + 2) << 16) | (this.u8(a + 3) << 24)) >>> 0;
  }
  bytes(a: number, n: number): number[] {
    return Array.from({ length: n }, (_, i) => this.u8(a + i));
  }
  cstr(a: number): string {
    let s = '';
    for (let c = this.u8(a); c !== 0; c = this.u8(++a)) s += String.fromCharCode(c);
    return s;
  }
}

interface LoadArgs {
  path?: string;
  append?: string;
  below4g?: number;
  above4g?: number;
}

function load(data: Uint8Array, a: LoadArgs = {}): { r: MultibootLoad; mem: FakeMem } {
  const mem = new FakeMem();
  const r = loadMultiboot({
    path: a.path ?? 'k.bin',
    data,
    append: a.append ?? '',
    below4g: a.below4g ?? 128 * MiB,
    above4g: a.above4g ?? 0,
    mem,
  });
  return { r, mem };
}

function loadError(data: Uint8Array, a: LoadArgs = {}): string {
  try {
    load(data, a);
  } catch (e) {
    expect(e).toBeInstanceOf(MultibootError);
    return (e as Error).message;
  }
  throw new Error('the kernel was accepted');
}

function put32(b: Uint8Array, off: number, v: number): void {
  new DataView(b.buffer, b.byteOffset).setUint32(off, v >>> 0, true);
}

const MAGIC = 0x1badb002;

/** A bare header (magic, flags, checksum) at `at` in a zero file of `size` bytes. */
function headerOnly(size: number, at: number, flags: number, checksum = -(MAGIC + flags)): Uint8Array {
  const b = new Uint8Array(size);
  put32(b, at, MAGIC);
  put32(b, at + 4, flags);
  put32(b, at + 8, checksum);
  return b;
}

interface AoutFields {
  size?: number;
  at?: number;
  flags?: number;
  headerAddr: number;
  loadAddr: number;
  loadEnd: number;
  bssEnd: number;
  entry: number;
}

/** An a.out-kludge image whose byte k is (k & 0x7f) | 0x80 outside the header. */
function aout(f: AoutFields): Uint8Array {
  const at = f.at ?? 0;
  const flags = f.flags ?? 0x10003;
  const b = new Uint8Array(f.size ?? 0x3000).map((_, k) => (k & 0x7f) | 0x80);
  put32(b, at, MAGIC);
  put32(b, at + 4, flags);
  put32(b, at + 8, -(MAGIC + flags));
  put32(b, at + 12, f.headerAddr);
  put32(b, at + 16, f.loadAddr);
  put32(b, at + 20, f.loadEnd);
  put32(b, at + 24, f.bssEnd);
  put32(b, at + 28, f.entry);
  return b;
}

interface Seg {
  type?: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  fill?: number;
}

interface ElfOpts {
  segs: Seg[];
  entry: number;
  size?: number;
  cls?: number;
  data?: number;
  type?: number;
  machine?: number;
  mbFlags?: number;
}

/** A hand-built ELF32 with the multiboot header at 0x100 and each segment's file bytes = fill. */
function elf(o: ElfOpts): Uint8Array {
  const b = new Uint8Array(o.size ?? 0x4000);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, o.cls ?? 1, o.data ?? 1, 1], 0);
  v.setUint16(16, o.type ?? 2, true);
  v.setUint16(18, o.machine ?? 3, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, o.entry, true);
  v.setUint32(28, 52, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, 32, true);
  v.setUint16(44, o.segs.length, true);
  o.segs.forEach((s, i) => {
    const p = 52 + i * 32;
    [s.type ?? 1, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, 0x1000].forEach((x, k) => v.setUint32(p + k * 4, x >>> 0, true));
    if (s.offset >= 0x200) b.fill(s.fill ?? 0xaa, s.offset, s.offset + s.filesz);
  });
  const flags = o.mbFlags ?? 3;
  put32(b, 0x100, MAGIC);
  put32(b, 0x104, flags);
  put32(b, 0x108, -(MAGIC + flags));
  return b;
}

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const hex4 = (v: number): string => (v & 0xffff).toString(16).padStart(4, '0');
const hex2 = (v: number): string => (v & 0xff).toString(16).padStart(2, '0');

/**
 * The lines of roms/src/lib/mbreport.inc's report that follow from the entry state and the
 * memory the loader wrote (the rest needs the guest to run: limits, probes, the kernel's data).
 */
function expectedReport(r: MultibootLoad, mem: FakeMem): string[] {
  const e = r.entry;
  const out = [
    `eax ${hex8(e.eax)} ebx ${hex8(e.ebx)} ecx ${hex8(e.ecx)} edx ${hex8(e.edx)} `,
    `esi ${hex8(e.esi)} edi ${hex8(e.edi)} ebp ${hex8(e.ebp)} esp ${hex8(e.esp)} `,
    `eflags ${hex8(e.eflags)} `,
    `cs ${hex4(e.cs.selector)} ds ${hex4(e.ds.selector)} es ${hex4(e.es.selector)} fs ${hex4(e.fs.selector)} gs ${hex4(e.gs.selector)} ss ${hex4(e.ss.selector)}`,
    `cr0 ${hex8(e.cr0)} cr3 00000000 cr4 00000000`,
    `gdtr base ${hex8(e.gdt.base)} limit ${hex4(e.gdt.limit)} idtr base ${hex8(e.idt.base)} limit ${hex4(e.idt.limit)}`,
  ];
  for (let s = 0; s <= e.gdt.limit; s += 8) {
    out.push(`gdt ${hex4(s)} ${hex8(mem.u32(e.gdt.base + s + 4))}${hex8(mem.u32(e.gdt.base + s))}`);
  }
  out.push(`a20 ${e.a20 ? 'on' : 'off'}`);
  const mbi = e.ebx;
  for (let o = 0; o < 96; o += 16) {
    out.push(`mbi+${hex2(o)} ${[0, 4, 8, 12].map((k) => hex8(mem.u32(mbi + o + k))).join(' ')}`);
  }
  out.push(`flags ${hex8(mem.u32(mbi))} mem_lower ${hex8(mem.u32(mbi + 4))} mem_upper ${hex8(mem.u32(mbi + 8))} boot_device ${hex8(mem.u32(mbi + 12))} `);
  out.push(`cmdline '${mem.cstr(mem.u32(mbi + 16))}'`);
  out.push(`boot_loader_name '${mem.cstr(mem.u32(mbi + 64))}'`);
  const mmapEnd = mem.u32(mbi + 48) + mem.u32(mbi + 44);
  for (let p = mem.u32(mbi + 48); p < mmapEnd; p += mem.u32(p) + 4) {
    out.push(
      `mmap size ${hex8(mem.u32(p))} base ${hex8(mem.u32(p + 8))}${hex8(mem.u32(p + 4))} ` +
        `len ${hex8(mem.u32(p + 16))}${hex8(mem.u32(p + 12))} type ${hex8(mem.u32(p + 20))}`,
    );
  }
  return out;
}

function golden(name: string): string[] {
  return fs.readFileSync(new URL(`../golden/kernels/${name}.out`, import.meta.url), 'latin1').split('\n');
}

function rom(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(new URL(`../../roms/${name}.bin`, import.meta.url)));
}

describe('multiboot: the golden kernels as QEMU 7.2 booted them', () => {
  it('mbkernel-aout (-m 128, -append "hello world"): every loader-derived line of the report', () => {
    const { r, mem } = load(rom('mbkernel-aout'), { path: 'roms/mbkernel-aout.bin', append: 'hello world', below4g: 128 * MiB });
    const want = expectedReport(r, mem);
    const got = golden('mbkernel-aout').filter((l) => want.includes(l));
    expect(got).toEqual(want);
    expect(r.format).toBe('aout');
    expect(r.loadAddr).toBe(0x100000);
    expect(r.cmdlineAddr).toBe(0x102000);
    expect(r.bufferEnd).toBe(0x103000);
  });

  it('mbkernel-elf (-m 64, no -append): segments by p_paddr, entry translated, same report lines', () => {
    const { r, mem } = load(rom('mbkernel-elf'), { path: 'roms/mbkernel-elf.bin', below4g: 64 * MiB });
    const want = expectedReport(r, mem);
    const got = golden('mbkernel-elf').filter((l) => want.includes(l));
    expect(got).toEqual(want);
    expect(r.format).toBe('elf');
    // The data segment's string is at its p_paddr, the text at 0x100000 (the ELF header first).
    expect(mem.cstr(0x110000)).toBe('loaded at its p_paddr');
    expect(mem.bytes(0x100000, 4)).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(r.entry.eip).toBeLessThan(0x110000);
  });

  it('writes nothing of the file padding past load_end_addr / p_filesz (it is 0xee, the bss reads 0)', () => {
    const { r, mem } = load(rom('mbkernel-aout'));
    for (let a = r.kernelEnd - 0x1500; a < r.kernelEnd; a++) expect(mem.u8(a)).toBe(0);
  });
});

describe('multiboot: header search', () => {
  it('finds the header at any 4-byte aligned offset below 8192 - 48, as QEMU scans', () => {
    const k = aout({ at: 8140, size: 0x3000, headerAddr: 0x100000 + 8140, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100000 });
    const { r, mem } = load(k);
    expect(r.loadAddr).toBe(0x100000);
    expect(mem.u32(0x100000 + 8140)).toBe(MAGIC);
  });

  it('does not see a header at offset 8144 or at an unaligned offset', () => {
    expect(loadError(headerOnly(0x3000, 8144, 0x10003))).toMatch(/^-kernel k\.bin: not a multiboot kernel/);
    expect(loadError(headerOnly(0x1000, 2, 0x10003))).toMatch(/not a multiboot kernel/);
  });

  it('refuses a bad checksum, naming the offset and the sum', () => {
    expect(loadError(headerOnly(0x1000, 0x40, 3, 0)), 'sum is magic + flags').toBe(
      '-kernel k.bin: the multiboot header at file offset 0x40 has a bad checksum (magic + flags + checksum = 0x1badb005, must be 0)',
    );
  });

  it('skips a magic with a bad checksum and takes a valid header after it', () => {
    const k = aout({ at: 0x20, headerAddr: 0x100020, loadAddr: 0x100000, loadEnd: 0x101000, bssEnd: 0, entry: 0x100040 });
    put32(k, 0x8, MAGIC); // a stray magic with garbage after it
    expect(load(k).r.entry.eip).toBe(0x100040);
  });

  it('names a Linux bzImage and files too short to hold a header', () => {
    const linux = new Uint8Array(0x1000);
    put32(linux, 0x202, 0x53726448);
    expect(loadError(linux)).toMatch(/Linux kernel \(bzImage\)/);
    expect(loadError(new Uint8Array(8))).toMatch(/not a multiboot kernel/);
  });

  it('warns about a requested video mode (flag bit 2) and boots, as QEMU does', () => {
    const k = aout({ flags: 0x10007, headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100020 });
    expect(load(k).r.warnings).toEqual(['-kernel k.bin: the multiboot header asks for a video mode (flag bit 2); none is set (as in QEMU)']);
    expect(load(aout({ headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100020 })).r.warnings).toEqual([]);
  });

  it('refuses requirement bits the specification does not define (3-15)', () => {
    const k = aout({ flags: 0x10000 | 0x8 | 0x3, headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100020 });
    expect(loadError(k)).toBe('-kernel k.bin: the multiboot header requires features this loader does not know (flag bits 0x8)');
  });
});

describe('multiboot: a.out kludge placement', () => {
  it('maps header_addr to the header file offset: bytes before the image start are not loaded', () => {
    // Header at file offset 0x210 with header_addr = load_addr + 0x10: the image starts at file 0x200.
    const k = aout({ at: 0x210, headerAddr: 0x200010, loadAddr: 0x200000, loadEnd: 0x200800, bssEnd: 0x202000, entry: 0x200100 });
    const { r, mem } = load(k);
    expect(mem.u8(0x200000)).toBe(0x80); // file byte 0x200
    expect(mem.u8(0x200001)).toBe(0x81);
    expect(mem.u32(0x200010)).toBe(MAGIC);
    expect(mem.u8(0x2007ff)).toBe(((0x9ff & 0x7f) | 0x80));
    expect(mem.u8(0x200800)).toBe(0); // past load_end_addr: bss
    expect(mem.u8(0x201fff)).toBe(0);
    expect(r.entry.eip).toBe(0x200100);
    expect(r.kernelEnd).toBe(0x202000);
    // cmdline right after the page-aligned bss; the buffer ends on the next page boundary.
    expect(r.cmdlineAddr).toBe(0x202000);
    expect(r.bufferEnd).toBe(0x203000);
  });

  it('load_end_addr 0 loads the rest of the file; bss_end_addr 0 means no bss', () => {
    const k = aout({ size: 0x1234, headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100020 });
    const { r, mem } = load(k);
    expect(r.kernelEnd).toBe(0x101234);
    expect(mem.u8(0x101233)).toBe((0x1233 & 0x7f) | 0x80);
    expect(r.cmdlineAddr).toBe(0x102000);
  });

  it('refuses inconsistent address fields, each named', () => {
    const base = { headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100020 };
    expect(loadError(aout({ ...base, headerAddr: 0xff000 }))).toBe(
      '-kernel k.bin: multiboot a.out kludge: header_addr 0xff000 is below load_addr 0x100000',
    );
    expect(loadError(aout({ ...base, at: 0x10, headerAddr: 0x100020 }))).toMatch(
      /header_addr - load_addr = 0x20 puts the image start before the file start \(the header is at file offset 0x10\)/,
    );
    expect(loadError(aout({ ...base, loadEnd: 0xfff00 }))).toMatch(/load_end_addr 0xfff00 is below load_addr 0x100000/);
    expect(loadError(aout({ ...base, size: 0x1000, loadEnd: 0x101001 }))).toBe(
      '-kernel k.bin: multiboot a.out kludge: load_end_addr 0x101001 asks for 0x1001 bytes from file offset 0x0, but the file has only 0x1000 bytes',
    );
    expect(loadError(aout({ ...base, loadEnd: 0x100800, bssEnd: 0x100700 }))).toMatch(
      /bss_end_addr 0x100700 is below the end of the loaded image 0x100800/,
    );
    expect(loadError(aout({ ...base, headerAddr: 0xfffff000, loadAddr: 0xfffff000 }))).toMatch(/does not fit in the 32-bit address space/);
    const cut = aout({ ...base, size: 0x1000 }).subarray(0, 0x18);
    expect(loadError(cut)).toMatch(/the header at file offset 0x0 is cut off by the end of the file/);
  });

  it('refuses images outside RAM; one over the info area at 0x9000 loads over it as in QEMU', () => {
    const at = (addr: number, bss = 0) => aout({ headerAddr: addr, loadAddr: addr, loadEnd: 0, bssEnd: bss, entry: addr });
    expect(loadError(at(0xa0000))).toMatch(/the image at 0xa0000 \(0xa0000-0xa2fff\) is not in RAM \(RAM for a kernel: 0x0-0x9ffff and 0x100000-0x7ffffff\)/);
    expect(loadError(at(0x7fff000))).toMatch(/is not in RAM/);
    expect(loadError(at(0x100000, 0x4000000), { below4g: 32 * MiB })).toMatch(/the image at 0x100000 \(0x100000-0x3ffffff\) is not in RAM/);
    // QEMU's option ROM copies the kernel after writing the info: the kernel's bytes win.
    const low = load(at(0x8000));
    expect(low.r.loadAddr).toBe(0x8000);
    expect(low.r.mbiAddr).toBe(0x9500);
    expect(low.mem.u8(0x9500)).toBe((0x1500 & 0x7f) | 0x80); // file offset 0x1500
    // Below the info area, and between it and 640 KiB, kernels load as in QEMU.
    expect(load(at(0x10000)).r.loadAddr).toBe(0x10000);
    expect(load(aout({ headerAddr: 0x1000, loadAddr: 0x1000, loadEnd: 0x1800, bssEnd: 0, entry: 0x1000 })).r.bufferEnd).toBe(0x3000);
  });
});

describe('multiboot: ELF placement', () => {
  const text: Seg = { offset: 0x1000, vaddr: 0xc0100000, paddr: 0x100000, filesz: 0x800, memsz: 0x800, flags: 5, fill: 0x11 };
  const data: Seg = { offset: 0x2000, vaddr: 0xc0104000, paddr: 0x104000, filesz: 0x100, memsz: 0x1100, flags: 6, fill: 0x22 };

  it('loads PT_LOAD segments at p_paddr, zeroes p_memsz past p_filesz, translates e_entry', () => {
    const { r, mem } = load(elf({ segs: [text, data], entry: 0xc0100010 }));
    expect(r.format).toBe('elf');
    expect(mem.u8(0x100000)).toBe(0x11);
    expect(mem.u8(0x1007ff)).toBe(0x11);
    expect(mem.u8(0x100800)).toBe(0); // gap between segments: zeros
    expect(mem.u8(0x104000)).toBe(0x22);
    expect(mem.u8(0x1040ff)).toBe(0x22);
    expect(mem.u8(0x104100)).toBe(0); // bss
    expect(r.entry.eip).toBe(0x100010);
    expect(r.loadAddr).toBe(0x100000);
    expect(r.kernelEnd).toBe(0x105100);
    expect(r.cmdlineAddr).toBe(0x106000);
    expect(mem.writes.some((w) => w.addr >= 0xc0000000)).toBe(false);
  });

  it('keeps e_entry when it is in no executable segment with p_vaddr != p_paddr', () => {
    const ident = { ...text, vaddr: 0x100000 };
    expect(load(elf({ segs: [ident, data], entry: 0x100010 })).r.entry.eip).toBe(0x100010);
    const noX = { ...text, flags: 4 };
    expect(load(elf({ segs: [noX, data], entry: 0xc0100010 })).r.entry.eip).toBe(0xc0100010);
  });

  it('skips non-PT_LOAD headers and drops a bss that would run into another segment (QEMU rule)', () => {
    const note: Seg = { type: 4, offset: 0x3000, vaddr: 0, paddr: 0x50000, filesz: 0x10, memsz: 0x10, flags: 4, fill: 0x33 };
    const big = { ...text, memsz: 0x5000 }; // its bss would cover the data segment
    const { r, mem } = load(elf({ segs: [note, big, data], entry: 0xc0100000 }));
    expect(mem.u8(0x50000)).toBe(0);
    expect(mem.u8(0x100800)).toBe(0);
    expect(mem.u8(0x104000)).toBe(0x22);
    // The test compares with the other segment's whole p_memsz, so the data segment's bss
    // (inside the text's declared 0x5000) is dropped too: the image ends at its file bytes.
    expect(r.kernelEnd).toBe(0x104100);
  });

  it('refuses ELF files that are not 32-bit little-endian x86 executables', () => {
    const ok = { segs: [text], entry: 0xc0100000 };
    expect(loadError(elf({ ...ok, machine: 62 }))).toBe('-kernel k.bin: this is an x86-64 ELF; multiboot needs a 32-bit (EM_386) one');
    expect(loadError(elf({ ...ok, cls: 2 }))).toBe('-kernel k.bin: not a 32-bit ELF (EI_CLASS 2, want 1)');
    expect(loadError(elf({ ...ok, data: 2 }))).toBe('-kernel k.bin: not a little-endian ELF (EI_DATA 2, want 1)');
    expect(loadError(elf({ ...ok, machine: 40 }))).toBe('-kernel k.bin: ELF machine 40 is not x86 (EM_386 = 3)');
    expect(loadError(elf({ ...ok, type: 3 }))).toBe('-kernel k.bin: ELF type 3 is not an executable (ET_EXEC = 2)');
    const notElf = headerOnly(0x1000, 0x40, 3);
    expect(loadError(notElf)).toMatch(/not an ELF file, and its multiboot header has no address fields \(flag bit 16 clear\)/);
  });

  it('refuses malformed or misplaced segments', () => {
    expect(loadError(elf({ segs: [], entry: 0 }))).toBe('-kernel k.bin: the ELF file has no PT_LOAD segment');
    expect(loadError(elf({ segs: [{ ...text, offset: 0x3f00 }], entry: 0 }))).toBe(
      '-kernel k.bin: ELF segment 0: its 0x800 file bytes at offset 0x3f00 run past the end of the file',
    );
    expect(loadError(elf({ segs: [{ ...text, memsz: 0x10 }], entry: 0 }))).toMatch(/ELF segment 0: p_filesz 0x800 is larger than p_memsz 0x10/);
    // (the second segment's bss runs into the first, so QEMU's rule cuts it to its file bytes first)
    expect(loadError(elf({ segs: [text, { ...data, paddr: 0x100400 }], entry: 0 }))).toBe(
      '-kernel k.bin: ELF segments overlap in memory (0x100000-0x1007ff and 0x100400-0x1004ff)',
    );
    expect(loadError(elf({ segs: [text, { ...data, paddr: 0xb8000 }], entry: 0 }))).toMatch(
      /the ELF segment at 0xb8000 \(0xb8000-0xb90ff\) is not in RAM/,
    );
    expect(loadError(elf({ segs: [{ ...text, paddr: 0xfffff000, memsz: 0x2000 }], entry: 0 }))).toMatch(/do not fit in the 32-bit address space/);
  });
});

describe('multiboot: information structure and memory map', () => {
  const k = () => aout({ headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0x100100, bssEnd: 0x101000, entry: 0x100020 });

  it('fills the fields QEMU fills and leaves the rest zero', () => {
    const { r, mem } = load(k(), { path: 'dir/kern.elf', append: 'a=1 b' });
    const mbi = r.mbiAddr;
    expect(mbi).toBe(0x9500);
    expect(mem.u32(mbi)).toBe(0x24f); // mem, boot device, cmdline, mods, mmap, loader name
    expect(mem.u32(mbi + 4)).toBe(639);
    expect(mem.u32(mbi + 8)).toBe((128 * MiB - 0x20000 - MiB) / 1024);
    expect(mem.u32(mbi + 12)).toBe(0x8000ffff);
    expect(mem.cstr(mem.u32(mbi + 16))).toBe('dir/kern.elf a=1 b');
    expect(mem.u32(mbi + 16)).toBe(0x101000);
    expect([mem.u32(mbi + 20), mem.u32(mbi + 24)]).toEqual([0, 0x101000]); // no modules; list address anyway
    expect(mem.u32(mbi + 48)).toBe(0x9000);
    expect(mem.u32(mbi + 44)).toBe(6 * 24);
    expect(mem.u32(mbi + 64)).toBe(0x101000 + 'dir/kern.elf a=1 b'.length + 1);
    expect(mem.cstr(mem.u32(mbi + 64))).toBe('qemu');
    for (const off of [28, 32, 36, 40, 52, 56, 60, 68, 72, 76, 80, 84]) expect(mem.u32(mbi + off)).toBe(0);
  });

  it('without -append the command line is the path and a space', () => {
    const { r, mem } = load(k(), { path: 'k' });
    expect(mem.cstr(r.cmdlineAddr)).toBe('k ');
  });

  it('counts the command line in UTF-8 bytes', () => {
    const { r, mem } = load(k(), { path: 'k', append: 'é' });
    expect(mem.bytes(r.cmdlineAddr, 5)).toEqual([0x6b, 0x20, 0xc3, 0xa9, 0]);
    expect(mem.cstr(mem.u32(r.mbiAddr + 64))).toBe('qemu');
    expect(mem.u32(r.mbiAddr + 64)).toBe(r.cmdlineAddr + 5);
  });

  it('RAM above 4 GiB adds an entry; mem_upper counts only RAM contiguous from 1 MiB (QEMU -m 3584)', () => {
    const { r, mem } = load(k(), { below4g: 0xc0000000, above4g: 0x20000000 });
    const entries: Array<[bigint, bigint, number]> = [];
    const view = (a: number) => BigInt(mem.u32(a)) | (BigInt(mem.u32(a + 4)) << 32n);
    for (let p = 0x9000; p < 0x9000 + mem.u32(r.mbiAddr + 44); p += 24) {
      expect(mem.u32(p)).toBe(20);
      entries.push([view(p + 4), view(p + 12), mem.u32(p + 20)]);
    }
    expect(entries).toEqual([
      [0n, 0x9fc00n, 1],
      [0x9fc00n, 0x400n, 2],
      [0xf0000n, 0x10000n, 2],
      [0x100000n, 0xbfee0000n, 1],
      [0xbffe0000n, 0x20000n, 2],
      [0xfffc0000n, 0x40000n, 2],
      [0x100000000n, 0x20000000n, 1],
    ]);
    expect(mem.u32(r.mbiAddr + 8)).toBe(0x2ffb80);
    expect(r.entry.edx).toBe(0x002f0511); // QEMU's EDX keeps mem_upper's high half
  });

  it('needs RAM beyond the 1 MiB + 128 KiB SeaBIOS would keep', () => {
    expect(loadError(k(), { below4g: MiB + 0x20000 })).toMatch(/needs more than 1\.125 MiB of RAM below 4 GiB/);
  });
});

describe('multiboot: entry state', () => {
  it('is 32-bit flat protected mode with EAX = 0x2badb002 and EBX = the info structure, as QEMU leaves it', () => {
    const { r, mem } = load(aout({ headerAddr: 0x100000, loadAddr: 0x100000, loadEnd: 0, bssEnd: 0, entry: 0x100044 }));
    const e = r.entry;
    expect([e.eip, e.eax, e.ebx, e.ecx]).toEqual([0x100044, 0x2badb002, 0x9500, 0x100044]);
    expect(e.cr0).toBe(0x11);
    expect(e.eflags & ((1 << 9) | (1 << 17) | (1 << 10))).toBe(0); // IF, VM, DF clear
    expect(e.cs).toEqual({ selector: 0x08, base: 0, limit: 0xffffffff, flags: 0x00cf9a00 });
    for (const s of [e.ds, e.es, e.fs, e.gs, e.ss]) expect(s).toEqual({ selector: 0x10, base: 0, limit: 0xffffffff, flags: 0x00cf9300 });
    expect(e.gdt).toEqual({ base: 0xcb2b8, limit: 0x27 });
    expect(e.idt).toEqual({ base: 0, limit: 0x3ff });
    expect(e.a20).toBe(true);
    // The GDT bytes are in memory, and its descriptors match the caches.
    expect(mem.bytes(0xcb2b8 + 8, 8)).toEqual([0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0]);
    expect(mem.bytes(0xcb2b8 + 16, 8)).toEqual([0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0]);
  });
});
