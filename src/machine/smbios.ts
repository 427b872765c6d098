// The SMBIOS tables QEMU 7.2's pc-i440fx-7.2 gives its firmware (hw/smbios/smbios.c with the pc
// defaults): fw_cfg's etc/smbios/smbios-tables (types 1, 3, 4 per socket, 16, 17 per 16 GiB
// DIMM, 19 per RAM range, 32, 127; no type 0, which SeaBIOS adds) and etc/smbios/smbios-anchor
// (a 2.8 32-bit entry point whose address and checksums the firmware fills in).

export const SMBIOS_TABLES_FILE = 'etc/smbios/smbios-tables';
export const SMBIOS_ANCHOR_FILE = 'etc/smbios/smbios-anchor';

const MANUFACTURER = 'QEMU';
const PRODUCT = 'Standard PC (i440FX + PIIX, 1996)';
/** The machine type behind `-machine pc` (QEMU's version string in types 1, 3 and 4). */
export const MACHINE_VERSION = 'pc-i440fx-7.2';
/** QEMU's default smbios_cpu_max_speed / current speed (MHz). */
const CPU_SPEED_MHZ = 2000;
const MAX_DIMM = 16 * 1024 ** 3;
const KiB = 1024;

export interface SmbiosConfig {
  ramSize: number;
  /** RAM ranges of the e820 map: [start, length] in bytes. */
  ramRanges: [number, number][];
  /**
   * Cores of the one socket: QEMU 7.2 parses `-smp N` as 1 socket of N cores (maxcpus of them),
   * and type 4 gives the core count, all enabled, and one thread per core.
   */
  cores: number;
  /** CPUID leaf 1 EAX and EDX of the first CPU (the processor ID of type 4). */
  cpuidEax: number;
  cpuidEdx: number;
}

/** One structure: formatted bytes, then its strings (each NUL-terminated) and a final NUL. */
class Structure {
  private readonly f: number[] = [];
  private readonly strings: string[] = [];

  constructor(type: number, handle: number) {
    this.f.push(type, 0);
    this.u(handle, 2);
  }

  u(value: number | bigint, size: number): this {
    const v = BigInt(value);
    for (let k = 0; k < size; k++) this.f.push(Number((v >> BigInt(8 * k)) & 0xffn));
    return this;
  }

  /** A string field: its index, or 0 for none. */
  s(text: string | null): this {
    if (!text) return this.u(0, 1);
    this.strings.push(text);
    return this.u(this.strings.length, 1);
  }

  bytes(): Uint8Array {
    this.f[1] = this.f.length;
    const enc = new TextEncoder();
    const parts = this.strings.length ? this.strings.flatMap((s) => [...enc.encode(s), 0]) : [0];
    return Uint8Array.from([...this.f, ...parts, 0]);
  }
}

