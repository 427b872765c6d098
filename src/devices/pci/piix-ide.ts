// The PIIX3 IDE function, 00:01.1 (8086:7010, class 0101 prog-if 0x80), as QEMU's
// hw/ide/piix.c presents it for enumeration: BAR4 is the 16-byte bus-master DMA block (per
// channel: command, status, PRD table address). No drive is attached yet, so a started
// transfer finds nothing to move: the engine stays idle, as QEMU's does without a request.

import { MemoryRegion, type MemorySystem } from '../../memory/index.js';
import { PCIDevice } from './pci-device.js';
import type { PCIBus } from './pci-bus.js';
import { PCI_BASE_ADDRESS_SPACE_IO, PCI_STATUS_DEVSEL_MEDIUM, PCI_STATUS_FAST_BACK } from './pci-regs.js';
import { PIIX_IDE_VMSTATE } from './pci-vmstate.js';

const BM_CMD_START = 0x01;
const BM_CMD_READ = 0x08;
/** Status: active (read-only), error and interrupt (write 1 to clear), drive 0/1 DMA capable. */
const BM_STATUS_ERROR = 0x02;
const BM_STATUS_INT = 0x04;
const BM_STATUS_RW = 0x60;

class Bmdma {
  cmd = 0;
  status = 0;
  addr = 0;

  read(reg: number): number {
    if (reg === 0) return this.cmd;
    if (reg === 2) return this.status;
    if (reg >= 4) return (this.addr >>> (8 * (reg - 4))) & 0xff;
    return 0xff;
  }

  write(reg: number, v: number): void {
    if (reg === 0) this.cmd = v & (BM_CMD_START | BM_CMD_READ);
    else if (reg === 2) this.status = (this.status & ~BM_STATUS_RW & ~(v & (BM_STATUS_ERROR | BM_STATUS_INT))) | (v & BM_STATUS_RW);
    else if (reg >= 4) {
      const shift = 8 * (reg - 4);
      this.addr = ((this.addr & ~(0xff << shift)) | ((v & 0xff) << shift)) & ~3;
      this.addr >>>= 0;
    }
  }
}

export class PiixIde extends PCIDevice {
  readonly bmdma = [new Bmdma(), new Bmdma()];
  readonly bmdmaRegion: MemoryRegion;

  constructor(sys: MemorySystem, bus: PCIBus) {
    super(sys, 'piix3-ide', 0x09, { vendor: 0x8086, device: 0x7010, classId: 0x0101, progIf: 0x80 });
    this.config[0x06] = PCI_STATUS_FAST_BACK;
    this.config[0x07] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
    bus.plug(this);
    // QEMU's layout: a container with, per channel, command/status ("piix-bmdma") and the PRD
    // table address ("bmdma").
    this.bmdmaRegion = MemoryRegion.container(sys, 'piix3-ide', 'piix-bmdma-container', 16);
    this.bmdma.forEach((bm, ch) => {
      const ops = (base: number) => ({
        read: (addr: number, size: number) => {
          let v = 0;
          for (let k = 0; k < size; k++) v |= bm.read(base + addr + k) << (8 * k);
          return v >>> 0;
        },
        write: (addr: number, value: number, size: number) => {
          for (let k = 0; k < size; k++) bm.write(base + addr + k, (value >>> (8 * k)) & 0xff);
        },
        impl: { minAccessSize: 1, maxAccessSize: 4 },
      });
      this.bmdmaRegion.addSubregion(ch * 8, MemoryRegion.io(sys, 'piix3-ide', 'piix-bmdma', 4, ops(0)));
      this.bmdmaRegion.addSubregion(ch * 8 + 4, MemoryRegion.io(sys, 'piix3-ide', 'bmdma', 4, ops(4)));
    });
    this.registerBar(4, PCI_BASE_ADDRESS_SPACE_IO, this.bmdmaRegion);
    sys.vmstate.register(PIIX_IDE_VMSTATE, this);
  }

  override reset(): void {
    for (const b of this.bmdma) {
      b.cmd = 0;
      b.status = 0;
      b.addr = 0;
    }
    super.reset();
  }
}
