// The ISA DMA controllers (QEMU's hw/dma/i8257.c): an 8-bit 8237 at 0x00-0x0f (channels 0-3)
// and a 16-bit one at 0xc0-0xdf (channels 4-7, ports a word apart), with the page registers at
// 0x81-0x8f. A device holds DREQ on its channel and is called back with the transfer position
// while the channel is unmasked; its bytes move through the `memory` address space, so DMA into
// code invalidates translated blocks and marks pages dirty like a CPU store.

import { type AddressSpace, type MemoryRegion, type MemorySystem, type VMStateDescription } from '../memory/index.js';
import { PortioList } from './portio.js';

const ADDR = 0;
const COUNT = 1;
/** Page register port (low 3 bits) -> channel: 0x81 ch2, 0x82 ch3, 0x83 ch1, 0x87 ch0. */
const PAGE_CHANNELS = [-1, 2, 3, 1, -1, -1, -1, 0];

/** Called with the channel, the position so far and the transfer size; returns the new position. */
export type DmaTransferHandler = (nchan: number, pos: number, size: number) => number;

class DmaChannel {
  /** Current address and bytes done, and the programmed base address and count. */
  readonly now = [0, 0];
  readonly base = [0, 0];
  mode = 0;
  page = 0;
  handler: DmaTransferHandler | null = null;
}

export class I8257 {
  readonly regs = [new DmaChannel(), new DmaChannel(), new DmaChannel(), new DmaChannel()];
  status = 0;
  command = 0;
  mask = 0xff;
  flipFlop = 0;
  private running = false;
  private readonly lists: PortioList[];

  constructor(
    sys: MemorySystem,
    private readonly mem: AddressSpace,
    readonly dshift: 0 | 1,
    base: number,
    pageBase: number,
  ) {
    const chanLen = 8 << dshift;
    this.lists = [
      new PortioList(sys, 'dma', 'dma-chan', [{ offset: 0, len: chanLen, size: 1, read: (p) => this.readChan(p - base), write: (p, v) => this.writeChan(p - base, v) }], base),
      new PortioList(sys, 'dma', 'dma-cont', [{ offset: 0, len: chanLen, size: 1, read: (p) => this.readCont(p - base - chanLen), write: (p, v) => this.writeCont(p - base - chanLen, v) }], base + chanLen),
      new PortioList(
        sys,
        'dma',
        'dma-page',
        [
          { offset: 1, len: 3, size: 1, read: (p) => this.readPage(p), write: (p, v) => this.writePage(p, v) },
          { offset: 7, len: 1, size: 1, read: (p) => this.readPage(p), write: (p, v) => this.writePage(p, v) },
        ],
        pageBase,
      ),
    ];
  }

  map(ioRoot: MemoryRegion): void {
    for (const l of this.lists) l.map(ioRoot);
  }

  /** A device's channel handler (QEMU's register_channel). */
  registerChannel(nchan: number, handler: DmaTransferHandler): void {
    this.regs[nchan & 3]!.handler = handler;
  }

  reset(): void {
    this.writeCont(0x05 << this.dshift, 0);
  }

  private readChan(nport: number): number {
    const iport = (nport >> this.dshift) & 0x0f;
    const r = this.regs[iport >> 1]!;
    const dir = (r.mode >> 5) & 1 ? -1 : 1;
    const ff = this.flipFlop;
    const val = iport & 1 ? (r.base[COUNT]! << this.dshift) - r.now[COUNT]! : r.now[ADDR]! + r.now[COUNT]! * dir;
    this.flipFlop ^= 1;
    return (val >> (this.dshift + (ff << 3))) & 0xff;
  }

  private writeChan(nport: number, data: number): void {
    const iport = (nport >> this.dshift) & 0x0f;
    const r = this.regs[iport >> 1]!;
    const nreg = iport & 1;
    if (this.flipFlop) {
      r.base[nreg] = (r.base[nreg]! & 0x00ff) | ((data & 0xff) << 8);
      // A complete address or count starts the channel over.
      r.now[ADDR] = r.base[ADDR]! << this.dshift;
      r.now[COUNT] = 0;
    } else {
      r.base[nreg] = (r.base[nreg]! & 0xff00) | (data & 0xff);
    }
    this.flipFlop ^= 1;
  }

