// The ACPI tables tcg86 hands SeaBIOS (etc/acpi/tables, etc/acpi/rsdp, etc/table-loader) against
// what SeaBIOS installed from QEMU 7.2's on the same command line (test/golden/acpi, recorded by
// scripts/record-golden-acpi.mjs): FACS, FACP, APIC, HPET and WAET byte for byte once loaded at
// QEMU's address, RSDT and RSDP field for field (their pointers follow the DSDT, whose AML is
// tcg86's own), every checksum right; and the loader's commands in QEMU's format.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAcpiTables, runLoader, type AcpiConfig } from '../../../src/machine/acpi/acpi-build.js';
import { LOADER_ADD_CHECKSUM, LOADER_ADD_POINTER, LOADER_ALLOCATE, ZONE_FSEG, ZONE_HIGH } from '../../../src/machine/acpi/bios-linker.js';

const GOLD = path.resolve(import.meta.dirname, '../../golden/acpi');

/** QEMU's tables: signature -> bytes. */
function golden(name: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const line of fs.readFileSync(path.join(GOLD, `${name}.txt`), 'utf8').trim().split('\n')) {
    const [sig, hex] = line.split(' ') as [string, string];
    m.set(sig, Buffer.from(hex, 'hex'));
  }
  return m;
}

/** -nodefaults -vga std -m 128 as tcg86's board describes it. */
const CONFIG: AcpiConfig = {
  cpus: 1,
  maxCpus: 1,
  below4g: 128 * 1024 * 1024,
  pciHole64Start: 0x100000000n,
  pciHole64Size: 0x80000000n,
  hpet: true,
  hpetBlockId: 0x8086a201,
  com1: false,
  com2: false,
};

const sum = (b: Uint8Array) => b.reduce((s, x) => (s + x) & 0xff, 0);

function load(cfg: AcpiConfig, qemu: Map<string, Buffer>) {
  const files = buildAcpiTables(cfg);
  // Where SeaBIOS put QEMU's blob: the FACS address in QEMU's FACP.
  const base = qemu.get('FACP')!.readUInt32LE(36);
  const placed = runLoader(files, (file) => (file === 'etc/acpi/tables' ? base : 0xf59d0));
  const blob = Buffer.from(placed.get('etc/acpi/tables')!.data);
  const rsdp = Buffer.from(placed.get('etc/acpi/rsdp')!.data);
  const at = (addr: number) => blob.subarray(addr - base, addr - base + blob.readUInt32LE(addr - base + 4));
  const rsdt = at(rsdp.readUInt32LE(16));
  const tables = new Map<string, Buffer>([['RSDT', rsdt]]);
  for (let i = 36; i < rsdt.length; i += 4) {
    const t = at(rsdt.readUInt32LE(i));
    tables.set(t.subarray(0, 4).toString('latin1'), t);
  }
  tables.set('FACS', at(tables.get('FACP')!.readUInt32LE(36)));
  tables.set('DSDT', at(tables.get('FACP')!.readUInt32LE(40)));
  return { files, rsdp, tables };
}

