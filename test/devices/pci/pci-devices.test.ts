// The pc's PCI functions at work: BARs moving in the flat view as firmware programs them (and
// the VGA's LFB following BAR0), the i440FX's PAM and SMRAM windows, PIIX3 PIRQ routing onto
// the 8259 and its reset control, the PIIX4 PM block (PMBASE, PM timer, PM1 status/enable/SCI,
// SMBus with an empty bus), and the fw_cfg file directory.
import { afterEach, describe, expect, it } from 'vitest';
import type { PcMachine } from '../../../src/machine/pc.js';
import { MemoryRegion, formatMtreeFlat } from '../../../src/memory/index.js';
import { PCIDevice } from '../../../src/devices/pci/pci-device.js';
import { PM_TIMER_FREQUENCY } from '../../../src/devices/pci/acpi-regs.js';
import { cfgRead, cfgWrite, newPc } from './pci-helpers.js';

let machine: PcMachine | null = null;
afterEach(() => machine?.shutdown());
function pc(...extra: string[]): PcMachine {
  machine = newPc(...extra);
  return machine;
}

const VGA = 0x10;
const PM = 0x0b;

describe('BARs', () => {
  it('map where the firmware puts them once the command register enables decoding, and move', () => {
    const m = pc();
    cfgWrite(m, VGA, 0x10, 0xe0000000);
    expect(formatMtreeFlat(m.sys)).not.toContain('vga.vram');
    cfgWrite(m, VGA, 0x04, 0x0002, 2); // memory decoding on
    const flat = formatMtreeFlat(m.sys);
    expect(flat).toContain('00000000e0000000-00000000e0ffffff (prio 1, ram): vga.vram');
    // The LFB is vram: a byte written there is in video RAM (and the VGA dirty log).
    m.memory.stb(0xe0000010, 0x5a);
    expect(m.vga!.vramPtr[0x10]).toBe(0x5a);
    cfgWrite(m, VGA, 0x10, 0xfd000000);
    expect(m.memory.ldub(0xfd000010)).toBe(0x5a);
    expect(m.memory.ldub(0xe0000010)).toBe(0);
    cfgWrite(m, VGA, 0x04, 0, 2);
    expect(m.memory.ldub(0xfd000010)).toBe(0);
  });

  it('the MMIO BAR reaches the VGA, Bochs VBE and QEMU extended registers', () => {
    const m = pc();
    cfgWrite(m, VGA, 0x18, 0xfebf0000);
    cfgWrite(m, VGA, 0x04, 0x0002, 2);
    expect(m.memory.lduw(0xfebf0500)).toBe(0xb0c5); // VBE_DISPI_INDEX_ID through the mmio BAR
    expect(m.memory.ldl(0xfebf0600)).toBe(8);
    expect(m.memory.ldl(0xfebf0604)).toBe(0x1e1e1e1e);
    m.memory.stb(0xfebf0400 + 0x0e, 0x06); // GR index 6 at 0x3ce
    expect(m.io.ldub(0x3ce)).toBe(0x06);
  });

  it('the ROM BAR shows the VGA BIOS while enabled', () => {
    const m = pc();
    if (!m.pciBoard.vga?.rom) return; // no vgabios-stdvga.bin on this host
    cfgWrite(m, VGA, 0x30, 0xfebe0001);
    cfgWrite(m, VGA, 0x04, 0x0002, 2);
    expect(m.memory.lduw(0xfebe0000)).toBe(0xaa55);
    cfgWrite(m, VGA, 0x30, 0xfebe0000);
    expect(m.memory.lduw(0xfebe0000)).toBe(0);
  });

  it('an I/O BAR maps into the I/O space: the IDE bus-master registers', () => {
    const m = pc();
    cfgWrite(m, 0x09, 0x20, 0xc000);
    cfgWrite(m, 0x09, 0x04, 0x0001, 2);
    m.io.stl(0xc004, 0x12345677);
    expect(m.io.ldl(0xc004)).toBe(0x12345674); // PRD address: dword aligned
    m.io.stb(0xc002, 0x66);
    expect(m.io.ldub(0xc002)).toBe(0x60); // DMA-capable bits stay, W1C bits clear
  });
});

