// The CMOS contents the pc board stores at power-on (QEMU's pc_cmos_init): memory sizes,
// equipment byte and boot order, so firmware and test ROMs read what QEMU's would.

import type { Mc146818Rtc } from '../devices/mc146818rtc.js';

/** QEMU's CMOS codes for boot devices: floppy a/b 1, hard disk c 2, CD-ROM d 3, network n 4. */
const BOOT_CODES: Record<string, number> = { a: 1, b: 1, c: 2, d: 3, n: 4 };

export function pcCmosInit(rtc: Mc146818Rtc, below4g: number, above4g: number, bootOrder = 'cad'): void {
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
  // One CPU.
  rtc.setCmos(0x5f, 0);
  // Equipment byte: FPU present (bit 1), PS/2 mouse (bit 2), as QEMU reports.
  rtc.setCmos(0x14, 0x06);
  // Boot order (-boot, "cad" by default: hard disk, CD-ROM, floppy): the first two in 0x3d,
  // the third in the high nibble of 0x38, whose bit 0 set skips the floppy signature check
  // (QEMU leaves it clear).
  const code = (k: number) => BOOT_CODES[bootOrder[k] ?? ''] ?? 0;
  rtc.setCmos(0x3d, code(0) | (code(1) << 4));
  rtc.setCmos(0x38, code(2) << 4);
}
