// The ACPI tables QEMU 7.2's acpi-build.c gives a pc-i440fx machine, as the fw_cfg files
// etc/acpi/tables (FACS, DSDT, FACP rev 1, APIC, HPET, WAET, RSDT, padded to 128 KiB),
// etc/acpi/rsdp (RSDP rev 0, for the F segment) and etc/table-loader (the linker commands).
// Every table but the DSDT is field for field QEMU's (checked against QEMU's memory after SeaBIOS).

import { BiosLinker, ZONE_FSEG, ZONE_HIGH } from './bios-linker.js';
import { ACPI_OEM_ID, ACPI_OEM_TABLE_ID, buildDsdt, HPET_BASE, type DsdtConfig } from './dsdt.js';

export const ACPI_TABLES_FILE = 'etc/acpi/tables';
export const ACPI_RSDP_FILE = 'etc/acpi/rsdp';
export const ACPI_LOADER_FILE = 'etc/table-loader';
/** QEMU's ACPI_BUILD_TABLE_SIZE: the tables blob is padded to this. */
const TABLE_SIZE = 0x20000;

/** The PIIX4 PM block where SeaBIOS puts it when the machine gives it ACPI tables. */
export const PM_IO_BASE = 0x600;
const GPE0_BLK = 0xafe0;
const GPE0_LEN = 4;
const SCI_IRQ = 9;
const SMI_CMD = 0xb2;
const ACPI_ENABLE = 0xf1;
const ACPI_DISABLE = 0xf0;
const RTC_CENTURY = 0x32;
const APIC_DEFAULT_ADDRESS = 0xfee00000;
const IOAPIC_ADDRESS = 0xfec00000;

export interface AcpiConfig extends DsdtConfig {
  /** The HPET's event_timer_block_id (its capability's low half). */
  hpetBlockId: number;
}

export interface AcpiFiles {
  tables: Uint8Array;
  rsdp: Uint8Array;
  loader: Uint8Array;
}

/** A growing table blob (QEMU's GArray table_data). */
class Blob {
  bytes = new Uint8Array(TABLE_SIZE);
  len = 0;

  append(data: Uint8Array): number {
    const at = this.len;
    this.bytes.set(data, at);
    this.len += data.length;
    return at;
  }

  alignTo(n: number): void {
    this.len = Math.ceil(this.len / n) * n;
  }
}

/** Little-endian fields written in order (QEMU's build_append_int_noprefix). */
class Fields {
  private readonly out: number[] = [];

  u(value: number | bigint, size: number): this {
    const v = BigInt(value);
    for (let k = 0; k < size; k++) this.out.push(Number((v >> BigInt(8 * k)) & 0xffn));
    return this;
  }

  s(text: string): this {
    for (const c of text) this.out.push(c.charCodeAt(0));
    return this;
  }

