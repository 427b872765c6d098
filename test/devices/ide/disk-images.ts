// Disk images for the boot tests, built from roms/disk/boot-disk.bin: a raw hard disk and a
// 1.44 MB floppy (the program in their first sectors) and an ISO 9660 CD with an El Torito
// no-emulation boot entry.
// Every other sector holds its own number (dword 0 = LBA, byte i = (LBA + i) & 0xff), which
// the boot program checks. scripts/record-golden-disks.mjs builds the same files for QEMU.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BOOT_PROGRAM = path.join(ROOT, 'roms/disk/boot-disk.bin');

function pattern(img: Uint8Array, lba: number, size: number): void {
  const at = lba * size;
  for (let i = 4; i < size; i++) img[at + i] = (lba + i) & 0xff;
  new DataView(img.buffer, img.byteOffset).setUint32(at, lba, true);
}

/** A raw disk of `sectors` 512-byte sectors with the boot program at LBA 0. */
export function makeDiskImage(boot: Uint8Array, sectors = 8192): Uint8Array {
  const img = new Uint8Array(sectors * 512);
  const first = Math.ceil(boot.length / 512);
  for (let lba = first; lba < sectors; lba++) pattern(img, lba, 512);
  img.set(boot, 0);
  return img;
}

const ISO_PVD = 16;
const ISO_BOOT_RECORD = 17;
const ISO_TERMINATOR = 18;
const ISO_CATALOG = 19;
const ISO_BOOT_IMAGE = 20;

function both16(v: DataView, at: number, x: number): void {
  v.setUint16(at, x, true);
  v.setUint16(at + 2, x, false);
}
function both32(v: DataView, at: number, x: number): void {
  v.setUint32(at, x, true);
  v.setUint32(at + 4, x, false);
}
function ascii(img: Uint8Array, at: number, text: string, len = text.length): void {
  for (let i = 0; i < len; i++) img[at + i] = i < text.length ? text.charCodeAt(i) : 0x20;
}

/**
 * An ISO 9660 image of `sectors` 2048-byte sectors: a primary volume descriptor (with an empty
 * root directory), the El Torito boot record pointing at the catalog, whose default entry
 * loads the program (no emulation, 512-byte virtual sectors) at 07C0:0000.
 */
export function makeIsoImage(boot: Uint8Array, sectors = 1024): Uint8Array {
  const img = new Uint8Array(sectors * 2048);
  const v = new DataView(img.buffer);
  const bootSectors = Math.ceil(boot.length / 2048);
  const rootDir = ISO_BOOT_IMAGE + bootSectors;
  for (let lba = rootDir + 1; lba < sectors; lba++) pattern(img, lba, 2048);
  // Primary volume descriptor.
  let d = ISO_PVD * 2048;
  img[d] = 1;
  ascii(img, d + 1, 'CD001');
  img[d + 6] = 1;
  ascii(img, d + 8, 'TCG86', 32);
  ascii(img, d + 40, 'BOOTDISK', 32);
  both32(v, d + 80, sectors);
  both16(v, d + 120, 1);
  both16(v, d + 124, 1);
  both16(v, d + 128, 2048);
  // The root directory record, and the directory itself ("." and "..").
  const rec = (at: number, name: number) => {
    img[at] = 34;
    both32(v, at + 2, rootDir);
    both32(v, at + 10, 2048);
    img[at + 25] = 2; // directory
    both16(v, at + 28, 1);
    img[at + 32] = 1;
    img[at + 33] = name;
  };
  rec(d + 156, 0);
  rec(rootDir * 2048, 0);
  rec(rootDir * 2048 + 34, 1);
  img[d + 881] = 1;
  // Boot record volume descriptor.
  d = ISO_BOOT_RECORD * 2048;
  img[d] = 0;
  ascii(img, d + 1, 'CD001');
  img[d + 6] = 1;
  ascii(img, d + 7, 'EL TORITO SPECIFICATION');
  v.setUint32(d + 0x47, ISO_CATALOG, true);
  // Terminator.
  d = ISO_TERMINATOR * 2048;
  img[d] = 255;
  ascii(img, d + 1, 'CD001');
  img[d + 6] = 1;
  // Boot catalog: validation entry (words sum to 0), then the default entry.
  d = ISO_CATALOG * 2048;
  img[d] = 1;
  ascii(img, d + 4, 'TCG86');
  img[d + 0x1e] = 0x55;
  img[d + 0x1f] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + v.getUint16(d + i, true)) & 0xffff;
  v.setUint16(d + 0x1c, (0x10000 - sum) & 0xffff, true);
  img[d + 0x20] = 0x88; // bootable
  img[d + 0x21] = 0; // no emulation
  v.setUint16(d + 0x22, 0, true); // load segment 0: 07C0
  v.setUint16(d + 0x26, Math.ceil(boot.length / 512), true);
  v.setUint32(d + 0x28, ISO_BOOT_IMAGE, true);
  img.set(boot, ISO_BOOT_IMAGE * 2048);
  return img;
}

export interface BootImages {
  disk: string;
  iso: string;
  floppy: string;
}

/** Write the images into `dir` (disk.img, cd.iso, and a 1.44 MB floppy.img); returns their paths. */
export function writeImages(dir: string): BootImages {
  const boot = new Uint8Array(fs.readFileSync(BOOT_PROGRAM));
  const disk = path.join(dir, 'disk.img');
  const iso = path.join(dir, 'cd.iso');
  const floppy = path.join(dir, 'floppy.img');
  fs.writeFileSync(disk, makeDiskImage(boot));
  fs.writeFileSync(iso, makeIsoImage(boot));
  fs.writeFileSync(floppy, makeDiskImage(boot, 2880));
  return { disk, iso, floppy };
}