describe('i440FX', () => {
  it('PAM: PCI (ROM) at reset, then RAM read-only, then RAM read-write', () => {
    const m = pc();
    const bios = m.memory.ldub(0xffff0);
    m.memory.stb(0xffff0, bios ^ 0xff); // ROM: ignored
    expect(m.memory.ldub(0xffff0)).toBe(bios);
    cfgWrite(m, 0, 0x59, 0x30, 1); // f0000: RAM read/write
    m.memory.stb(0xffff0, 0x42);
    expect(m.memory.ldub(0xffff0)).toBe(0x42);
    cfgWrite(m, 0, 0x59, 0x10, 1); // read-only: writes dropped
    m.memory.stb(0xffff0, 0x43);
    expect(m.memory.ldub(0xffff0)).toBe(0x42);
    cfgWrite(m, 0, 0x59, 0x00, 1); // back to the BIOS
    expect(m.memory.ldub(0xffff0)).toBe(bios);
    // Segment 0xc4000 is PAM1's high nibble.
    cfgWrite(m, 0, 0x5a, 0x30, 1);
    m.memory.stb(0xc4000, 0x77);
    expect(m.memory.ldub(0xc4000)).toBe(0x77);
    m.memory.stb(0xc0000, 0x77);
    expect(m.memory.ldub(0xc0000)).not.toBe(0x77);
  });

  it('SMRAM D_OPEN shows RAM at 0xa0000 instead of the VGA window', () => {
    const m = pc();
    m.memory.stb(0xa0000, 0x11); // vga-lowmem
    cfgWrite(m, 0, 0x72, 0x4a, 1);
    m.memory.stb(0xa0000, 0x99);
    expect(m.memory.ldub(0xa0000)).toBe(0x99);
    cfgWrite(m, 0, 0x72, 0x0a, 1);
    expect(m.memory.ldub(0xa0000)).not.toBe(0x99);
  });
});

describe('PIIX3', () => {
  it('routes a device INTx through PIRQ to the 8259, and drops it when the route is disabled', () => {
    const m = pc();
    const bus = m.pciBoard.bus;
    const dev = new PCIDevice(m.sys, 'test', 0x18, { vendor: 0x1234, device: 0x5678, classId: 0xff00, interruptPin: 1 });
    bus.plug(dev);
    // Slot 3, INTA -> PIRQ (0 + 3) & 3 = D -> 0x63.
    cfgWrite(m, 0x08, 0x63, 11, 1);
    m.io.stb(0x4d1, 0x08); // ELCR: IRQ 11 level-triggered
    m.io.stb(0xa1, 0x00);
    dev.setIrq(true);
    expect(m.pic.slave.irr & 0x08).toBe(0x08);
    expect(cfgRead(m, 0x18, 0x06, 2) & 0x08).toBe(0x08); // status: interrupt
    cfgWrite(m, 0x08, 0x63, 0x80, 1);
    expect(m.pic.slave.irr & 0x08).toBe(0);
    cfgWrite(m, 0x08, 0x63, 11, 1);
    expect(m.pic.slave.irr & 0x08).toBe(0x08);
    cfgWrite(m, 0x18, 0x04, 0x0400, 2); // INTx disable
    expect(m.pic.slave.irr & 0x08).toBe(0);
    cfgWrite(m, 0x18, 0x04, 0, 2);
    dev.setIrq(false);
    expect(m.pic.slave.irr & 0x08).toBe(0);
  });

  it('0xcf9: bit 2 resets, bit 1 is kept; a dword at 0xcf8 does not touch it', () => {
    const m = pc();
    let resets = 0;
    m.requestReset = () => void resets++;
    m.io.stl(0xcf8, 0x80000400);
    expect(resets).toBe(0);
    m.io.stb(0xcf9, 0x02);
    expect(m.io.ldub(0xcf9)).toBe(0x02);
    m.io.stb(0xcf9, 0x06);
    expect(resets).toBe(1);
  });
});

