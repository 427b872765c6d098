// The floppy controller of QEMU's pc (isa-fdc, hw/block/fdc.c: an i82078 at 0x3f0, IRQ 6, DMA
// channel 2) with up to two drives. Command, execution and result phases through the FIFO at
// 0x3f5 with the main status register's RQM/DIO/busy bits; READ/WRITE by DMA (or PIO when the
// guest turns DMA off), SEEK, RECALIBRATE, SENSE INTERRUPT (four after a reset), READ ID (after
// 20 ms of guest time, as QEMU's result timer), SPECIFY, SENSE DRIVE STATUS, CONFIGURE, LOCK,
// DUMPREG, VERSION, PART ID, PERPENDICULAR MODE; other commands answer "invalid".

import type { MemoryRegion, MemorySystem, VMStateDescription } from '../memory/index.js';
import { Timer, type VirtualClock } from './clock.js';
import type { IrqLine } from './irq.js';
import { PortioList } from './portio.js';
import type { I8257 } from './i8257.js';
import type { BlockBackend } from '../block/block-backend.js';

const FD_SECTOR_LEN = 512;
const FD_RESET_SENSEI_COUNT = 4;
// Status register 0 / 1.
const FD_SR0_DS0 = 0x01;
const FD_SR0_DS1 = 0x02;
const FD_SR0_HEAD = 0x04;
const FD_SR0_SEEK = 0x20;
const FD_SR0_ABNTERM = 0x40;
const FD_SR0_INVCMD = 0x80;
const FD_SR0_RDYCHG = 0xc0;
const FD_SR1_MA = 0x01;
const FD_SR1_NW = 0x02;
const FD_SR1_EC = 0x80;
// Registers.
const FD_SRA_nDRV2 = 0x40;
const FD_SRA_INTPEND = 0x80;
const FD_SRB_MTR0 = 0x01;
const FD_SRB_MTR1 = 0x02;
const FD_SRB_DR0 = 0x20;
const FD_DOR_SELMASK = 0x01;
const FD_DOR_nRESET = 0x04;
const FD_DOR_DMAEN = 0x08;
const FD_DOR_MOTEN0 = 0x10;
const FD_DOR_MOTEN1 = 0x20;
const FD_TDR_BOOTSEL = 0x0c;
const FD_DSR_DRATEMASK = 0x03;
const FD_DSR_PWRDOWN = 0x40;
const FD_DSR_SWRESET = 0x80;
const FD_MSR_CMDBUSY = 0x10;
const FD_MSR_NONDMA = 0x20;
const FD_MSR_DIO = 0x40;
const FD_MSR_RQM = 0x80;
const FD_DIR_DSKCHG = 0x80;
const FD_CONFIG_EIS = 0x40;
const FD_CONFIG_EFIFO = 0x20;
// Data direction and phases.
const FD_DIR_WRITE = 0;
const FD_DIR_READ = 1;
const PHASE_COMMAND = 1;
const PHASE_EXECUTION = 2;
const PHASE_RESULT = 3;
const FD_STATE_MULTI = 0x01;
const FDC_DMA_CHANNEL = 2;

/** A medium's format (QEMU's fd_formats for the sizes tcg86 accepts) and the drive type it implies. */
export interface FloppyFormat {
  sectors: number;
  lastSect: number;
  maxTrack: number;
  /** Data rate code (DSR bits 0-1): 500K 0, 300K 1, 250K 2, 1M 3. */
  rate: number;
  /** CMOS drive type (QEMU's cmos_get_fd_drive_type): 1.2M 2, 1.44M 4, 2.88M 5. */
  cmosType: number;
  name: string;
}

export const FLOPPY_FORMATS: readonly FloppyFormat[] = [
  { sectors: 2880, lastSect: 18, maxTrack: 80, rate: 0, cmosType: 4, name: '1.44M' },
  { sectors: 5760, lastSect: 36, maxTrack: 80, rate: 3, cmosType: 5, name: '2.88M' },
  { sectors: 1440, lastSect: 9, maxTrack: 80, rate: 2, cmosType: 4, name: '720K' },
  { sectors: 2400, lastSect: 15, maxTrack: 80, rate: 0, cmosType: 2, name: '1.2M' },
  { sectors: 720, lastSect: 9, maxTrack: 40, rate: 1, cmosType: 2, name: '360K' },
];

