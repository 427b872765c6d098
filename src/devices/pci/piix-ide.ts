// The PIIX3 IDE function, 00:01.1 (8086:7010, class 0101 prog-if 0x80), as QEMU's hw/ide/piix.c:
// the two legacy channels (0x1f0/0x3f6 on IRQ 14, 0x170/0x376 on IRQ 15) and BAR4, the 16-byte
// bus-master DMA block (per channel: command, status, PRD table address). A started engine
// walks the guest's PRD table and moves data through the `memory` address space
// (address_space_map/unmap), so DMA into code invalidates translated blocks and marks pages
// dirty for VGA and migration, as CPU stores do.

import { MemoryRegion, type AddressSpace, type MemorySystem } from '../../memory/index.js';
import { PCIDevice } from './pci-device.js';
import type { PCIBus } from './pci-bus.js';
import { PCI_BASE_ADDRESS_SPACE_IO, PCI_STATUS_DEVSEL_MEDIUM, PCI_STATUS_FAST_BACK } from './pci-regs.js';
import { PIIX_IDE_VMSTATE } from './pci-vmstate.js';
import { IrqLine } from '../irq.js';
import { IDEBus, type DriveKind, type IDEState, type IdeDma } from '../ide/ide-core.js';
import { DMA_CB_NONE } from '../ide/dma-callbacks.js';
import type { BlockBackend } from '../../block/block-backend.js';

const BM_CMD_START = 0x01;
const BM_CMD_READ = 0x08;
/** Status: active (read-only), error and interrupt (write 1 to clear), drive 0/1 DMA capable. */
const BM_STATUS_DMAING = 0x01;
const BM_STATUS_ERROR = 0x02;
const BM_STATUS_INT = 0x04;
const BM_STATUS_RW = 0x60;
/** A PRD table is read at most one page past its start (QEMU's fail safe). */
const BMDMA_PAGE_SIZE = 4096;
const PCI_COMMAND_MASTER = 0x04;

/** A drive given on the command line for a slot: bus*2+unit. */
export interface IdeDriveSpec {
  blk: BlockBackend;
  kind: DriveKind;
}

class Bmdma implements IdeDma {
  cmd = 0;
  status = 0;
  addr = 0;
  curAddr = 0;
  curPrdLast = false;
  curPrdAddr = 0;
  curPrdLen = 0;
  /** The transfer a started engine continues (DMA_CB_*), and for which drive. */
  dmaCb = DMA_CB_NONE;
  unit = 0;
  private readonly prd = new Uint8Array(8);

  constructor(
    private readonly dev: PiixIde,
    readonly bus: IDEBus,
  ) {}

  read(reg: number): number {
    if (reg === 0) return this.cmd;
    if (reg === 2) return this.status;
    if (reg >= 4) return (this.addr >>> (8 * (reg - 4))) & 0xff;
    return 0xff;
  }

  write(reg: number, v: number): void {
    if (reg === 0) this.writeCmd(v);
    else if (reg === 2) this.status = (this.status & ~BM_STATUS_RW & ~(v & (BM_STATUS_ERROR | BM_STATUS_INT))) | (v & BM_STATUS_RW);
    else if (reg >= 4) {
      const shift = 8 * (reg - 4);
      this.addr = ((this.addr & ~(0xff << shift)) | ((v & 0xff) << shift)) & ~3;
      this.addr >>>= 0;
    }
  }

  private writeCmd(val: number): void {
    // Writing START with its current value changes nothing.
    if ((val & BM_CMD_START) !== (this.cmd & BM_CMD_START)) {
      if (!(val & BM_CMD_START)) {
        // Requests complete at once, so there is nothing in flight to cancel.
        this.status &= ~BM_STATUS_DMAING;
      } else {
        this.curAddr = this.addr;
        if (!(this.status & BM_STATUS_DMAING)) {
          this.status |= BM_STATUS_DMAING;
          if (this.dmaCb !== DMA_CB_NONE) this.bus.ifs[this.unit]!.dmaCallback(this.dmaCb);
        }
      }
    }
    this.cmd = val & (BM_CMD_START | BM_CMD_READ);
  }

