// The fw_cfg files QEMU 7.2's pc machine gives its firmware (checked by reading QEMU's file
// directory): the RAM map (etc/e820), an empty boot order and geometry list, "wait for ever
// after a failed boot" (etc/boot-fail-wait = -1), the PIIX4's sleep states, the ACPI tables with
// their loader (acpi/acpi-build.ts), the SMBIOS tables (smbios.ts), plus -fw_cfg files. The
// kvmvapic option ROM is not built (DEVIATIONS.md).

import type { FwCfgFile } from '../devices/fw-cfg.js';
import type { MachineConfig } from './config.js';
import { deviceMemoryRange, reservedMemoryEnd } from './device-memory.js';
import { ACPI_LOADER_FILE, ACPI_RSDP_FILE, ACPI_TABLES_FILE, buildAcpiTables } from './acpi/acpi-build.js';
import { buildSmbios, SMBIOS_ANCHOR_FILE, SMBIOS_TABLES_FILE } from './smbios.js';

const GiB = 1024 ** 3;
/** QEMU's i440fx pci-hole64-size default. */
const PCI_HOLE64_SIZE = 2n * BigInt(GiB);

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
export function pcFwCfgFiles(
  config: MachineConfig,
  below4g: number,
  above4g: number,
  romFiles: FwCfgFile[] = [],
  hpetBlockId: number | null = null,
  cpuid1: { eax: number; edx: number } = { eax: 0, edx: 0 },
): FwCfgFile[] {
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
  // The 64-bit PCI window starts above RAM and device memory, at a GiB boundary (QEMU's
  // pc_pci_hole64_start).
  const hole64 = Math.ceil((dm ? dm.base + dm.size : 2 ** 32 + above4g) / GiB) * GiB;
  const acpi = buildAcpiTables({
    cpus: config.smp.cpus,
    maxCpus: config.smp.maxCpus,
    below4g,
    pciHole64Start: BigInt(hole64),
    pciHole64Size: PCI_HOLE64_SIZE,
    hpet: hpetBlockId !== null,
    hpetBlockId: hpetBlockId ?? 0,
    com1: config.serials[0] != null,
    com2: config.serials[1] != null,
  });
  files.push(
    { name: ACPI_TABLES_FILE, data: acpi.tables },
    { name: ACPI_RSDP_FILE, data: acpi.rsdp },
    { name: ACPI_LOADER_FILE, data: acpi.loader },
  );
  const ranges: [number, number][] = [[0, below4g]];
  if (above4g > 0) ranges.push([2 ** 32, above4g]);
  const smbios = buildSmbios({ ramSize: config.ramSize, ramRanges: ranges, cores: config.smp.maxCpus, cpuidEax: cpuid1.eax, cpuidEdx: cpuid1.edx });
  files.push({ name: SMBIOS_ANCHOR_FILE, data: smbios.anchor }, { name: SMBIOS_TABLES_FILE, data: smbios.tables });
  for (const f of config.fwCfgFiles) {
    if (files.some((g) => g.name === f.name)) throw new FwCfgFileError(`-fw_cfg: a file named '${f.name}' already exists`);
    files.push({ name: f.name, data: f.data });
  }
  return files;
}

export class FwCfgFileError extends Error {}