export class FloppyDrive {
  head = 0;
  track = 0;
  sect = 1;
  perpendicular = 0;
  mediaChanged = true;
  readonly lastSect: number;
  readonly maxTrack: number;
  readonly mediaRate: number;
  readonly ro: boolean;

  constructor(
    readonly blk: BlockBackend | null,
    readonly format: FloppyFormat | null,
  ) {
    this.lastSect = format?.lastSect ?? 0;
    this.maxTrack = format?.maxTrack ?? 0;
    this.mediaRate = format?.rate ?? 0;
    this.ro = blk?.readonly ?? false;
  }

  /** Linear sector of the head's position (two sides always). */
  get sector(): number {
    return (this.track * 2 + this.head) * this.lastSect + this.sect - 1;
  }

  recalibrate(): void {
    this.head = 0;
    this.track = 0;
    this.sect = 1;
  }

  /** QEMU's fd_seek: 0 done, 1 moved to another track, 2 bad head/track or no medium, 3 sector too big. */
  seek(head: number, track: number, sect: number): number {
    if (track > this.maxTrack || (head !== 0 && !this.format)) return 2;
    if (sect > this.lastSect) return 3;
    const sector = (track * 2 + head) * this.lastSect + sect - 1;
    let ret = 0;
    if (sector !== this.sector) {
      this.head = head;
      if (this.track !== track) {
        if (this.blk) this.mediaChanged = false;
        ret = 1;
      }
      this.track = track;
      this.sect = sect;
    }
    return this.blk ? ret : 2;
  }
}

/** Find the format of a floppy image by its size. */
export function floppyFormat(bytes: number): FloppyFormat | null {
  return FLOPPY_FORMATS.find((f) => f.sectors * 512 === bytes) ?? null;
}

type Handler = (fd: Fdc, direction: number) => void;

export class Fdc {
  sra = 0;
  srb = 0xc0;
  dor = FD_DOR_nRESET | FD_DOR_DMAEN;
  tdr = 0;
  dsr = 0;
  msr = FD_MSR_RQM;
  curDrv = 0;
  status0 = 0;
  phase = PHASE_COMMAND;
  readonly fifo = new Uint8Array(FD_SECTOR_LEN);
  dataPos = 0;
  dataLen = 0;
  dataState = 0;
  dataDir = FD_DIR_WRITE;
  eot = 0;
  timer0 = 0;
  timer1 = 0;
  precompTrk = 0;
  config = FD_CONFIG_EIS | FD_CONFIG_EFIFO;
  lock = 0;
  resetSensei = 0;
  readonly drives: [FloppyDrive, FloppyDrive];
  private readonly resultTimer: Timer;
  private readonly ports: PortioList;

  constructor(
    sys: MemorySystem,
    private readonly clock: VirtualClock,
    private readonly irq: IrqLine,
    private readonly dma: I8257,
    drives: [FloppyDrive, FloppyDrive],
  ) {
    this.drives = drives;
    this.resultTimer = new Timer(clock, () => this.resultTimerFired());
    dma.registerChannel(FDC_DMA_CHANNEL, (_n, pos, size) => this.transferHandler(pos, size));
    this.ports = new PortioList(
      sys,
      'isa-fdc',
      'fdc',
      [
        { offset: 1, len: 5, size: 1, read: (p) => this.read(p), write: (p, v) => this.write(p, v) },
        { offset: 7, len: 1, size: 1, read: (p) => this.read(p), write: (p, v) => this.write(p, v) },
      ],
      0x3f0,
    );
    sys.vmstate.register(FDC_VMSTATE, this);
  }

  map(ioRoot: MemoryRegion): void {
    this.ports.map(ioRoot);
  }

  get cur(): FloppyDrive {
    return this.drives[this.curDrv]!;
  }

  // ---- registers ----