  /** An interrupt from the channel also sets the engine's INT bit (QEMU's bmdma_irq). */
  irqRaised(): void {
    this.status |= BM_STATUS_INT;
  }

  startDma(s: IDEState, cb: number): void {
    this.dmaCb = cb;
    this.unit = s.unit;
    this.curPrdLast = false;
    this.curPrdAddr = 0;
    this.curPrdLen = 0;
    if (this.status & BM_STATUS_DMAING) s.dmaCallback(cb);
  }

  /** Fetch the next PRD; false at the end of the table. */
  private nextPrd(): boolean {
    if (this.curPrdLast || this.curAddr - this.addr >= BMDMA_PAGE_SIZE) return false;
    this.dev.dmaRead(this.curAddr, this.prd);
    this.curAddr = (this.curAddr + 8) >>> 0;
    const p = this.prd;
    const addr = (p[0]! | (p[1]! << 8) | (p[2]! << 16) | (p[3]! << 24)) >>> 0;
    const size = (p[4]! | (p[5]! << 8) | (p[6]! << 16) | (p[7]! << 24)) >>> 0;
    const len = size & 0xfffe;
    this.curPrdLen = len === 0 ? 0x10000 : len;
    this.curPrdAddr = addr;
    this.curPrdLast = (size & 0x80000000) !== 0;
    return true;
  }

  prepareBuf(s: IDEState, limit: number): number {
    s.sgAddr.length = 0;
    s.sgLen.length = 0;
    s.sgSize = 0;
    s.ioBufferSize = 0;
    for (;;) {
      if (this.curPrdLen === 0 && !this.nextPrd()) return s.sgSize;
      const l = this.curPrdLen;
      // Whole PRDs are consumed; the list stops at the request's size.
      const sgLen = Math.min(limit - s.sgSize, l);
      if (sgLen > 0) {
        s.sgAddr.push(this.curPrdAddr);
        s.sgLen.push(sgLen);
        s.sgSize += sgLen;
      }
      this.curPrdAddr = (this.curPrdAddr + l) >>> 0;
      this.curPrdLen = 0;
      s.ioBufferSize += l;
    }
  }

  rwBuf(s: IDEState, toMemory: boolean): boolean {
    for (;;) {
      let l = s.ioBufferSize - s.ioBufferIndex;
      if (l <= 0) return true;
      if (this.curPrdLen === 0 && !this.nextPrd()) return false;
      l = Math.min(l, this.curPrdLen);
      const chunk = s.ioBuffer.subarray(s.ioBufferIndex, s.ioBufferIndex + l);
      if (toMemory) this.dev.dmaWrite(this.curPrdAddr, chunk);
      else this.dev.dmaRead(this.curPrdAddr, chunk);
      this.curPrdAddr = (this.curPrdAddr + l) >>> 0;
      this.curPrdLen -= l;
      s.ioBufferIndex += l;
    }
  }

  sgCopy(s: IDEState, data: Uint8Array, toMemory: boolean): void {
    let off = 0;
    for (let i = 0; i < s.sgAddr.length; i++) {
      this.dev.dmaCopy(s.sgAddr[i]!, data.subarray(off, off + s.sgLen[i]!), toMemory);
      off += s.sgLen[i]!;
    }
  }

  setInactive(more: boolean): void {
    this.dmaCb = DMA_CB_NONE;
    if (more) this.status |= BM_STATUS_DMAING;
    else this.status &= ~BM_STATUS_DMAING;
  }

  reset(): void {
    this.cmd = 0;
    this.status = 0;
    this.addr = 0;
    this.curAddr = 0;
    this.curPrdLast = false;
    this.curPrdAddr = 0;
    this.curPrdLen = 0;
    this.dmaCb = DMA_CB_NONE;
    this.unit = 0;
  }
}