  get length(): number {
    return this.out.length;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** A table: the standard header (length set, checksum 0) followed by `body`. */
function table(signature: string, revision: number, body: Uint8Array): Uint8Array {
  const h = new Fields()
    .s(signature)
    .u(36 + body.length, 4)
    .u(revision, 1)
    .u(0, 1)
    .s(ACPI_OEM_ID)
    .s(ACPI_OEM_TABLE_ID)
    .u(1, 4)
    .s('BXPC')
    .u(1, 4);
  const out = new Uint8Array(36 + body.length);
  out.set(h.bytes());
  out.set(body, 36);
  return out;
}

/** FADT revision 1 (QEMU keeps rev 1 for PIIX4: "w2k requires FADT(rev1)"). */
function fadtBody(): Uint8Array {
  return new Fields()
    .u(0, 4) // FIRMWARE_CTRL: the FACS (linker)
    .u(0, 4) // DSDT (linker)
    .u(1, 1) // INT_MODEL: multiple APIC
    .u(0, 1) // preferred PM profile: unspecified
    .u(SCI_IRQ, 2)
    .u(SMI_CMD, 4)
    .u(ACPI_ENABLE, 1)
    .u(ACPI_DISABLE, 1)
    .u(0, 1) // S4BIOS_REQ
    .u(0, 1) // PSTATE_CNT
    .u(PM_IO_BASE, 4) // PM1a_EVT_BLK
    .u(0, 4)
    .u(PM_IO_BASE + 4, 4) // PM1a_CNT_BLK
    .u(0, 4)
    .u(0, 4) // PM2_CNT_BLK
    .u(PM_IO_BASE + 8, 4) // PM_TMR_BLK
    .u(GPE0_BLK, 4)
    .u(0, 4) // GPE1_BLK
    .u(4, 1) // PM1_EVT_LEN
    .u(2, 1) // PM1_CNT_LEN
    .u(0, 1) // PM2_CNT_LEN
    .u(4, 1) // PM_TMR_LEN
    .u(GPE0_LEN, 1)
    .u(0, 1) // GPE1_BLK_LEN
    .u(0, 1) // GPE1_BASE
    .u(0, 1) // CST_CNT
    .u(0xfff, 2) // P_LVL2_LAT: C2 not supported
    .u(0xfff, 2) // P_LVL3_LAT: C3 not supported
    .u(0, 2) // FLUSH_SIZE
    .u(0, 2) // FLUSH_STRIDE
    .u(0, 1) // DUTY_OFFSET
    .u(0, 1) // DUTY_WIDTH
    .u(0, 1) // DAY_ALRM
    .u(0, 1) // MON_ALRM
    .u(RTC_CENTURY, 1)
    .u(0, 2) // IAPC_BOOT_ARCH: reserved in rev 1
    .u(0, 1)
    .u(FADT_FLAGS, 4)
    .bytes();
}

/** WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, USE_PLATFORM_CLOCK (QEMU's init_common_fadt_data). */
const FADT_FLAGS = (1 << 0) | (1 << 2) | (1 << 5) | (1 << 7) | (1 << 15);

/** The MADT: local APICs, the I/O APIC, QEMU's interrupt source overrides, LINT1 as NMI. */
function madtBody(cpus: number, maxCpus: number): Uint8Array {
  const f = new Fields().u(APIC_DEFAULT_ADDRESS, 4).u(1, 4); // PCAT_COMPAT: there are 8259s too
  for (let i = 0; i < maxCpus; i++) f.u(0, 1).u(8, 1).u(i, 1).u(i, 1).u(i < cpus ? 1 : 0, 4);
  f.u(1, 1).u(12, 1).u(0, 1).u(0, 1).u(IOAPIC_ADDRESS, 4).u(0, 4);
  // IRQ 0 is on GSI 2; the PCI-routed IRQs 5, 9, 10 and 11 are level, active high.
  f.u(2, 1).u(10, 1).u(0, 1).u(0, 1).u(2, 4).u(0, 2);
  for (const irq of [5, 9, 10, 11]) f.u(2, 1).u(10, 1).u(0, 1).u(irq, 1).u(irq, 4).u(0x0d, 2);
  f.u(4, 1).u(6, 1).u(0xff, 1).u(0, 2).u(1, 1);
  return f.bytes();
}

/** The HPET table: block id, its address as a GAS in system memory, number 0, no min tick. */
function hpetBody(blockId: number): Uint8Array {
  return new Fields().u(blockId, 4).u(0, 1).u(0, 1).u(0, 1).u(0, 1).u(HPET_BASE, 8).u(0, 1).u(0, 2).u(0, 1).bytes();
}

/** Build the three fw_cfg files. */
export function buildAcpiTables(cfg: AcpiConfig): AcpiFiles {
  const blob = new Blob();
  const rsdp = new Uint8Array(20);
  const files = new Map<string, Uint8Array>([
    [ACPI_TABLES_FILE, blob.bytes],
    [ACPI_RSDP_FILE, rsdp],
  ]);
  const linker = new BiosLinker(files);
  // FACS first and 64-byte aligned, as the spec wants (QEMU aligns the whole blob to 64).
  linker.alloc(ACPI_TABLES_FILE, 64, ZONE_HIGH);
  const addTable = (t: Uint8Array): number => {
    const at = blob.append(t);
    linker.addChecksum(ACPI_TABLES_FILE, at, t.length, at + 9);
    return at;
  };

  const facs = blob.append(new Fields().s('FACS').u(64, 4).u(0, 56).bytes());
  const dsdt = addTable(buildDsdt(cfg));

  const fadt = blob.append(table('FACP', 1, fadtBody()));
  linker.addPointer(ACPI_TABLES_FILE, fadt + 36, 4, ACPI_TABLES_FILE, facs);
  linker.addPointer(ACPI_TABLES_FILE, fadt + 40, 4, ACPI_TABLES_FILE, dsdt);
  linker.addChecksum(ACPI_TABLES_FILE, fadt, 36 + fadtBody().length, fadt + 9);

  const pointed = [fadt, addTable(table('APIC', 1, madtBody(cfg.cpus, cfg.maxCpus)))];
  if (cfg.hpet) pointed.push(addTable(table('HPET', 1, hpetBody(cfg.hpetBlockId))));
  // WAET: "the PM timer is good" (one read gives a consistent value), so Windows reads it once.
  pointed.push(addTable(table('WAET', 1, new Fields().u(2, 4).bytes())));

  const rsdtBody = new Uint8Array(4 * pointed.length);
  const rsdt = blob.append(table('RSDT', 1, rsdtBody));
  pointed.forEach((t, i) => linker.addPointer(ACPI_TABLES_FILE, rsdt + 36 + 4 * i, 4, ACPI_TABLES_FILE, t));
  linker.addChecksum(ACPI_TABLES_FILE, rsdt, 36 + rsdtBody.length, rsdt + 9);

  rsdp.set(new Fields().s('RSD PTR ').u(0, 1).s(ACPI_OEM_ID).u(0, 1).u(0, 4).bytes());
  linker.alloc(ACPI_RSDP_FILE, 16, ZONE_FSEG);
  linker.addPointer(ACPI_RSDP_FILE, 16, 4, ACPI_TABLES_FILE, rsdt);
  linker.addChecksum(ACPI_RSDP_FILE, 0, 20, 8);

  if (blob.len > TABLE_SIZE) throw new RangeError(`ACPI tables of ${blob.len} bytes exceed ${TABLE_SIZE}`);
  return { tables: blob.bytes, rsdp, loader: linker.blob() };
}

/** Apply the loader as a firmware would (tests): place each file, patch pointers, checksum. */
export function runLoader(files: AcpiFiles, place: (file: string, align: number, zone: number, size: number) => number): Map<string, { addr: number; data: Uint8Array }> {
  const byName = new Map<string, Uint8Array>([
    [ACPI_TABLES_FILE, files.tables.slice()],
    [ACPI_RSDP_FILE, files.rsdp.slice()],
  ]);
  const placed = new Map<string, { addr: number; data: Uint8Array }>();
  const dec = new TextDecoder();
  const fileAt = (c: Uint8Array, at: number) => dec.decode(c.subarray(at, at + 56)).replace(/\0.*$/s, '');
  for (let off = 0; off < files.loader.length; off += 128) {
    const c = files.loader.subarray(off, off + 128);
    const v = new DataView(c.buffer, c.byteOffset, 128);
    const cmd = v.getUint32(0, true);
    if (cmd === 1) {
      const name = fileAt(c, 4);
      const data = byName.get(name)!;
      placed.set(name, { addr: place(name, v.getUint32(60, true), c[64]!, data.length), data });
    } else if (cmd === 2) {
      const dest = placed.get(fileAt(c, 4))!;
      const src = placed.get(fileAt(c, 60))!;
      const at = v.getUint32(116, true);
      const dv = new DataView(dest.data.buffer, dest.data.byteOffset);
      dv.setUint32(at, (dv.getUint32(at, true) + src.addr) >>> 0, true);
    } else if (cmd === 3) {
      const f = placed.get(fileAt(c, 4))!;
      const start = v.getUint32(64, true);
      const len = v.getUint32(68, true);
      let sum = 0;
      for (let i = start; i < start + len; i++) sum += f.data[i]!;
      const at = v.getUint32(60, true);
      f.data[at] = (f.data[at]! - sum) & 0xff;
    }
  }
  return placed;
}