  read(port: number): number {
    switch (port & 7) {
      case 0:
        return this.sra;
      case 1:
        return this.srb;
      case 2:
        return this.dor | this.curDrv;
      case 3:
        return this.tdr;
      case 4: {
        const v = this.msr;
        this.dsr &= ~FD_DSR_PWRDOWN;
        this.dor |= FD_DOR_nRESET;
        return v;
      }
      case 5:
        return this.readData();
      case 7:
        return this.cur.blk && this.cur.mediaChanged ? FD_DIR_DSKCHG : 0;
      default:
        return 0xff;
    }
  }

  write(port: number, v: number): void {
    switch (port & 7) {
      case 2:
        return this.writeDor(v);
      case 3:
        if (this.dor & FD_DOR_nRESET) this.tdr = v & FD_TDR_BOOTSEL;
        return;
      case 4:
        if (!(this.dor & FD_DOR_nRESET)) return;
        if (v & FD_DSR_SWRESET) {
          this.dor &= ~FD_DOR_nRESET;
          this.reset(true);
          this.dor |= FD_DOR_nRESET;
        }
        if (v & FD_DSR_PWRDOWN) this.reset(true);
        this.dsr = v;
        return;
      case 5:
        return this.writeData(v);
      case 7: // configuration control: the data rate
        if (this.dor & FD_DOR_nRESET) this.dsr = (this.dsr & ~FD_DSR_DRATEMASK) | (v & FD_DSR_DRATEMASK);
        return;
    }
  }

  private writeDor(v: number): void {
    this.srb = v & FD_DOR_MOTEN0 ? this.srb | FD_SRB_MTR0 : this.srb & ~FD_SRB_MTR0;
    this.srb = v & FD_DOR_MOTEN1 ? this.srb | FD_SRB_MTR1 : this.srb & ~FD_SRB_MTR1;
    this.srb = v & 1 ? this.srb | FD_SRB_DR0 : this.srb & ~FD_SRB_DR0;
    // Leaving the reset state resets the controller (with its interrupt).
    if (v & FD_DOR_nRESET && !(this.dor & FD_DOR_nRESET)) {
      this.reset(true);
      this.dsr &= ~FD_DSR_PWRDOWN;
    }
    this.curDrv = v & FD_DOR_SELMASK;
    this.dor = v;
  }

  /** QEMU's fdctrl_reset; `doIrq`: a software reset interrupts and owes four SENSE INTERRUPTs. */
  reset(doIrq = false): void {
    this.resetIrq();
    this.sra = this.drives[1].blk ? 0 : FD_SRA_nDRV2;
    this.srb = 0xc0;
    this.curDrv = 0;
    this.dor = FD_DOR_nRESET | FD_DOR_DMAEN;
    this.msr = FD_MSR_RQM;
    this.resetSensei = 0;
    this.resultTimer.del();
    this.dataPos = 0;
    this.dataLen = 0;
    this.dataState = 0;
    this.dataDir = FD_DIR_WRITE;
    for (const d of this.drives) d.recalibrate();
    this.toCommandPhase();
    if (doIrq) {
      this.status0 |= FD_SR0_RDYCHG;
      this.raiseIrq();
      this.resetSensei = FD_RESET_SENSEI_COUNT;
    }
  }

  /** Power-on / system reset (QEMU's fdctrl_external_reset): no interrupt. */
  powerOnReset(): void {
    this.tdr = 0;
    this.dsr = 0;
    this.timer0 = this.timer1 = this.precompTrk = this.lock = this.eot = 0;
    this.config = FD_CONFIG_EIS | FD_CONFIG_EFIFO;
    this.reset(false);
  }

  private raiseIrq(): void {
    if (!(this.sra & FD_SRA_INTPEND)) {
      this.irq.raise();
      this.sra |= FD_SRA_INTPEND;
    }
    this.resetSensei = 0;
  }

  private resetIrq(): void {
    this.status0 = 0;
    if (!(this.sra & FD_SRA_INTPEND)) return;
    this.irq.lower();
    this.sra &= ~FD_SRA_INTPEND;
  }

