// Where firmware files are found, as QEMU's qemu_find_file(QEMU_FILE_TYPE_BIOS) looks: the
// -L directories first, then where Debian's `seabios` and `qemu-system-data` packages put them.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const SYSTEM_FIRMWARE_DIRS = ['/usr/share/seabios', '/usr/share/qemu'];
/** QEMU's pc default firmware (SeaBIOS). */
export const DEFAULT_BIOS = 'bios-256k.bin';
/** The std VGA's option ROM (SeaVGABIOS). */
export const STDVGA_ROM = 'vgabios-stdvga.bin';

/** The path of firmware file `name`, or null when no directory has it. */
export function findFirmware(name: string, dataDirs: readonly string[]): string | null {
  for (const dir of [...dataDirs, ...SYSTEM_FIRMWARE_DIRS]) {
    const p = path.join(dir, name);
    try {
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not there: try the next directory
    }
  }
  return null;
}
