// The multiboot information QEMU gives a -kernel: the info structure at 0x9500, the memory map
// at 0x9000 (which QEMU's multiboot option ROM copies from SeaBIOS's e820 table at boot), and the
// command line and boot loader name that hw/i386/multiboot.c puts after the kernel.

/** Physical addresses QEMU uses (hw/i386/multiboot.c: MULTIBOOT_STRUCT_ADDR and ADDR_MBI). */
export const MB_MMAP_ADDR = 0x9000;
export const MB_INFO_ADDR = 0x9500;
/** QEMU writes 88 bytes of info structure (up to and including the VBE fields). */
export const MB_INFO_SIZE = 88;
export const MB_BOOTLOADER_NAME = 'qemu';
export const MB_PAGE_SIZE = 4096;

/** Info flags QEMU sets: memory, boot device, cmdline, modules, memory map, boot loader name. */
export const MBI_FLAGS = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9);
/** BIOS drive 0x80, no partition: QEMU's fixed value (it does not look at -boot). */
export const MBI_BOOT_DEVICE = 0x8000ffff;
/** INT 12h under SeaBIOS: 639 KiB of base memory, the last KiB below 640 KiB being the EBDA. */
export const MBI_MEM_LOWER = 639;

export const E820_RAM = 1;
export const E820_RESERVED = 2;

export interface E820Entry {
  base: number;
  length: number;
  type: number;
}

/** SeaBIOS keeps its tables (ACPI, SMBIOS, ...) in the top 128 KiB of low RAM and reserves it. */
const SEABIOS_HIGH_ZONE = 0x20000;
/** QEMU's bios.bin (256 KiB), mapped below 4 GiB, reported as reserved by SeaBIOS. */
const BIOS_ROM_BASE = 0xfffc0000;
const BIOS_ROM_SIZE = 0x40000;

/**
 * The e820 table SeaBIOS reports on QEMU's pc machine, in its order (checked with QEMU 7.2 at
 * -m 64, 128 and 3584). Needs more than 1 MiB + 128 KiB of RAM below 4 GiB.
 */
export function pcE820(below4g: number, above4g: number): E820Entry[] {
  const map: E820Entry[] = [
    { base: 0, length: 0x9fc00, type: E820_RAM },
    { base: 0x9fc00, length: 0x400, type: E820_RESERVED },
    { base: 0xf0000, length: 0x10000, type: E820_RESERVED },
    { base: 0x100000, length: below4g - SEABIOS_HIGH_ZONE - 0x100000, type: E820_RAM },
    { base: below4g - SEABIOS_HIGH_ZONE, length: SEABIOS_HIGH_ZONE, type: E820_RESERVED },
    { base: BIOS_ROM_BASE, length: BIOS_ROM_SIZE, type: E820_RESERVED },
  ];
  if (above4g > 0) map.push({ base: 2 ** 32, length: above4g, type: E820_RAM });
  return map;
}

/** The map in multiboot form: per entry a size field (20) then base, length (64-bit) and type. */
export function encodeMmap(map: E820Entry[]): Uint8Array {
  const out = new Uint8Array(map.length * 24);
  const v = new DataView(out.buffer);
  map.forEach((e, i) => {
    const p = i * 24;
    v.setUint32(p, 20, true);
    v.setBigUint64(p + 4, BigInt(e.base), true);
    v.setBigUint64(p + 12, BigInt(e.length), true);
    v.setUint32(p + 20, e.type, true);
  });
  return out;
}

/**
 * mem_upper as the option ROM computes it: KiB of RAM contiguous from 1 MiB, following RAM
 * entries below 4 GiB in any order.
 */
export function memUpperKiB(map: E820Entry[]): number {
  let end = 0x100000;
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of map) {
      if (e.type === E820_RAM && e.base < 2 ** 32 && e.base <= end && end < e.base + e.length) {
        end = e.base + e.length;
        grew = true;
      }
    }
  }
  return Math.floor((end - 0x100000) / 1024);
}

export interface InfoBlock {
  /** Bytes that go right after the page-aligned kernel: cmdline, then the boot loader name. */
  bytes: Uint8Array;
  cmdlineAddr: number;
  bootloaderNameAddr: number;
}

/**
 * QEMU's command line is "<-kernel argument> <-append string>" (a space even when -append is
 * empty), followed by the boot loader name, at `addr` (the page after the kernel; the module
 * list would come first, but there are no modules).
 */
export function infoBlock(addr: number, kernelPath: string, append: string): InfoBlock {
  const enc = new TextEncoder();
  const cmdline = enc.encode(`${kernelPath} ${append}`);
  const name = enc.encode(MB_BOOTLOADER_NAME);
  const bytes = new Uint8Array(cmdline.length + 1 + name.length + 1);
  bytes.set(cmdline, 0);
  bytes.set(name, cmdline.length + 1);
  return { bytes, cmdlineAddr: addr, bootloaderNameAddr: addr + cmdline.length + 1 };
}

export interface InfoFields {
  memUpper: number;
  cmdlineAddr: number;
  modsAddr: number;
  mmapLength: number;
  bootloaderNameAddr: number;
}

/** The 88-byte info structure; fields QEMU leaves zero (syms, drives, config, APM, VBE) stay 0. */
export function encodeInfo(f: InfoFields): Uint8Array {
  const out = new Uint8Array(MB_INFO_SIZE);
  const v = new DataView(out.buffer);
  v.setUint32(0, MBI_FLAGS, true);
  v.setUint32(4, MBI_MEM_LOWER, true);
  v.setUint32(8, f.memUpper, true);
  v.setUint32(12, MBI_BOOT_DEVICE, true);
  v.setUint32(16, f.cmdlineAddr, true);
  v.setUint32(20, 0, true); // mods_count
  v.setUint32(24, f.modsAddr, true);
  // The option ROM stores only the low 16 bits of mmap_length; a pc map is far shorter.
  v.setUint32(44, f.mmapLength & 0xffff, true);
  v.setUint32(48, MB_MMAP_ADDR, true);
  v.setUint32(64, f.bootloaderNameAddr, true);
  return out;
}