export function buildSmbios(cfg: SmbiosConfig): { tables: Uint8Array; anchor: Uint8Array } {
  const structs: Uint8Array[] = [];
  // Type 1: system information; UUID all zeros (no -uuid), woken by the power switch.
  structs.push(new Structure(1, 0x100).s(MANUFACTURER).s(PRODUCT).s(MACHINE_VERSION).s(null).u(0, 16).u(6, 1).s(null).s(null).bytes());
  // Type 3: chassis "other", safe states, security unknown.
  structs.push(
    new Structure(3, 0x300).s(MANUFACTURER).u(1, 1).s(MACHINE_VERSION).s(null).s(null).u(3, 1).u(3, 1).u(3, 1).u(2, 1).u(0, 4).u(0, 1).u(0, 1).u(0, 1).u(0, 1).s(null).bytes(),
  );
  // Type 4: one per socket (QEMU's default topology for -smp N has one).
  for (let i = 0; i < 1; i++) {
    structs.push(
      new Structure(4, 0x400 + i)
        .s(`CPU ${i}`)
        .u(3, 1) // central processor
        .u(1, 1) // family: other (family2 says the same)
        .s(MANUFACTURER)
        .u(cfg.cpuidEax >>> 0, 4)
        .u(cfg.cpuidEdx >>> 0, 4)
        .s(MACHINE_VERSION)
        .u(0, 1) // voltage
        .u(0, 2) // external clock: unknown
        .u(CPU_SPEED_MHZ, 2)
        .u(CPU_SPEED_MHZ, 2)
        .u(0x41, 1) // populated, enabled
        .u(1, 1) // upgrade: other
        .u(0xffff, 2)
        .u(0xffff, 2)
        .u(0xffff, 2)
        .s(null)
        .s(null)
        .s(null)
        .u(cfg.cores, 1)
        .u(cfg.cores, 1) // enabled
        .u(cfg.cores, 1) // threads: one per core
        .u(2, 2) // characteristics: unknown
        .u(1, 2) // family2: other
        .bytes(),
    );
  }
  // Type 16: the memory array (capacity in KiB), one device per 16 GiB.
  const dimms = Math.max(1, Math.ceil(cfg.ramSize / MAX_DIMM));
  const capKiB = cfg.ramSize / KiB;
  structs.push(
    new Structure(16, 0x1000)
      .u(1, 1) // location: other
      .u(3, 1) // system memory
      .u(6, 1) // multi-bit ECC
      .u(capKiB < 2 ** 31 ? capKiB : 0x80000000, 4)
      .u(0xfffe, 2) // no error information
      .u(dimms, 2)
      .u(capKiB < 2 ** 31 ? 0 : cfg.ramSize, 8)
      .bytes(),
  );
  // Type 17: the DIMMs (size in MiB, or the extended size past 32 GiB - 1 MiB).
  for (let i = 0; i < dimms; i++) {
    const size = Math.min(MAX_DIMM, cfg.ramSize - i * MAX_DIMM);
    const mib = Math.floor(size / 1024 ** 2);
    structs.push(
      new Structure(17, 0x1100 + i)
        .u(0x1000, 2) // memory array
        .u(0xfffe, 2)
        .u(0xffff, 2) // total width unknown
        .u(0xffff, 2) // data width unknown
        .u(mib < 0x7fff ? mib : 0x7fff, 2)
        .u(9, 1) // DIMM
        .u(0, 1)
        .s(`DIMM ${i}`)
        .s(null)
        .u(7, 1) // RAM
        .u(2, 2) // type detail: other
        .u(0, 2) // speed unknown
        .s(MANUFACTURER)
        .s(null)
        .s(null)
        .s(null)
        .u(0, 1) // attributes
        .u(mib < 0x7fff ? 0 : mib, 4)
        .u(0, 2) // configured speed
        .u(0, 2)
        .u(0, 2)
        .u(0, 2)
        .bytes(),
    );
  }
  // Type 19: each RAM range of the e820 map, in KiB (extended fields past 4 TiB).
  cfg.ramRanges.forEach(([start, len], i) => {
    const s = start / KiB;
    const e = (start + len) / KiB - 1;
    const small = e < 2 ** 32;
    structs.push(
      new Structure(19, 0x1300 + i)
        .u(small ? s : 0xffffffff, 4)
        .u(small ? e : 0xffffffff, 4)
        .u(0x1000, 2)
        .u(1, 1) // partition width
        .u(small ? 0 : start, 8)
        .u(small ? 0 : start + len - 1, 8)
        .bytes(),
    );
  });
  structs.push(new Structure(32, 0x2000).u(0, 6).u(0, 1).bytes()); // boot: no errors
  structs.push(new Structure(127, 0x7f00).bytes());

  const tables = new Uint8Array(structs.reduce((n, t) => n + t.length, 0));
  let at = 0;
  for (const t of structs) {
    tables.set(t, at);
    at += t.length;
  }
  const maxSize = Math.max(...structs.map((t) => t.length));
  const anchor = new Uint8Array(31);
  const v = new DataView(anchor.buffer);
  anchor.set(new TextEncoder().encode('_SM_'), 0);
  anchor[5] = 31; // entry point length
  anchor[6] = 2; // SMBIOS 2.8
  anchor[7] = 8;
  v.setUint16(8, maxSize, true);
  anchor.set(new TextEncoder().encode('_DMI_'), 16);
  v.setUint16(22, tables.length, true);
  v.setUint16(28, structs.length, true);
  anchor[30] = 0x28;
  return { tables, anchor };
}