  toCommandPhase(): void {
    this.phase = PHASE_COMMAND;
    this.dataDir = FD_DIR_WRITE;
    this.dataPos = 0;
    this.dataLen = 1;
    this.msr &= ~(FD_MSR_CMDBUSY | FD_MSR_DIO);
    this.msr |= FD_MSR_RQM;
  }

  toResultPhase(len: number): void {
    this.phase = PHASE_RESULT;
    this.dataDir = FD_DIR_READ;
    this.dataLen = len;
    this.dataPos = 0;
    this.msr |= FD_MSR_CMDBUSY | FD_MSR_RQM | FD_MSR_DIO;
  }

  stopTransfer(status0: number, status1: number, status2: number): void {
    const cur = this.cur;
    this.status0 &= ~(FD_SR0_DS0 | FD_SR0_DS1 | FD_SR0_HEAD);
    this.status0 |= this.curDrv;
    if (cur.head) this.status0 |= FD_SR0_HEAD;
    this.status0 |= status0;
    this.fifo[0] = this.status0;
    this.fifo[1] = status1;
    this.fifo[2] = status2;
    this.fifo[3] = cur.track;
    this.fifo[4] = cur.head;
    this.fifo[5] = cur.sect;
    this.fifo[6] = 2; // 512-byte sectors
    this.dataDir = FD_DIR_READ;
    if (!(this.msr & FD_MSR_NONDMA)) this.dma.releaseDREQ(FDC_DMA_CHANNEL);
    this.msr |= FD_MSR_RQM | FD_MSR_DIO;
    this.msr &= ~FD_MSR_NONDMA;
    this.toResultPhase(7);
    this.raiseIrq();
  }

  // ---- the FIFO ----

  private readData(): number {
    this.dsr &= ~FD_DSR_PWRDOWN;
    if (!(this.msr & FD_MSR_RQM) || !(this.msr & FD_MSR_DIO)) return 0;
    const cur = this.cur;
    if (this.phase === PHASE_EXECUTION) {
      // PIO read: each sector is fetched as its first byte is taken.
      const pos = this.dataPos % FD_SECTOR_LEN;
      if (pos === 0) {
        if (this.dataPos !== 0 && !this.seekToNextSect(cur)) return 0;
        if (!cur.blk || cur.blk.read(cur.sector * 512, this.fifo) < 0) this.fifo.fill(0);
      }
      const v = this.fifo[pos]!;
      if (++this.dataPos === this.dataLen) {
        this.dataPos = 0;
        this.stopTransfer(0, 0, 0);
      }
      return v;
    }
    const v = this.fifo[this.dataPos]!;
    if (++this.dataPos === this.dataLen) {
      this.dataPos = 0;
      this.toCommandPhase();
      this.resetIrq();
    }
    return v;
  }

  private writeData(value: number): void {
    if (!(this.dor & FD_DOR_nRESET)) return;
    if (!(this.msr & FD_MSR_RQM) || this.msr & FD_MSR_DIO) return;
    this.dsr &= ~FD_DSR_PWRDOWN;
    if (this.phase === PHASE_EXECUTION) {
      // PIO write.
      const pos = this.dataPos++ % FD_SECTOR_LEN;
      this.fifo[pos] = value;
      if (this.dataPos === this.dataLen) this.msr &= ~FD_MSR_RQM;
      const cur = this.cur;
      if (pos === FD_SECTOR_LEN - 1 || this.dataPos === this.dataLen) {
        if (!cur.blk || cur.blk.write(cur.sector * 512, this.fifo) < 0) return;
        if (!this.seekToNextSect(cur)) return;
      }
      if (this.dataPos === this.dataLen) this.stopTransfer(0, 0, 0);
      return;
    }
    if (this.dataPos === 0) {
      const h = findCommand(value);
      this.dataLen = h.params + 1;
      this.msr |= FD_MSR_CMDBUSY;
    }
    this.fifo[this.dataPos++] = value;
    if (this.dataPos === this.dataLen) {
      this.phase = PHASE_EXECUTION;
      const h = findCommand(this.fifo[0]!);
      h.run(this, h.direction);
    }
  }

