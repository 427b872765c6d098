// tcg86's DSDT for the pc (QEMU's build_dsdt for i440fx, without its PCI and CPU hotplug AML):
// \_SB.PCI0 with its windows, the PIIX3 ISA bridge's devices, the PIRQ link devices LNKA-D and
// LNKS with the _PRT QEMU's computes, the HPET, the processors, the sleep states.

import {
  cat,
  createDWordField,
  device,
  dma,
  dwordMemory,
  definitionBlock,
  eisaId,
  field,
  FIELD_BYTE_ACC,
  FIELD_PRESERVE,
  ifThen,
  int,
  interrupt,
  io,
  irqNoFlags,
  lLess,
  memory32Fixed,
  method,
  name,
  nameDecl,
  opRegion,
  or,
  pkgOf,
  qwordMemory,
  resourceTemplate,
  ret,
  scope,
  SPACE_PCI_CONFIG,
  store,
  str,
  and,
  arg,
  wordBusNumber,
  wordIO,
  buffer,
  processor,
  type Aml,
} from './aml.js';

export interface DsdtConfig {
  /** Possible CPUs (one processor object each) and how many are present. */
  cpus: number;
  maxCpus: number;
  below4g: number;
  /** Where the 64-bit PCI window starts and how long it is (0: none). */
  pciHole64Start: bigint;
  pciHole64Size: bigint;
  hpet: boolean;
  com1: boolean;
  com2: boolean;
}

export const ACPI_OEM_ID = 'BOCHS ';
export const ACPI_OEM_TABLE_ID = 'BXPC    ';
export const HPET_BASE = 0xfed00000;

/** The PIIX3's PIRQ lines as link devices; LNKS is the PIIX4 PM's SCI, wired to IRQ 9. */
function links(): Aml {
  const link = (n: number) =>
    device(
      `LNK${'ABCD'[n]}`,
      nameDecl('_HID', eisaId('PNP0C0F')),
      nameDecl('_UID', int(n)),
      nameDecl('_PRS', resourceTemplate(interrupt(true, false, true, [5, 10, 11]))),
      method('_STA', 0, false, ret(cat(name('IQST'), name(`PRQ${n}`)))),
      method('_DIS', 0, false, or(name(`PRQ${n}`), int(0x80), name(`PRQ${n}`))),
      method('_CRS', 0, false, ret(cat(name('IQCR'), name(`PRQ${n}`)))),
      method('_SRS', 1, false, createDWordField(arg(0), int(5), 'PRRI'), store(name('PRRI'), name(`PRQ${n}`))),
    );
  return cat(
    // A routing register with bit 7 set is disabled: _STA 9 (present, not enabled) then.
    method('IQST', 1, false, ifThen(and(int(0x80), arg(0)), ret(int(9))), ret(int(0x0b))),
    method(
      'IQCR',
      1,
      true,
      nameDecl('PRR0', resourceTemplate(interrupt(true, false, true, [0]))),
      createDWordField(name('PRR0'), int(5), 'PRRI'),
      ifThen(lLess(arg(0), int(0x80)), store(arg(0), name('PRRI'))),
      ret(name('PRR0')),
    ),
    link(0),
    link(1),
    link(2),
    link(3),
    device(
      'LNKS',
      nameDecl('_HID', eisaId('PNP0C0F')),
      nameDecl('_UID', int(4)),
      nameDecl('_PRS', resourceTemplate(interrupt(true, false, true, [9]))),
      method('_STA', 0, false, ret(int(0x0b))),
      method('_DIS', 0, false),
      method('_CRS', 0, false, ret(name('_PRS'))),
      method('_SRS', 1, false),
    ),
  );
}

/**
 * _PRT: slot s, pin p goes to link (s + p) & 3 (D, A, B, C for 0..3), as the PIIX3 swizzles;
 * slot 1 pin A (the PIIX4 PM function's SCI) is LNKS. QEMU computes the same table in a loop.
 */
function prt(): Aml {
  const entries: Aml[] = [];
  for (let slot = 0; slot < 32; slot++) {
    for (let pin = 0; pin < 4; pin++) {
      const sel = (slot + pin) & 3;
      const lnk = slot === 1 && pin === 0 ? 'LNKS' : `LNK${'DABC'[sel]}`;
      entries.push(pkgOf(int(((slot << 16) | 0xffff) >>> 0), int(pin), name(lnk), int(0)));
    }
  }
  return nameDecl('_PRT', pkgOf(...entries));
}

