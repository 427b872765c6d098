// The CPU state a multiboot kernel starts in under QEMU 7.2's pc machine: what its multiboot
// option ROM (pc-bios/optionrom/multiboot.S, run by SeaBIOS) leaves, as recorded by
// roms/src/mbkernel-*.asm. The spec fixes EAX, EBX, flat CS/DS/ES/FS/GS/SS, CR0.PE=1, PG=0,
// IF=0, VM=0 and A20 on; the other values are QEMU's, so a kernel printing them matches.

import { bswap } from '../memory/index.js';

export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;

/** Where the option ROM's GDT ends up: SeaBIOS places that ROM after the VGA and NIC ROMs. */
export const MB_GDT_BASE = 0xcb2b8;
export const MB_GDT_LIMIT = 5 * 8 - 1;
export const MB_SEL_CODE = 0x08;
export const MB_SEL_DATA = 0x10;

/**
 * The ROM's five descriptors: null; 0x08 flat 32-bit code; 0x10 flat 32-bit data; 0x18 16-bit
 * code and 0x20 16-bit data (base 0, limit 0xffff). The CPU sets the accessed bit of 0x10 when
 * the ROM loads it into DS..GS/SS (the shadow RAM is still writable then), so it reads 0x93.
 */
export const MB_GDT_BYTES: Uint8Array = Uint8Array.of(
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
  0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
  0xff, 0xff, 0x00, 0x00, 0x00, 0x9e, 0x00, 0x00,
  0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0x00, 0x00,
);

/** A segment descriptor cache as CPUX86State.loadSegCache takes it (flags: the descriptor's high dword). */
export interface SegmentCache {
  selector: number;
  base: number;
  limit: number;
  flags: number;
}

export interface MultibootEntryState {
  eip: number;
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
  esi: number;
  edi: number;
  ebp: number;
  esp: number;
  eflags: number;
  /** PE, plus ET which QEMU keeps set. Paging off; CR3 and CR4 stay 0. */
  cr0: number;
  cs: SegmentCache;
  ds: SegmentCache;
  es: SegmentCache;
  fs: SegmentCache;
  gs: SegmentCache;
  ss: SegmentCache;
  gdt: { base: number; limit: number };
  /** SeaBIOS's real-mode IVT, left in IDTR by the ROM (the kernel must load its own). */
  idt: { base: number; limit: number };
  a20: boolean;
}

/** The ROM's GDT high dwords: limit 0xfffff, G, D/B, P, S, type 0xa (execute/read; a far JMP leaves A clear). */
const CODE_FLAGS = 0x00cf9a00;
/** Limit 0xfffff, G, D/B, P, S, type 0x3 (read/write, accessed). */
const DATA_FLAGS = 0x00cf9300;

/**
 * The entry state for a kernel entered at `entry` with the info structure at `mbiAddr`.
 * `memUpperKiB` shows in EDX: the ROM computes mem_upper in EDX and then only reloads DX with
 * the fw_cfg port (0x511) before jumping. EDI keeps the big-endian address of the ROM's last
 * fw_cfg DMA transfer, the kernel's copy to `loadAddr` (measured with QEMU 7.2 at several
 * load addresses).
 */
export function multibootEntryState(entry: number, mbiAddr: number, memUpperKiB: number, loadAddr: number): MultibootEntryState {
  const data = (): SegmentCache => ({ selector: MB_SEL_DATA, base: 0, limit: 0xffffffff, flags: DATA_FLAGS });
  return {
    eip: entry >>> 0,
    eax: MULTIBOOT_BOOTLOADER_MAGIC,
    ebx: mbiAddr,
    ecx: entry >>> 0, // the ROM jumps through ECX
    edx: ((memUpperKiB & 0xffff0000) | 0x0511) >>> 0,
    esi: 0,
    edi: bswap(loadAddr >>> 0, 4) >>> 0,
    ebp: 0,
    esp: 0x6f08, // SeaBIOS's stack when it boots the ROM; the spec leaves ESP undefined
    eflags: 0x00000006, // reserved bit 1, PF from the ROM's last arithmetic; IF, DF, VM clear
    cr0: 0x00000011,
    cs: { selector: MB_SEL_CODE, base: 0, limit: 0xffffffff, flags: CODE_FLAGS },
    ds: data(),
    es: data(),
    fs: data(),
    gs: data(),
    ss: data(),
    gdt: { base: MB_GDT_BASE, limit: MB_GDT_LIMIT },
    idt: { base: 0, limit: 0x3ff },
    a20: true,
  };
}