  private writeCont(nport: number, data: number): void {
    const iport = (nport >> this.dshift) & 0x0f;
    switch (iport) {
      case 0x00: // command: memory-to-memory and friends are not supported (QEMU ignores them too)
        if (data !== 0 && data & 0xf5) return;
        this.command = data;
        break;
      case 0x01: {
        const ichan = data & 3;
        if (data & 4) this.status |= 1 << (ichan + 4);
        else this.status &= ~(1 << (ichan + 4));
        this.status &= ~(1 << ichan);
        this.run();
        break;
      }
      case 0x02: // single mask
        if (data & 4) this.mask |= 1 << (data & 3);
        else this.mask &= ~(1 << (data & 3));
        this.run();
        break;
      case 0x03:
        this.regs[data & 3]!.mode = data & 0xff;
        break;
      case 0x04:
        this.flipFlop = 0;
        break;
      case 0x05: // master clear
        this.flipFlop = 0;
        this.mask = 0xff;
        this.status = 0;
        this.command = 0;
        break;
      case 0x06:
        this.mask = 0;
        this.run();
        break;
      case 0x07:
        this.mask = data & 0xff;
        this.run();
        break;
    }
  }

  private readCont(nport: number): number {
    const iport = (nport >> this.dshift) & 0x0f;
    if (iport === 0x00) {
      const val = this.status;
      this.status &= 0xf0; // reading clears the terminal-count bits
      return val;
    }
    if (iport === 0x01) return this.mask;
    return 0;
  }

  private writePage(port: number, data: number): void {
    const ichan = PAGE_CHANNELS[port & 7]!;
    if (ichan >= 0) this.regs[ichan]!.page = data & 0xff;
  }

  private readPage(port: number): number {
    const ichan = PAGE_CHANNELS[port & 7]!;
    return ichan >= 0 ? this.regs[ichan]!.page : 0;
  }

  /** A device asks for service on its channel: the transfer runs now if the channel is unmasked. */
  holdDREQ(nchan: number): void {
    this.status |= 1 << ((nchan & 3) + 4);
    this.run();
  }

  releaseDREQ(nchan: number): void {
    this.status &= ~(1 << ((nchan & 3) + 4));
  }

  private run(): void {
    if (this.running) return;
    this.running = true;
    for (let ichan = 0; ichan < 4; ichan++) {
      const bit = 1 << ichan;
      if (!(this.mask & bit) && this.status & (bit << 4)) this.channelRun(ichan);
    }
    this.running = false;
  }

  private channelRun(ichan: number): void {
    const r = this.regs[ichan]!;
    if (!r.handler) return;
    const size = (r.base[COUNT]! + 1) << this.dshift;
    const n = r.handler(ichan + (this.dshift << 2), r.now[COUNT]!, size);
    r.now[COUNT] = n;
    if (n === size) this.status |= 1 << ichan; // terminal count
  }

  private address(r: DmaChannel): number {
    return ((r.page << 16) | r.now[ADDR]!) >>> 0;
  }

  /** Device-to-memory bytes at transfer position `pos` (QEMU's i8257_dma_write_memory). */
  writeMemory(nchan: number, buf: Uint8Array, pos: number): number {
    const r = this.regs[nchan & 3]!;
    const addr = this.address(r);
    if (r.mode & 0x20) {
      // Address decrement: the block lands below the address, reversed.
      this.mem.write(addr - pos - buf.length, buf);
      buf.reverse();
    } else this.mem.write(addr + pos, buf);
    return buf.length;
  }

  /** Memory-to-device bytes at transfer position `pos`. */
  readMemory(nchan: number, buf: Uint8Array, pos: number): number {
    const r = this.regs[nchan & 3]!;
    const addr = this.address(r);
    if (r.mode & 0x20) {
      this.mem.read(addr - pos - buf.length, buf);
      buf.reverse();
    } else this.mem.read(addr + pos, buf);
    return buf.length;
  }
}

const DMA_CHANNEL_VMSTATE: VMStateDescription = {
  name: 'dma_chan',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'now', type: 'float64-list' },
    { name: 'base', type: 'float64-list' },
    { name: 'mode', type: 'uint8' },
    { name: 'page', type: 'uint8' },
  ],
};

/** QEMU's vmstate_dma (one section per controller). */
export const I8257_VMSTATE: VMStateDescription = {
  name: 'dma',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'command', type: 'uint8' },
    { name: 'mask', type: 'uint8' },
    { name: 'flipFlop', type: 'uint8' },
    { name: 'status', type: 'uint8' },
    { name: 'regs', type: 'struct-array', vmsd: DMA_CHANNEL_VMSTATE },
  ],
  unmigrated: ['dshift', 'running'],
};