export class PiixIde extends PCIDevice {
  readonly buses: [IDEBus, IDEBus];
  readonly bmdma: [Bmdma, Bmdma];
  /** The four drive slots (primary master, primary slave, secondary master, secondary slave). */
  readonly drives: IDEState[];
  readonly bmdmaRegion: MemoryRegion;

  constructor(
    sys: MemorySystem,
    bus: PCIBus,
    private readonly dma: AddressSpace,
    irqs: { primary: IrqLine; secondary: IrqLine },
    specs: readonly (IdeDriveSpec | null)[] = [],
  ) {
    super(sys, 'piix3-ide', 0x09, { vendor: 0x8086, device: 0x7010, classId: 0x0101, progIf: 0x80 });
    this.config[0x06] = PCI_STATUS_FAST_BACK;
    this.config[0x07] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
    bus.plug(this);
    const bmdmas: Bmdma[] = [];
    // Every channel interrupt also sets its engine's INT status bit (QEMU's bmdma_irq).
    const chanIrq = (n: number, line: IrqLine) =>
      new IrqLine((level: boolean) => {
        if (level) bmdmas[n]!.irqRaised();
        line.set(level);
      });
    this.buses = [
      new IDEBus(sys, 0, [specs[0] ?? null, specs[1] ?? null], chanIrq(0, irqs.primary), 0x1f0, 0x3f6),
      new IDEBus(sys, 1, [specs[2] ?? null, specs[3] ?? null], chanIrq(1, irqs.secondary), 0x170, 0x376),
    ];
    this.bmdma = [new Bmdma(this, this.buses[0]), new Bmdma(this, this.buses[1])];
    bmdmas.push(...this.bmdma);
    this.buses[0].dma = this.bmdma[0];
    this.buses[1].dma = this.bmdma[1];
    this.drives = [...this.buses[0].ifs, ...this.buses[1].ifs];
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

  /** The legacy ports, on the ISA I/O space whatever the command register says (as QEMU). */
  mapLegacy(ioRoot: MemoryRegion): void {
    this.buses[0].map(ioRoot);
    this.buses[1].map(ioRoot);
  }

  private get busMaster(): boolean {
    return (this.config[0x04]! & PCI_COMMAND_MASTER) !== 0;
  }

  /** Bus-master reads; with bus mastering off the device sees nothing (zeros). */
  dmaRead(addr: number, buf: Uint8Array): void {
    if (this.busMaster) this.dma.read(addr, buf);
    else buf.fill(0);
  }

  dmaWrite(addr: number, buf: Uint8Array): void {
    if (this.busMaster) this.dma.write(addr, buf);
  }

  /** Move `data` to or from guest memory through mappings (bounce-buffered outside RAM). */
  dmaCopy(addr: number, data: Uint8Array, toMemory: boolean): void {
    if (!this.busMaster) {
      if (!toMemory) data.fill(0);
      return;
    }
    let off = 0;
    while (off < data.length) {
      const m = this.dma.map(addr + off, data.length - off, toMemory);
      if (!m || m.len === 0) {
        // Nothing mappable (or the bounce buffer is held): byte-wise through the space.
        if (toMemory) this.dma.write(addr + off, data.subarray(off));
        else this.dma.read(addr + off, data.subarray(off));
        return;
      }
      if (toMemory) m.view.set(data.subarray(off, off + m.len));
      else data.set(m.view.subarray(0, m.len), off);
      this.dma.unmap(m, m.len);
      off += m.len;
    }
  }

  /** Flush every drive's image (guest FLUSH CACHE aside: exit and monitor quit). */
  flushAll(): void {
    for (const d of this.drives) d.blk?.flush();
  }

  override reset(): void {
    this.buses[0].reset();
    this.buses[1].reset();
    super.reset();
  }
}
