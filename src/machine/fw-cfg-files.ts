// The fw_cfg files QEMU 7.2's pc machine gives its firmware (checked by reading QEMU's file
// directory): the RAM map (etc/e820), an empty boot order and geometry list, "wait for ever
// after a failed boot" (etc/boot-fail-wait = -1), the PIIX4's sleep states, plus -fw_cfg files.
// ACPI, SMBIOS and the kvmvapic option ROM are not built yet (DEVIATIONS.md).

import type { FwCfgFile } from '../devices/fw-cfg.js';
import type { MachineConfig } from './config.js';
import { deviceMemoryRange, reservedMemoryEnd } from './device-memory.js';

const E820_RAM = 1;

/** etc/e820: 20-byte little-endian entries (address, length, type), RAM only as QEMU's pc. */
function e820(below4g: number, above4g: number): Uint8Array {
  const entries: [number, number][] = [[0, below4g]];
  if (above4g > 0) entries.push([2 ** 32, above4g]);
  const out = new Uint8Array(20 * entries.length);
  const v = new DataView(out.buffer);
  entries.forEach(([addr, len], i) => {
    v.setBigUint64(20 * i, BigInt(addr), true);
    v.setBigUint64(20 * i + 8, BigInt(len), true);
    v.setUint32(20 * i + 16, E820_RAM, true);
  });
  return out;
}

/**
 * The pc's files; `romFiles` are option ROMs for SeaBIOS (genroms/NAME, QEMU's rom_add_option),
 * each first in the boot order as QEMU's bootindex 0 makes a -kernel loader ROM.
 */
export function pcFwCfgFiles(config: MachineConfig, below4g: number, above4g: number, romFiles: FwCfgFile[] = []): FwCfgFile[] {
  // QEMU's bootorder: the device paths joined by newlines, with the final NUL.
  const bootorder = romFiles.length ? new TextEncoder().encode(romFiles.map((f) => `/rom@${f.name}`).join('\n') + '\0') : new Uint8Array(0);
  const files: FwCfgFile[] = [
    ...romFiles,
    { name: 'bios-geometry', data: new Uint8Array(0) },
    { name: 'bootorder', data: bootorder },
    { name: 'etc/boot-fail-wait', data: new Uint8Array([0xff, 0xff, 0xff, 0xff]) },
    { name: 'etc/e820', data: e820(below4g, above4g) },
    // S0..S5 as QEMU's piix4 reports them: bit 7 = enabled, low bits = SLP_TYP.
    { name: 'etc/system-states', data: new Uint8Array([0x80, 0x00, 0x00, 0x81, 0x82, 0x80]) },
  ];
  const dm = deviceMemoryRange(config, above4g);
  if (dm) files.push({ name: 'etc/reserved-memory-end', data: reservedMemoryEnd(dm) });
  for (const f of config.fwCfgFiles) {
    if (files.some((g) => g.name === f.name)) throw new FwCfgFileError(`-fw_cfg: a file named '${f.name}' already exists`);
    files.push({ name: f.name, data: f.data });
  }
  return files;
}

export class FwCfgFileError extends Error {}