  // ---- transfers ----

  /** READ/WRITE: seek, size the transfer, then DMA (the channel runs at once) or PIO. */
  startTransfer(direction: number): void {
    this.curDrv = this.fifo[1]! & FD_DOR_SELMASK;
    const cur = this.cur;
    const kt = this.fifo[2]!;
    const kh = this.fifo[3]!;
    const ks = this.fifo[4]!;
    const fail = (s1: number) => {
      this.stopTransfer(FD_SR0_ABNTERM, s1, 0);
      this.fifo[3] = kt;
      this.fifo[4] = kh;
      this.fifo[5] = ks;
    };
    const r = cur.seek(kh, kt, ks);
    if (r === 2) return fail(0);
    if (r === 3) return fail(FD_SR1_EC);
    if (r === 1) this.status0 |= FD_SR0_SEEK;
    // The programmed data rate must match the medium.
    if ((this.dsr & FD_DSR_DRATEMASK) !== cur.mediaRate) return fail(FD_SR1_MA);
    this.dataDir = direction;
    this.dataPos = 0;
    if (this.fifo[0]! & 0x80) this.dataState |= FD_STATE_MULTI;
    else this.dataState &= ~FD_STATE_MULTI;
    if (this.fifo[5] === 0) this.dataLen = this.fifo[8]!;
    else {
      this.dataLen = 128 << Math.min(this.fifo[5]!, 7);
      let tmp = this.fifo[6]! - ks + 1;
      if (tmp < 0) return fail(FD_SR1_MA);
      if (this.fifo[0]! & 0x80) tmp += this.fifo[6]!;
      this.dataLen *= tmp;
    }
    this.eot = this.fifo[6]!;
    if (this.dor & FD_DOR_DMAEN) {
      // Nothing moves through the FIFO until the DMA channel has run.
      this.msr &= ~FD_MSR_RQM;
      this.dma.holdDREQ(FDC_DMA_CHANNEL);
      return;
    }
    this.msr |= FD_MSR_NONDMA | FD_MSR_RQM;
    if (direction !== FD_DIR_WRITE) this.msr |= FD_MSR_DIO;
    this.raiseIrq();
  }

  /** The DMA channel runs: move sectors between the disk and memory from `dmaPos`. */
  private transferHandler(dmaPos: number, dmaLen: number): number {
    if (this.msr & FD_MSR_RQM) return 0; // not in a DMA transfer
    const cur = this.cur;
    dmaLen = Math.min(dmaLen, this.dataLen);
    if (!cur.blk) {
      this.stopTransfer(this.dataDir === FD_DIR_WRITE ? FD_SR0_ABNTERM | FD_SR0_SEEK : FD_SR0_ABNTERM, 0, 0);
      return 0;
    }
    let relPos = this.dataPos % FD_SECTOR_LEN;
    const start = this.dataPos;
    while (this.dataPos < dmaLen) {
      let len = dmaLen - this.dataPos;
      if (len + relPos > FD_SECTOR_LEN) len = FD_SECTOR_LEN - relPos;
      if (this.dataDir !== FD_DIR_WRITE || len < FD_SECTOR_LEN || relPos !== 0) {
        if (cur.blk.read(cur.sector * 512, this.fifo) < 0) this.fifo.fill(0);
      }
      const chunk = this.fifo.subarray(relPos, relPos + len);
      if (this.dataDir === FD_DIR_READ) {
        this.dma.writeMemory(FDC_DMA_CHANNEL, chunk, this.dataPos);
      } else {
        if (cur.ro) {
          this.stopTransfer(FD_SR0_ABNTERM | FD_SR0_SEEK, FD_SR1_NW, 0);
          return 0;
        }
        this.dma.readMemory(FDC_DMA_CHANNEL, chunk, this.dataPos);
        if (cur.blk.write(cur.sector * 512, this.fifo) < 0) {
          this.stopTransfer(FD_SR0_ABNTERM | FD_SR0_SEEK, 0, 0);
          return 0;
        }
      }
      this.dataPos += len;
      relPos = this.dataPos % FD_SECTOR_LEN;
      if (relPos === 0 && !this.seekToNextSect(cur)) break;
    }
    const len = this.dataPos - start;
    this.dataLen -= len;
    this.stopTransfer(0, 0, 0);
    return len;
  }