function isaDevices(cfg: DsdtConfig): Aml {
  const com = (n: number, base: number, irq: number) =>
    device(
      `COM${n}`,
      nameDecl('_HID', eisaId('PNP0501')),
      nameDecl('_UID', int(n)),
      nameDecl('_STA', int(0x0f)),
      nameDecl('_CRS', resourceTemplate(io(base, base, 0, 8), irqNoFlags(irq))),
    );
  return cat(
    opRegion('P40C', SPACE_PCI_CONFIG, 0x60, 4),
    device(
      'KBD',
      nameDecl('_HID', eisaId('PNP0303')),
      nameDecl('_STA', int(0x0f)),
      nameDecl('_CRS', resourceTemplate(io(0x60, 0x60, 1, 1), io(0x64, 0x64, 1, 1), irqNoFlags(1))),
    ),
    device('MOU', nameDecl('_HID', eisaId('PNP0F13')), nameDecl('_STA', int(0x0f)), nameDecl('_CRS', resourceTemplate(irqNoFlags(12)))),
    device(
      'FDC0',
      nameDecl('_HID', eisaId('PNP0700')),
      nameDecl('_CRS', resourceTemplate(io(0x3f2, 0x3f2, 0, 4), io(0x3f7, 0x3f7, 0, 1), irqNoFlags(6), dma(2))),
    ),
    device('RTC', nameDecl('_HID', eisaId('PNP0B00')), nameDecl('_CRS', resourceTemplate(io(0x70, 0x70, 1, 8), irqNoFlags(8)))),
    cfg.com1 ? com(1, 0x3f8, 4) : new Uint8Array(0),
    cfg.com2 ? com(2, 0x2f8, 3) : new Uint8Array(0),
  );
}

function pciCrs(cfg: DsdtConfig): Aml {
  const descs = [
    wordBusNumber(0, 0xff),
    io(0xcf8, 0xcf8, 1, 8),
    wordIO(0x0000, 0x0cf7),
    wordIO(0x0d00, 0xffff),
    dwordMemory(0xa0000, 0xbffff, 1),
    dwordMemory(cfg.below4g, 0xfebfffff, 0),
  ];
  if (cfg.pciHole64Size > 0n) descs.push(qwordMemory(cfg.pciHole64Start, cfg.pciHole64Start + cfg.pciHole64Size - 1n, 1));
  return nameDecl('_CRS', resourceTemplate(...descs));
}

function processors(cfg: DsdtConfig): Aml {
  const cpus: Aml[] = [];
  for (let i = 0; i < cfg.maxCpus; i++) {
    const id = `C${i.toString(16).toUpperCase().padStart(3, '0')}`;
    // _MAT: the processor's MADT entry (enabled when present), as QEMU's.
    const mat = buffer(Uint8Array.from([0, 8, i, i, i < cfg.cpus ? 1 : 0, 0, 0, 0]));
    cpus.push(processor(id, i, 0, 0, nameDecl('_MAT', mat), method('_STA', 0, false, ret(int(i < cfg.cpus ? 0x0f : 0)))));
  }
  return device('\\_SB.CPUS', nameDecl('_HID', str('ACPI0010')), nameDecl('_CID', eisaId('PNP0A05')), ...cpus);
}

/** The DSDT as a complete table (checksum 0: the loader fills it in). */
export function buildDsdt(cfg: DsdtConfig): Uint8Array {
  const body = cat(
    scope(
      '\\_SB',
      device(
        'PCI0',
        nameDecl('_HID', eisaId('PNP0A03')),
        nameDecl('_ADR', int(0)),
        nameDecl('_UID', int(0)),
        pciCrs(cfg),
        prt(),
        device('ISA', nameDecl('_ADR', int(0x00010000)), isaDevices(cfg)),
      ),
      field('PCI0.ISA.P40C', FIELD_BYTE_ACC | FIELD_PRESERVE, [
        ['PRQ0', 8],
        ['PRQ1', 8],
        ['PRQ2', 8],
        ['PRQ3', 8],
      ]),
      links(),
      cfg.hpet
        ? device(
            'HPET',
            nameDecl('_HID', eisaId('PNP0103')),
            nameDecl('_UID', int(0)),
            nameDecl('_STA', int(0x0f)),
            nameDecl('_CRS', resourceTemplate(memory32Fixed(HPET_BASE, 0x400, false))),
          )
        : new Uint8Array(0),
    ),
    processors(cfg),
    scope('\\_GPE', nameDecl('_HID', str('ACPI0006'))),
    // SLP_TYP values of the PIIX4's PM1 control (QEMU's defaults: S3 and S4 enabled, S4 = 2).
    nameDecl('\\_S3', pkgOf(int(1), int(1), int(0), int(0))),
    nameDecl('\\_S4', pkgOf(int(2), int(2), int(0), int(0))),
    nameDecl('\\_S5', pkgOf(int(0), int(0), int(0), int(0))),
  );
  return definitionBlock('DSDT', 1, ACPI_OEM_ID, ACPI_OEM_TABLE_ID, body);
}