describe('PIIX4 PM', () => {
  function enablePm(m: PcMachine): void {
    cfgWrite(m, PM, 0x40, 0x601);
    cfgWrite(m, PM, 0x80, 0x01, 1);
  }

  it('the ACPI block appears at PMBASE only when PMREGMISC enables it', () => {
    const m = pc();
    cfgWrite(m, PM, 0x40, 0x601);
    expect(m.io.ldl(0x608)).toBe(0xffffffff);
    cfgWrite(m, PM, 0x80, 0x01, 1);
    expect(m.io.ldl(0x608)).toBeLessThan(0x1000000);
    cfgWrite(m, PM, 0x80, 0x00, 1);
    expect(m.io.ldl(0x608)).toBe(0xffffffff);
  });

  it('the PM timer counts 3.579545 MHz of guest time, 24 bits wide', () => {
    const m = pc();
    enablePm(m);
    const t0 = m.io.ldl(0x608);
    m.clock.advanceTo(m.clock.nowNs + 1e9);
    const t1 = m.io.ldl(0x608);
    expect((t1 - t0 + 0x1000000) % 0x1000000).toBe(PM_TIMER_FREQUENCY % 0x1000000);
  });

  it('TMR_STS is write-1-to-clear and, enabled, raises the SCI on IRQ 9 at the next overflow', () => {
    const m = pc();
    enablePm(m);
    expect(m.io.lduw(0x600) & 1).toBe(1); // QEMU: set after reset (overflow time 0)
    m.io.stw(0x600, 1);
    expect(m.io.lduw(0x600) & 1).toBe(0);
    m.io.stb(0x21, 0xfb);
    m.io.stb(0xa1, 0x00);
    m.io.stb(0x4d1, 0x02); // IRQ 9 level
    m.io.stw(0x602, 1); // TMR_EN
    expect(m.pic.slave.irr & 0x02).toBe(0);
    m.clock.advanceTo(m.clock.nowNs + Math.ceil((0x800000 / PM_TIMER_FREQUENCY) * 1e9) + 1);
    m.clock.runExpired();
    expect(m.io.lduw(0x600) & 1).toBe(1);
    expect(m.pic.slave.irr & 0x02).toBe(0x02);
    m.io.stw(0x600, 1);
    expect(m.pic.slave.irr & 0x02).toBe(0);
  });

  it('SLP_EN with SLP_TYP 0 powers the machine off', () => {
    const m = pc();
    enablePm(m);
    let status: number | null = null;
    m.requestExit = (s) => void (status = s);
    m.io.stw(0x604, 0x2000);
    expect(status).toBe(0);
    expect(m.io.lduw(0x604) & 0x2000).toBe(0);
  });

  it('APM commands ACPI_ENABLE (0xf1) and ACPI_DISABLE (0xf0) set and clear SCI_EN, as QEMU', () => {
    const m = pc();
    enablePm(m);
    expect(m.io.lduw(0x604) & 1).toBe(0);
    m.io.stb(0xb2, 0xf1);
    expect(m.io.lduw(0x604) & 1).toBe(1);
    expect(m.io.ldub(0xb2)).toBe(0xf1);
    m.io.stb(0xb2, 0x12); // any other command leaves it
    expect(m.io.lduw(0x604) & 1).toBe(1);
    m.io.stb(0xb2, 0xf0);
    expect(m.io.lduw(0x604) & 1).toBe(0);
  });

  it('the SMBus host at 0xb100: a command to an empty bus ends with DEV_ERR', () => {
    const m = pc();
    expect(m.io.ldub(0xb100)).toBe(0);
    m.io.stb(0xb104, 0xa1);
    m.io.stb(0xb102, 0x48); // byte data, START
    expect(m.io.ldub(0xb100) & 0x04).toBe(0x04);
    m.io.stb(0xb100, 0xff);
    expect(m.io.ldub(0xb100)).toBe(0);
    cfgWrite(m, PM, 0xd2, 0x08, 1); // SMBus decoding off
    expect(m.io.ldub(0xb100)).toBe(0xff);
  });
});

describe('fw_cfg files', () => {
  function readKey(m: PcMachine, key: number, n: number): number[] {
    m.io.stw(0x510, key);
    return Array.from({ length: n }, () => m.io.ldub(0x511));
  }

  it('the directory lists QEMU pc files sorted by name, keys from 0x20, and -fw_cfg files', () => {
    const m = pc('-m', '128', '-fw_cfg', 'name=opt/test,string=hello');
    const count = readKey(m, 0x19, 4).reduce((a, b) => a * 256 + b, 0);
    const files = Array.from({ length: count }, () => {
      const b = Array.from({ length: 64 }, () => m.io.ldub(0x511));
      return {
        size: ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0,
        key: (b[4]! << 8) | b[5]!,
        name: String.fromCharCode(...b.slice(8).filter((x) => x !== 0)),
      };
    });
    expect(files.map((f) => f.name)).toEqual([
      'bios-geometry',
      'bootorder',
      'etc/acpi/rsdp',
      'etc/acpi/tables',
      'etc/boot-fail-wait',
      'etc/e820',
      'etc/smbios/smbios-anchor',
      'etc/smbios/smbios-tables',
      'etc/system-states',
      'etc/table-loader',
      'opt/test',
    ]);
    expect(files.map((f) => f.key)).toEqual(files.map((_, i) => 0x20 + i));
    // The sizes QEMU 7.2's pc gives its ACPI blobs: RSDP rev 0, 128 KiB of tables, a 4 KiB loader.
    expect(files.filter((f) => f.name.startsWith('etc/acpi') || f.name === 'etc/table-loader').map((f) => f.size)).toEqual([20, 0x20000, 0x1000]);
    // etc/e820 as QEMU 7.2 has it at -m 128: one RAM entry from 0.
    expect(readKey(m, 0x25, 20)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(readKey(m, 0x24, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(String.fromCharCode(...readKey(m, 0x2a, 5))).toBe('hello');
    expect(readKey(m, 0x8002, 4)).toEqual([1, 0, 0, 0]); // IRQ0 override
  });
});

describe('a second device in a slot', () => {
  it('is refused with an error naming both', () => {
    const m = pc();
    const dev = new PCIDevice(m.sys, 'dup', 0x10, { vendor: 1, device: 2, classId: 3 });
    expect(() => m.pciBoard.bus.plug(dev)).toThrow(/slot 2 function 0 not available for dup, in use by VGA/);
    expect(MemoryRegion).toBeDefined();
  });
});