describe('ACPI tables', () => {
  for (const [name, hpet] of [
    ['nodefaults', true],
    ['no-hpet', false],
  ] as const) {
    it(`${name}: the fixed tables are QEMU's byte for byte, RSDT/RSDP/DSDT header field for field`, () => {
      const qemu = golden(name);
      const { files, rsdp, tables } = load({ ...CONFIG, hpet }, qemu);
      expect(files.tables.length).toBe(0x20000);
      expect(files.rsdp.length).toBe(20);
      expect(files.loader.length).toBe(4096);
      for (const sig of ['FACS', 'FACP', 'APIC', 'WAET', ...(hpet ? ['HPET'] : [])]) {
        expect(tables.get(sig)?.toString('hex'), sig).toBe(qemu.get(sig)!.toString('hex'));
      }
      expect([...tables.keys()].sort()).toEqual([...qemu.keys()].filter((k) => k !== 'RSDP').sort());
      // RSDT: the same header fields and entries in the same order (their addresses differ).
      const rsdt = tables.get('RSDT')!;
      const qrsdt = qemu.get('RSDT')!;
      expect(rsdt.length).toBe(qrsdt.length);
      expect(rsdt.subarray(10, 36).toString('hex')).toBe(qrsdt.subarray(10, 36).toString('hex'));
      expect(rsdt.subarray(0, 9).toString('hex')).toBe(qrsdt.subarray(0, 9).toString('hex'));
      const dsdt = tables.get('DSDT')!;
      expect(dsdt.subarray(0, 4).toString()).toBe('DSDT');
      expect(dsdt[8]).toBe(qemu.get('DSDT')![8]);
      expect(dsdt.subarray(10, 36).toString('hex')).toBe(qemu.get('DSDT')!.subarray(10, 36).toString('hex'));
      // RSDP: signature, OEM id, revision 0.
      const qrsdp = qemu.get('RSDP')!;
      expect(rsdp.subarray(0, 8).toString('hex')).toBe(qrsdp.subarray(0, 8).toString('hex'));
      expect(rsdp.subarray(9, 16).toString('hex')).toBe(qrsdp.subarray(9, 16).toString('hex'));
      // Every checksum is right after loading.
      expect(sum(rsdp.subarray(0, 20))).toBe(0);
      for (const [sig, t] of tables) if (sig !== 'FACS') expect(sum(t), sig).toBe(0);
    });
  }

  it('the MADT lists every possible CPU, the present ones enabled (for -smp)', () => {
    const { tables } = load({ ...CONFIG, cpus: 2, maxCpus: 4 }, golden('nodefaults'));
    const madt = tables.get('APIC')!;
    const lapics: number[][] = [];
    for (let i = 44; i < madt.length; i += madt[i + 1]!) if (madt[i] === 0) lapics.push([madt[i + 2]!, madt[i + 3]!, madt.readUInt32LE(i + 4)]);
    expect(lapics).toEqual([
      [0, 0, 1],
      [1, 1, 1],
      [2, 2, 0],
      [3, 3, 0],
    ]);
  });

  it("the loader's commands: allocate the tables (64, high) and the RSDP (16, F segment), pointers, checksums", () => {
    const { files } = load(CONFIG, golden('nodefaults'));
    const cmds: string[] = [];
    const v = new DataView(files.loader.buffer, files.loader.byteOffset);
    const name = (at: number) => Buffer.from(files.loader.subarray(at, at + 56)).toString('latin1').replace(/\0.*$/s, '');
    for (let off = 0; off < files.loader.length; off += 128) {
      const cmd = v.getUint32(off, true);
      if (cmd === LOADER_ALLOCATE) cmds.push(`alloc ${name(off + 4)} ${v.getUint32(off + 60, true)} ${files.loader[off + 64]}`);
      else if (cmd === LOADER_ADD_POINTER) cmds.push(`pointer ${name(off + 4)} -> ${name(off + 60)} size ${files.loader[off + 120]}`);
      else if (cmd === LOADER_ADD_CHECKSUM) cmds.push(`checksum ${name(off + 4)}`);
      else expect(cmd).toBe(0);
    }
    expect(cmds[0]).toBe(`alloc etc/acpi/tables 64 ${ZONE_HIGH}`);
    expect(cmds).toContain(`alloc etc/acpi/rsdp 16 ${ZONE_FSEG}`);
    expect(cmds.filter((c) => c === 'pointer etc/acpi/tables -> etc/acpi/tables size 4').length).toBe(2 + 4); // FACP's two, RSDT's four
    expect(cmds.filter((c) => c.startsWith('checksum')).length).toBe(7); // DSDT FACP APIC HPET WAET RSDT RSDP
    expect(cmds.at(-2)).toBe('pointer etc/acpi/rsdp -> etc/acpi/tables size 4');
  });
});