  private seekToNextSect(cur: FloppyDrive): boolean {
    let head = cur.head;
    let track = cur.track;
    let sect = cur.sect;
    let ret = true;
    if (sect >= cur.lastSect || sect === this.eot) {
      sect = 1;
      if (this.dataState & FD_STATE_MULTI) {
        if (head === 0) head = 1;
        else {
          head = 0;
          track++;
          this.status0 |= FD_SR0_SEEK;
        }
      } else {
        this.status0 |= FD_SR0_SEEK;
        track++;
        ret = false;
      }
    } else sect++;
    cur.seek(head, track & 0xff, sect);
    return ret;
  }

  private resultTimerFired(): void {
    const cur = this.cur;
    // The disk spins: READ ID sees the next sector each time.
    if (cur.lastSect !== 0) cur.sect = (cur.sect % cur.lastSect) + 1;
    if ((this.dsr & FD_DSR_DRATEMASK) !== cur.mediaRate) this.stopTransfer(FD_SR0_ABNTERM, FD_SR1_MA, 0);
    else this.stopTransfer(0, 0, 0);
  }

  readId(): void {
    this.cur.head = (this.fifo[1]! >> 2) & 1;
    this.resultTimer.modNs(this.clock.nowNs + 1e9 / 50);
  }

  senseInterruptStatus(): void {
    const cur = this.cur;
    if (this.resetSensei > 0) {
      this.fifo[0] = FD_SR0_RDYCHG + FD_RESET_SENSEI_COUNT - this.resetSensei;
      this.resetSensei--;
    } else if (!(this.sra & FD_SRA_INTPEND)) {
      this.fifo[0] = FD_SR0_INVCMD;
      this.toResultPhase(1);
      return;
    } else {
      this.fifo[0] = (this.status0 & ~(FD_SR0_HEAD | FD_SR0_DS1 | FD_SR0_DS0)) | this.curDrv;
    }
    this.fifo[1] = cur.track;
    this.toResultPhase(2);
    this.resetIrq();
    this.status0 = FD_SR0_RDYCHG;
  }

  seekInterrupt(): void {
    this.status0 |= FD_SR0_SEEK;
    this.raiseIrq();
  }
}

// ---- commands (QEMU's handlers table: opcode under a mask, parameter bytes, handler) ----

interface Command {
  value: number;
  mask: number;
  params: number;
  run: Handler;
  direction: number;
}

const invalid: Handler = (fd) => {
  fd.fifo[0] = FD_SR0_INVCMD;
  fd.toResultPhase(1);
};

