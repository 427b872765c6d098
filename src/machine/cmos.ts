// The CMOS contents the pc board stores at power-on (QEMU's pc_cmos_init): memory sizes,
// equipment byte and boot order, so firmware and test ROMs read what QEMU's would.

import type { Mc146818Rtc } from '../devices/mc146818rtc.js';
import type { IDEState } from '../devices/ide/ide-core.js';
import type { FloppyDrive } from '../devices/fdc.js';

/** QEMU's CMOS codes for boot devices: floppy a/b 1, hard disk c 2, CD-ROM d 3, network n 4. */
const BOOT_CODES: Record<string, number> = { a: 1, b: 1, c: 2, d: 3, n: 4 };

export function pcCmosInit(rtc: Mc146818Rtc, below4g: number, above4g: number, bootOrder = 'cad', cpus = 1): void {
  // Base memory: 640 KiB.
  rtc.setCmos(0x15, 640 & 0xff);
  rtc.setCmos(0x16, 640 >> 8);
  // Extended memory above 1 MiB in KiB, capped at 65535 (both copies).
  const ext = Math.min(65535, Math.max(0, Math.floor(below4g / 1024) - 1024));
  rtc.setCmos(0x17, ext & 0xff);
  rtc.setCmos(0x18, ext >> 8);
  rtc.setCmos(0x30, ext & 0xff);
  rtc.setCmos(0x31, ext >> 8);
  // Memory above 16 MiB in 64 KiB units.
  const above16 = below4g > 16 * 1024 * 1024 ? Math.min(65535, Math.floor((below4g - 16 * 1024 * 1024) / 65536)) : 0;
  rtc.setCmos(0x34, above16 & 0xff);
  rtc.setCmos(0x35, above16 >> 8);
  // Memory above 4 GiB in 64 KiB units (three bytes).
  const high = Math.floor(above4g / 65536);
  rtc.setCmos(0x5b, high & 0xff);
  rtc.setCmos(0x5c, (high >> 8) & 0xff);
  rtc.setCmos(0x5d, (high >> 16) & 0xff);
  // The CPU count minus one (QEMU's CMOS_BIOS_SMP_COUNT, which SeaBIOS reads).
  rtc.setCmos(0x5f, cpus - 1);
  // Equipment byte: FPU present (bit 1), PS/2 mouse (bit 2), as QEMU reports.
  rtc.setCmos(0x14, 0x06);
  // Boot order (-boot, "cad" by default: hard disk, CD-ROM, floppy): the first two in 0x3d,
  // the third in the high nibble of 0x38, whose bit 0 set skips the floppy signature check
  // (QEMU leaves it clear).
  const code = (k: number) => BOOT_CODES[bootOrder[k] ?? ''] ?? 0;
  rtc.setCmos(0x3d, code(0) | (code(1) << 4));
  rtc.setCmos(0x38, code(2) << 4);
}

/** A hard disk's type 47 entry: the geometry the BIOS uses (QEMU's cmos_init_hd). */
function cmosInitHd(rtc: Mc146818Rtc, typeOfs: number, infoOfs: number, d: IDEState): void {
  rtc.setCmos(typeOfs, 47);
  rtc.setCmos(infoOfs, d.cylinders & 0xff);
  rtc.setCmos(infoOfs + 1, (d.cylinders >> 8) & 0xff);
  rtc.setCmos(infoOfs + 2, d.heads);
  rtc.setCmos(infoOfs + 3, 0xff);
  rtc.setCmos(infoOfs + 4, 0xff);
  rtc.setCmos(infoOfs + 5, 0xc0 | ((d.heads > 8 ? 1 : 0) << 3));
  rtc.setCmos(infoOfs + 6, d.cylinders & 0xff);
  rtc.setCmos(infoOfs + 7, (d.cylinders >> 8) & 0xff);
  rtc.setCmos(infoOfs + 8, d.sectors);
}

/**
 * The IDE disks as QEMU's pc_cmos_init_late records them: types and geometry of the primary
 * master and slave (0x12, 0x19/0x1a, 0x1b and 0x24), and the BIOS translation of each of the
 * four slots, two bits each (0x39). CD-ROMs have no geometry and are not recorded.
 */
export function pcCmosInitDisks(rtc: Mc146818Rtc, drives: readonly IDEState[]): void {
  const hd = (i: number) => (drives[i]?.present && drives[i]!.driveKind === 'hd' ? drives[i]! : null);
  let val = 0;
  const d0 = hd(0);
  const d1 = hd(1);
  if (d0) {
    cmosInitHd(rtc, 0x19, 0x1b, d0);
    val |= 0xf0;
  }
  if (d1) {
    cmosInitHd(rtc, 0x1a, 0x24, d1);
    val |= 0x0f;
  }
  rtc.setCmos(0x12, val);
  val = 0;
  for (let i = 0; i < 4; i++) {
    const d = hd(i);
    if (d) val |= (d.biosTranslation - 1) << (i * 2);
  }
  rtc.setCmos(0x39, val);
}

/**
 * The floppy drive types (0x10: drive 0 in the high nibble) and their count in the equipment
 * byte (bit 0 and bits 6-7), as QEMU's pc_cmos_init_floppy.
 */
export function pcCmosInitFloppy(rtc: Mc146818Rtc, drives: readonly FloppyDrive[]): void {
  const type = (d: FloppyDrive | undefined) => d?.format?.cmosType ?? 0;
  rtc.setCmos(0x10, (type(drives[0]) << 4) | type(drives[1]));
  const n = drives.filter((d) => d.format).length;
  let equip = rtc.getCmos(0x14);
  if (n === 1) equip |= 0x01;
  else if (n === 2) equip |= 0x41;
  rtc.setCmos(0x14, equip);
}