const COMMANDS: Command[] = [
  { value: 0x06, mask: 0x1f, params: 8, run: (fd, d) => fd.startTransfer(d), direction: FD_DIR_READ },
  { value: 0x05, mask: 0x3f, params: 8, run: (fd, d) => fd.startTransfer(d), direction: FD_DIR_WRITE },
  {
    value: 0x0f, mask: 0xff, params: 2, direction: 0,
    run: (fd) => {
      fd.curDrv = fd.fifo[1]! & FD_DOR_SELMASK;
      const cur = fd.cur;
      fd.toCommandPhase();
      cur.seek(cur.head, fd.fifo[2]!, cur.sect);
      fd.seekInterrupt();
    },
  },
  { value: 0x08, mask: 0xff, params: 0, direction: 0, run: (fd) => fd.senseInterruptStatus() },
  {
    value: 0x07, mask: 0xff, params: 1, direction: 0,
    run: (fd) => {
      fd.curDrv = fd.fifo[1]! & FD_DOR_SELMASK;
      fd.cur.recalibrate();
      fd.toCommandPhase();
      fd.seekInterrupt();
    },
  },
  { value: 0x0a, mask: 0xbf, params: 1, direction: 0, run: (fd) => fd.readId() },
  {
    value: 0x03, mask: 0xff, params: 2, direction: 0,
    run: (fd) => {
      fd.timer0 = fd.fifo[1]!;
      fd.timer1 = fd.fifo[2]!;
      if (fd.fifo[2]! & 1) fd.dor &= ~FD_DOR_DMAEN;
      else fd.dor |= FD_DOR_DMAEN;
      fd.toCommandPhase();
    },
  },
  {
    value: 0x04, mask: 0xff, params: 1, direction: 0,
    run: (fd) => {
      fd.curDrv = fd.fifo[1]! & FD_DOR_SELMASK;
      const cur = fd.cur;
      cur.head = (fd.fifo[1]! >> 2) & 1;
      fd.fifo[0] = ((cur.ro ? 1 : 0) << 6) | (cur.track === 0 ? 0x10 : 0) | (cur.head << 2) | fd.curDrv | 0x28;
      fd.toResultPhase(1);
    },
  },
  {
    value: 0x12, mask: 0xff, params: 1, direction: 0,
    run: (fd) => {
      if (fd.fifo[1]! & 0x80) fd.cur.perpendicular = fd.fifo[1]! & 0x7;
      fd.toCommandPhase();
    },
  },
  {
    value: 0x13, mask: 0xff, params: 3, direction: 0,
    run: (fd) => {
      fd.config = fd.fifo[2]!;
      fd.precompTrk = fd.fifo[3]!;
      fd.toCommandPhase();
    },
  },
  {
    value: 0x14, mask: 0x7f, params: 0, direction: 0,
    run: (fd) => {
      fd.lock = fd.fifo[0]! & 0x80 ? 1 : 0;
      fd.fifo[0] = fd.lock << 4;
      fd.toResultPhase(1);
    },
  },
  {
    value: 0x0e, mask: 0xff, params: 0, direction: 0,
    run: (fd) => {
      const cur = fd.cur;
      fd.fifo.set([fd.drives[0].track, fd.drives[1].track, 0, 0, fd.timer0, ((fd.timer1 << 1) | (fd.dor & FD_DOR_DMAEN ? 1 : 0)) & 0xff, cur.lastSect, (fd.lock << 7) | (cur.perpendicular << 2), fd.config, fd.precompTrk]);
      fd.toResultPhase(10);
    },
  },
  {
    value: 0x10, mask: 0xff, params: 0, direction: 0,
    run: (fd) => {
      fd.fifo[0] = 0x90; // an 82078
      fd.toResultPhase(1);
    },
  },
  {
    value: 0x18, mask: 0xff, params: 0, direction: 0,
    run: (fd) => {
      fd.fifo[0] = 0x41; // stepping 1
      fd.toResultPhase(1);
    },
  },
];

const UNKNOWN: Command = { value: 0, mask: 0, params: 0, run: invalid, direction: 0 };

function findCommand(byte: number): Command {
  return COMMANDS.find((c) => (byte & c.mask) === c.value) ?? UNKNOWN;
}

const FDRIVE_VMSTATE: VMStateDescription = {
  name: 'fdrive',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    { name: 'head', type: 'uint8' },
    { name: 'track', type: 'uint8' },
    { name: 'sect', type: 'uint8' },
    { name: 'perpendicular', type: 'uint8' },
    { name: 'mediaChanged', type: 'bool' },
  ],
  unmigrated: ['lastSect', 'maxTrack', 'mediaRate', 'ro'],
};

export const FDC_VMSTATE: VMStateDescription = {
  name: 'fdc',
  versionId: 1,
  minimumVersionId: 1,
  fields: [
    ...['sra', 'srb', 'dor', 'tdr', 'dsr', 'msr', 'curDrv', 'status0', 'phase', 'dataState', 'dataDir', 'eot', 'timer0', 'timer1', 'precompTrk', 'config', 'lock', 'resetSensei'].map(
      (name) => ({ name, type: 'uint8' as const }),
    ),
    { name: 'fifo', type: 'buffer' },
    { name: 'dataPos', type: 'uint32' },
    { name: 'dataLen', type: 'uint32' },
    { name: 'drives', type: 'struct-array', vmsd: FDRIVE_VMSTATE },
  ],
};
