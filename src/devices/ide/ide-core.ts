// One IDE channel (QEMU's IDEBus) with its two drives (IDEState): the ATA register file, the
// command set of hw/ide/core.c (PIO and DMA reads and writes, LBA28/LBA48/CHS, MULTIPLE,
// IDENTIFY, SET FEATURES, FLUSH CACHE...), and the legacy ports. Requests complete at once
// (the image is read synchronously), so the guest sees a finished command after its OUT.

import type { MemorySystem, MemoryRegion } from '../../memory/index.js';
import { PortioList } from '../portio.js';
import type { IrqLine } from '../irq.js';
import { BDRV_SECTOR_SIZE, type BlockBackend } from '../../block/block-backend.js';
import { hdGeometryGuess } from './hd-geometry.js';
import { atapiIdentify, hdIdentify } from './ide-identify.js';
import * as R from './ide-regs.js';
import { atapiCmd, atapiCmdReplyEnd, atapiReadDmaCb } from './atapi.js';
import { DMA_CB_ATA, DMA_CB_ATAPI } from './dma-callbacks.js';

export type DriveKind = 'hd' | 'cd';

/** Bus-master DMA engine of a channel (QEMU's IDEDMAOps as the PIIX BMDMA implements them). */
export interface IdeDma {
  /** A command wants DMA: run `cb` now if the engine is started, else when it is. */
  startDma(s: IDEState, cb: number): void;
  /** Walk the PRD table into s.sg for up to `limit` bytes; returns the bytes described. */
  prepareBuf(s: IDEState, limit: number): number;
  /** Move s.ioBuffer[ioBufferIndex, ioBufferSize) to or from memory; false if the PRDs ran out. */
  rwBuf(s: IDEState, toMemory: boolean): boolean;
  /** Copy between memory and `data` along s.sg (toMemory: a disk read). */
  sgCopy(s: IDEState, data: Uint8Array, toMemory: boolean): void;
  setInactive(more: boolean): void;
  reset(): void;
}


// Who may run each command (QEMU's ide_cmd_table flags), SET_DSC: seek complete on success.
const HD_OK = 1;
const CD_OK = 2;
const ALL_OK = HD_OK | CD_OK;
const SET_DSC = 8;

type CmdFn = (s: IDEState, cmd: number) => boolean;

export class IDEState {
  // Task file.
  feature = 0;
  error = 0;
  nsector = 0;
  sector = 0;
  lcyl = 0;
  hcyl = 0;
  hobFeature = 0;
  hobNsector = 0;
  hobSector = 0;
  hobLcyl = 0;
  hobHcyl = 0;
  select = R.ATA_DEV_ALWAYS_ON;
  status = 0;
  lba48 = false;
  // Geometry (physical CHS) and capacity in 512-byte sectors.
  cylinders = 0;
  heads = 0;
  sectors = 0;
  nbSectors = 0;
  multSectors = R.MAX_MULT_SECTORS;
  reqNbSectors = 0;
  writeCache = true;
  identifySet = false;
  readonly identifyData = new Uint16Array(256);
  // PIO buffer and transfer.
  readonly ioBuffer = new Uint8Array(R.IDE_DMA_BUF_SECTORS * 512 + 4);
  dataPtr = 0;
  dataEnd = 0;
  endTransferFn = R.ETF_DUMMY_STOP;
  ioBufferIndex = 0;
  ioBufferSize = 0;
  // DMA.
  dmaCmd = 0;
  /** Scatter/gather list from the PRD table (addresses and lengths). */
  readonly sgAddr: number[] = [];
  readonly sgLen: number[] = [];
  sgSize = 0;
  // ATAPI.
  lba = -1;
  cdSectorSize = 0;
  packetTransferSize = 0;
  elementaryTransferSize = 0;
  atapiDma = false;
  senseKey = 0;
  asc = 0;
  trayOpen = false;
  trayLocked = false;
  newMedia = false;
  readonly driveKind: DriveKind;
  readonly serial: string;
  readonly model: string;

  constructor(
    readonly bus: IDEBus,
    readonly unit: number,
    /** QEMU numbers drives 1..4 across both channels (the QM0000n serial). */
    serialNumber: number,
    readonly blk: BlockBackend | null,
    kind: DriveKind,
  ) {
    this.driveKind = kind;
    this.serial = `QM${String(serialNumber).padStart(5, '0')}`;
    this.model = kind === 'cd' ? 'QEMU DVD-ROM' : 'QEMU HARDDISK';
    if (blk) {
      this.nbSectors = Math.floor(blk.size / BDRV_SECTOR_SIZE);
      if (kind === 'hd') {
        const mbr = new Uint8Array(512);
        if (blk.size >= 512) blk.read(0, mbr);
        const g = hdGeometryGuess(mbr, this.nbSectors);
        this.cylinders = g.cylinders;
        this.heads = g.heads;
        this.sectors = g.sectors;
        this.biosTranslation = g.translation;
      }
    }
  }

  /** The BIOS CHS translation (CMOS 0x39), hard disks only. */
  biosTranslation = 0;

  get present(): boolean {
    return this.blk !== null;
  }

  // ---- status and completion ----

  reset(): void {
    this.multSectors = R.MAX_MULT_SECTORS;
    this.feature = this.error = this.nsector = this.sector = this.lcyl = this.hcyl = 0;
    this.hobFeature = this.hobSector = this.hobNsector = this.hobLcyl = this.hobHcyl = 0;
    this.select = R.ATA_DEV_ALWAYS_ON;
    this.status = R.READY_STAT | R.SEEK_STAT;
    this.lba48 = false;
    this.senseKey = 0;
    this.asc = 0;
    this.packetTransferSize = 0;
    this.elementaryTransferSize = 0;
    this.ioBufferIndex = 0;
    this.cdSectorSize = 0;
    this.atapiDma = false;
    this.trayLocked = false;
    this.trayOpen = false;
    this.ioBufferSize = 0;
    this.reqNbSectors = 0;
    this.setSignature();
    this.endTransferFn = R.ETF_DUMMY_STOP;
    this.dummyTransferStop();
  }

  setSignature(): void {
    this.select &= ~R.ATA_DEV_HS;
    this.nsector = 1;
    this.sector = 1;
    if (this.driveKind === 'cd') {
      this.lcyl = 0x14;
      this.hcyl = 0xeb;
    } else if (this.blk) {
      this.lcyl = 0;
      this.hcyl = 0;
    } else {
      this.lcyl = 0xff;
      this.hcyl = 0xff;
    }
  }

  private dummyTransferStop(): void {
    this.dataPtr = 0;
    this.dataEnd = 0;
    this.ioBuffer.fill(0xff, 0, 4);
  }

  abortCommand(): void {
    this.transferStop();
    this.status = R.READY_STAT | R.ERR_STAT;
    this.error = R.ABRT_ERR;
  }

  /** Raise the channel's interrupt unless the guest masked it (nIEN). */
  setIrq(): void {
    this.bus.setIrq();
  }

  transferStart(start: number, size: number, end: number): void {
    this.dataPtr = start;
    this.dataEnd = start + size;
    this.endTransferFn = end;
    if (!(this.status & R.ERR_STAT)) this.status |= R.DRQ_STAT;
  }

  transferStop(): void {
    this.endTransferFn = R.ETF_TRANSFER_STOP;
    this.dataPtr = 0;
    this.dataEnd = 0;
    this.status &= ~R.DRQ_STAT;
  }

  /** The guest has moved the buffer: run what comes next. */
  endTransfer(): void {
    switch (this.endTransferFn) {
      case R.ETF_SECTOR_READ:
        return this.sectorRead();
      case R.ETF_SECTOR_WRITE:
        return this.sectorWrite();
      case R.ETF_ATAPI_REPLY_END:
        return atapiCmdReplyEnd(this);
      case R.ETF_ATAPI_CMD:
        return atapiCmd(this);
      case R.ETF_TRANSFER_STOP:
        return this.transferStop();
      default:
        return this.dummyTransferStop();
    }
  }

  /** Whether the running PIO transfer moves data from the device to the host. */
  isPioOut(): boolean {
    return this.endTransferFn !== R.ETF_SECTOR_WRITE && this.endTransferFn !== R.ETF_ATAPI_CMD;
  }

  // ---- sector addressing ----

  getSector(): number {
    if (this.select & R.ATA_DEV_LBA) {
      if (this.lba48) {
        return (
          this.hobHcyl * 2 ** 40 + this.hobLcyl * 2 ** 32 + this.hobSector * 2 ** 24 + ((this.hcyl << 16) | (this.lcyl << 8) | this.sector)
        );
      }
      return ((this.select & R.ATA_DEV_LBA_MSB) << 24) | (this.hcyl << 16) | (this.lcyl << 8) | this.sector;
    }
    return ((this.hcyl << 8) | this.lcyl) * this.heads * this.sectors + (this.select & R.ATA_DEV_HS) * this.sectors + (this.sector - 1);
  }

  setSector(n: number): void {
    if (this.select & R.ATA_DEV_LBA) {
      if (this.lba48) {
        this.sector = n & 0xff;
        this.lcyl = Math.floor(n / 2 ** 8) & 0xff;
        this.hcyl = Math.floor(n / 2 ** 16) & 0xff;
        this.hobSector = Math.floor(n / 2 ** 24) & 0xff;
        this.hobLcyl = Math.floor(n / 2 ** 32) & 0xff;
        this.hobHcyl = Math.floor(n / 2 ** 40) & 0xff;
      } else {
        this.select = (this.select & ~R.ATA_DEV_LBA_MSB) | ((n >>> 24) & R.ATA_DEV_LBA_MSB);
        this.hcyl = (n >>> 16) & 0xff;
        this.lcyl = (n >>> 8) & 0xff;
        this.sector = n & 0xff;
      }
    } else {
      const hs = this.heads * this.sectors;
      const cyl = Math.floor(n / hs);
      const r = n % hs;
      this.hcyl = (cyl >>> 8) & 0xff;
      this.lcyl = cyl & 0xff;
      this.select = (this.select & ~R.ATA_DEV_HS) | (Math.floor(r / this.sectors) & R.ATA_DEV_HS);
      this.sector = ((r % this.sectors) + 1) & 0xff;
    }
  }

  /** A sector count of 0 means 256 (LBA28/CHS) or 65536 (LBA48); kept whole in nsector. */
  lba48Transform(lba48: boolean): void {
    this.lba48 = lba48;
    if (!lba48) {
      if (!this.nsector) this.nsector = 256;
    } else if (!this.nsector && !this.hobNsector) this.nsector = 65536;
    else this.nsector = (this.hobNsector << 8) | this.nsector;
  }

  private sectRangeOk(sector: number, n: number): boolean {
    return !(sector > this.nbSectors || n > this.nbSectors - sector);
  }

  private rwError(): void {
    this.abortCommand();
    this.setIrq();
  }

  // ---- PIO ----

  sectorRead(): void {
    this.status = R.READY_STAT | R.SEEK_STAT;
    this.error = 0;
    const sectorNum = this.getSector();
    let n = this.nsector;
    if (n === 0) {
      this.transferStop();
      return;
    }
    n = Math.min(n, this.reqNbSectors);
    if (!this.sectRangeOk(sectorNum, n)) {
      this.rwError();
      return;
    }
    const ret = this.blk!.read(sectorNum * BDRV_SECTOR_SIZE, this.ioBuffer.subarray(0, n * BDRV_SECTOR_SIZE));
    if (ret < 0) {
      this.rwError();
      return;
    }
    this.setSector(sectorNum + n);
    this.nsector -= n;
    this.transferStart(0, n * BDRV_SECTOR_SIZE, R.ETF_SECTOR_READ);
    this.setIrq();
  }

  sectorWrite(): void {
    this.status = R.READY_STAT | R.SEEK_STAT;
    const sectorNum = this.getSector();
    const n = Math.min(this.nsector, this.reqNbSectors);
    if (!this.sectRangeOk(sectorNum, n)) {
      this.rwError();
      return;
    }
    const ret = this.blk!.write(sectorNum * BDRV_SECTOR_SIZE, this.ioBuffer.subarray(0, n * BDRV_SECTOR_SIZE));
    if (ret < 0) {
      // werror=report: the guest sees the failed command (QEMU's default stops the VM on ENOSPC).
      this.rwError();
      return;
    }
    this.nsector -= n;
    this.setSector(sectorNum + n);
    if (this.nsector === 0) this.transferStop();
    else this.transferStart(0, Math.min(this.nsector, this.reqNbSectors) * BDRV_SECTOR_SIZE, R.ETF_SECTOR_WRITE);
    this.setIrq();
  }

  // ---- DMA ----

  sectorStartDma(cmd: number): void {
    this.status = R.READY_STAT | R.SEEK_STAT | R.DRQ_STAT;
    this.ioBufferSize = 0;
    this.dmaCmd = cmd;
    this.bus.dma?.startDma(this, DMA_CB_ATA);
  }

  /** The DMA engine is running for this drive: continue whichever transfer it serves. */
  dmaCallback(cb: number): void {
    if (cb === DMA_CB_ATA) this.ideDmaCb();
    else if (cb === DMA_CB_ATAPI) atapiReadDmaCb(this);
  }

  /** QEMU's ide_dma_cb, run to the end of the request at once. */
  private ideDmaCb(): void {
    const dma = this.bus.dma!;
    for (;;) {
      let stayActive = false;
      let n: number;
      if (this.ioBufferSize > this.nsector * 512) {
        // The PRDs were longer than the request: the engine stays active.
        n = this.nsector;
        stayActive = true;
      } else n = this.ioBufferSize >> 9;
      const sectorNum = this.getSector();
      if (n > 0) {
        this.setSector(sectorNum + n);
        this.nsector -= n;
      }
      if (this.nsector === 0) {
        this.status = R.READY_STAT | R.SEEK_STAT;
        this.setIrq();
        dma.setInactive(stayActive);
        return;
      }
      n = this.nsector;
      this.ioBufferIndex = 0;
      this.ioBufferSize = n * 512;
      const prep = dma.prepareBuf(this, this.ioBufferSize);
      if (prep < n * 512) {
        // The PRD table ends before the request: no interrupt, the engine stops.
        this.status = R.READY_STAT | R.SEEK_STAT;
        dma.setInactive(false);
        return;
      }
      const at = this.getSector();
      if (!this.sectRangeOk(at, n)) {
        this.dmaError();
        return;
      }
      const data = new Uint8Array(n * 512);
      let ret: number;
      if (this.dmaCmd === R.IDE_DMA_READ) {
        ret = this.blk!.read(at * 512, data);
        if (ret === 0) dma.sgCopy(this, data, true);
      } else {
        dma.sgCopy(this, data, false);
        ret = this.blk!.write(at * 512, data);
      }
      if (ret < 0) {
        this.dmaError();
        return;
      }
      // Loop: the next round accounts for the sectors just moved.
    }
  }

  dmaError(): void {
    this.abortCommand();
    this.bus.dma?.setInactive(false);
    this.setIrq();
  }

  // ---- commands ----

  execCmd(val: number): void {
    // Commands to an absent slave are ignored.
    if (this.unit === 1 && !this.blk) return;
    if (this.status & (R.BUSY_STAT | R.DRQ_STAT)) {
      if (val !== R.WIN_DEVICE_RESET || this.driveKind !== 'cd') return;
    }
    const entry = CMD_TABLE[val];
    const kindBit = this.driveKind === 'cd' ? CD_OK : HD_OK;
    if (!entry || !(entry[1] & kindBit)) {
      this.abortCommand();
      this.setIrq();
      return;
    }
    this.status = R.READY_STAT | R.BUSY_STAT;
    this.error = 0;
    const complete = entry[0](this, val);
    if (complete) {
      this.status &= ~R.BUSY_STAT;
      if (entry[1] & SET_DSC && !this.error) this.status |= R.SEEK_STAT;
      this.setIrq();
    }
  }

  identify(): void {
    if (!this.identifySet) {
      if (this.driveKind === 'cd') atapiIdentify(this.identifyData, this.serial, this.model);
      else {
        hdIdentify(this.identifyData, {
          cylinders: this.cylinders,
          heads: this.heads,
          sectors: this.sectors,
          nbSectors: this.nbSectors,
          multSectors: this.multSectors,
          serial: this.serial,
          model: this.model,
          writeCache: this.writeCache,
        });
      }
      this.identifySet = true;
    }
    const d = this.identifyData;
    for (let i = 0; i < 256; i++) {
      this.ioBuffer[2 * i] = d[i]! & 0xff;
      this.ioBuffer[2 * i + 1] = d[i]! >> 8;
    }
  }

  flushCache(): void {
    const ret = this.blk ? this.blk.flush() : 0;
    if (ret < 0) {
      this.rwError();
      return;
    }
    this.status = R.READY_STAT | R.SEEK_STAT;
    this.setIrq();
  }
}

// ---- the command table (QEMU's ide_cmd_table) ----

const cmdNop: CmdFn = () => true;

const cmdIdentify: CmdFn = (s) => {
  if (s.blk && s.driveKind !== 'cd') {
    s.identify();
    s.status = R.READY_STAT | R.SEEK_STAT;
    s.transferStart(0, 512, R.ETF_TRANSFER_STOP);
    s.setIrq();
    return false;
  }
  if (s.driveKind === 'cd') s.setSignature();
  s.abortCommand();
  return true;
};

const cmdReadPio: CmdFn = (s, cmd) => {
  if (s.driveKind === 'cd') {
    s.setSignature(); // ATA-4 8.27.5.2 asks for the signature here
    s.abortCommand();
    return true;
  }
  if (!s.blk) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_READ_EXT);
  s.reqNbSectors = 1;
  s.sectorRead();
  return false;
};

const cmdWritePio: CmdFn = (s, cmd) => {
  if (!s.blk) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_WRITE_EXT);
  s.reqNbSectors = 1;
  s.status = R.SEEK_STAT | R.READY_STAT;
  s.transferStart(0, 512, R.ETF_SECTOR_WRITE);
  return false;
};

const cmdReadMultiple: CmdFn = (s, cmd) => {
  if (!s.blk || !s.multSectors) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_MULTREAD_EXT);
  s.reqNbSectors = s.multSectors;
  s.sectorRead();
  return false;
};

const cmdWriteMultiple: CmdFn = (s, cmd) => {
  if (!s.blk || !s.multSectors) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_MULTWRITE_EXT);
  s.reqNbSectors = s.multSectors;
  const n = Math.min(s.nsector, s.reqNbSectors);
  s.status = R.SEEK_STAT | R.READY_STAT;
  s.transferStart(0, 512 * n, R.ETF_SECTOR_WRITE);
  return false;
};

const cmdReadDma: CmdFn = (s, cmd) => {
  if (!s.blk) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_READDMA_EXT);
  s.sectorStartDma(R.IDE_DMA_READ);
  return false;
};

const cmdWriteDma: CmdFn = (s, cmd) => {
  if (!s.blk) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_WRITEDMA_EXT);
  s.sectorStartDma(R.IDE_DMA_WRITE);
  return false;
};

const cmdSetMultipleMode: CmdFn = (s) => {
  if (s.nsector > R.MAX_MULT_SECTORS || (s.nsector & (s.nsector - 1)) !== 0) {
    s.abortCommand();
    return true;
  }
  s.multSectors = s.nsector;
  return true;
};

const cmdVerify: CmdFn = (s, cmd) => {
  s.lba48Transform(cmd === R.WIN_VERIFY_EXT);
  return true;
};

const cmdReadNativeMax: CmdFn = (s, cmd) => {
  if (s.nbSectors === 0) {
    s.abortCommand();
    return true;
  }
  s.lba48Transform(cmd === R.WIN_READ_NATIVE_MAX_EXT);
  s.setSector(s.nbSectors - 1);
  return true;
};

const cmdCheckPowerMode: CmdFn = (s) => {
  s.nsector = 0xff; // active or idle
  return true;
};

const cmdSpecify: CmdFn = (s) => {
  // INITIALIZE DEVICE PARAMETERS: CHS addressing uses the heads and sectors per track given.
  if (s.blk && s.driveKind !== 'cd') {
    s.heads = (s.select & R.ATA_DEV_HS) + 1;
    s.sectors = s.nsector & 0xff;
    s.setIrq();
  } else s.abortCommand();
  return true;
};

const cmdSetFeatures: CmdFn = (s) => {
  if (!s.blk) {
    s.abortCommand();
    return true;
  }
  const id = s.identifyData;
  switch (s.feature) {
    case 0x02: // write cache enable
      s.writeCache = true;
      id[85] = (1 << 14) | (1 << 5) | 1;
      return true;
    case 0x82: // write cache disable: what was cached is flushed
      s.writeCache = false;
      id[85] = (1 << 14) | 1;
      s.flushCache();
      return false;
    case 0xcc:
    case 0x66:
    case 0xaa:
    case 0x55:
    case 0x05:
    case 0x85:
    case 0x69:
    case 0x67:
    case 0x96:
    case 0x9a:
    case 0x42:
    case 0xc2:
      return true;
    case 0x03: {
      // Set transfer mode: the identify words show the selected mode.
      const val = s.nsector & 0x07;
      switch (s.nsector >> 3) {
        case 0x00:
        case 0x01:
          id[62] = 0x07;
          id[63] = 0x07;
          id[88] = 0x3f;
          return true;
        case 0x02:
          id[62] = 0x07 | (1 << (val + 8));
          id[63] = 0x07;
          id[88] = 0x3f;
          return true;
        case 0x04:
          id[62] = 0x07;
          id[63] = 0x07 | (1 << (val + 8));
          id[88] = 0x3f;
          return true;
        case 0x08:
          id[62] = 0x07;
          id[63] = 0x07;
          id[88] = 0x3f | (1 << (val + 8));
          return true;
      }
      break;
    }
  }
  s.abortCommand();
  return true;
};

const cmdFlushCache: CmdFn = (s) => {
  s.flushCache();
  return false;
};

const cmdExecDevDiagnostic: CmdFn = (s) => {
  // ATA-6: DEV (and LBA) are cleared, which the signature alone does not do.
  s.select = R.ATA_DEV_ALWAYS_ON;
  s.setSignature();
  if (s.driveKind === 'cd') {
    // Packet devices answer with a clear status (ATAPI spec 9.10).
    s.status = 0;
    s.error = 0x01;
  } else {
    s.status = R.READY_STAT | R.SEEK_STAT;
    // Diagnostic code: device 0 passed, device 1 passed or absent.
    s.error = 0x01;
    s.setIrq();
  }
  return false;
};

const cmdDeviceReset: CmdFn = (s) => {
  s.transferStop();
  s.bus.dma?.setInactive(false);
  s.reset();
  s.status = 0x00;
  return false;
};

const cmdIdentifyPacket: CmdFn = (s) => {
  s.identify();
  s.status = R.READY_STAT | R.SEEK_STAT;
  s.transferStart(0, 512, R.ETF_TRANSFER_STOP);
  s.setIrq();
  return false;
};

const cmdPacket: CmdFn = (s) => {
  // Overlapped commands are not supported.
  if (s.feature & 0x02) {
    s.abortCommand();
    return true;
  }
  s.status = R.READY_STAT | R.SEEK_STAT;
  s.atapiDma = (s.feature & 1) !== 0;
  if (s.atapiDma) s.dmaCmd = R.IDE_DMA_ATAPI;
  s.nsector = 1;
  s.transferStart(0, R.ATAPI_PACKET_SIZE, R.ETF_ATAPI_CMD);
  return false;
};

const CMD_TABLE: ([CmdFn, number] | undefined)[] = new Array(256);
const def = (ops: number[], fn: CmdFn, flags: number) => ops.forEach((op) => (CMD_TABLE[op] = [fn, flags]));
def([R.WIN_DEVICE_RESET], cmdDeviceReset, CD_OK);
def([R.WIN_RECAL], cmdNop, HD_OK | SET_DSC);
def([R.WIN_READ], cmdReadPio, ALL_OK);
def([R.WIN_READ_ONCE, R.WIN_READ_EXT], cmdReadPio, HD_OK);
def([R.WIN_READDMA_EXT, R.WIN_READDMA, R.WIN_READDMA_ONCE], cmdReadDma, HD_OK);
def([R.WIN_READ_NATIVE_MAX_EXT, R.WIN_READ_NATIVE_MAX], cmdReadNativeMax, HD_OK | SET_DSC);
def([R.WIN_MULTREAD_EXT, R.WIN_MULTREAD], cmdReadMultiple, HD_OK);
def([R.WIN_WRITE, R.WIN_WRITE_ONCE, R.WIN_WRITE_EXT, R.WIN_WRITE_VERIFY], cmdWritePio, HD_OK);
def([R.WIN_WRITEDMA_EXT, R.WIN_WRITEDMA, R.WIN_WRITEDMA_ONCE], cmdWriteDma, HD_OK);
def([R.WIN_MULTWRITE_EXT, R.WIN_MULTWRITE], cmdWriteMultiple, HD_OK);
def([R.WIN_VERIFY, R.WIN_VERIFY_ONCE, R.WIN_VERIFY_EXT], cmdVerify, HD_OK | SET_DSC);
def([R.WIN_SEEK], cmdNop, HD_OK | SET_DSC);
def([R.WIN_DIAGNOSE], cmdExecDevDiagnostic, ALL_OK);
def([R.WIN_SPECIFY], cmdSpecify, HD_OK | SET_DSC);
def(
  [R.WIN_STANDBYNOW2, R.WIN_IDLEIMMEDIATE2, R.WIN_STANDBY2, R.WIN_SETIDLE2, R.WIN_SLEEPNOW2, R.WIN_STANDBYNOW1, R.WIN_IDLEIMMEDIATE, R.WIN_STANDBY, R.WIN_SETIDLE1, R.WIN_SLEEPNOW1],
  cmdNop,
  HD_OK,
);
def([R.WIN_CHECKPOWERMODE2, R.WIN_CHECKPOWERMODE1], cmdCheckPowerMode, HD_OK | SET_DSC);
def([R.WIN_PACKETCMD], cmdPacket, CD_OK);
def([R.WIN_PIDENTIFY], cmdIdentifyPacket, CD_OK);
def([R.WIN_SETMULT], cmdSetMultipleMode, HD_OK | SET_DSC);
def([R.WIN_FLUSH_CACHE], cmdFlushCache, ALL_OK);
def([R.WIN_FLUSH_CACHE_EXT], cmdFlushCache, HD_OK);
def([R.WIN_IDENTIFY], cmdIdentify, ALL_OK);
def([R.WIN_SETFEATURES], cmdSetFeatures, ALL_OK | SET_DSC);

/** A channel: two drive slots sharing the task file writes, one IRQ and one DMA engine. */
export class IDEBus {
  readonly ifs: [IDEState, IDEState];
  /** The selected drive (DEV bit of the device/head register). */
  unit = 0;
  /** Device control register (nIEN, SRST, HOB). */
  cmd = 0;
  dma: IdeDma | null = null;
  private readonly ports: PortioList;
  private readonly ctrlPort: PortioList;

  constructor(
    sys: MemorySystem,
    readonly busId: number,
    drives: [{ blk: BlockBackend; kind: DriveKind } | null, { blk: BlockBackend; kind: DriveKind } | null],
    readonly irq: IrqLine,
    readonly iobase: number,
    readonly iobase2: number,
  ) {
    this.ifs = [0, 1].map((u) => new IDEState(this, u, busId * 2 + u + 1, drives[u]?.blk ?? null, drives[u]?.kind ?? 'hd')) as [IDEState, IDEState];
    this.ports = new PortioList(
      sys,
      'piix3-ide',
      'ide',
      [
        { offset: 0, len: 8, size: 1, read: (p) => this.ioportRead(p), write: (p, v) => this.ioportWrite(p, v) },
        { offset: 0, len: 1, size: 2, read: () => this.dataRead(2), write: (_p, v) => this.dataWrite(v, 2) },
        { offset: 0, len: 1, size: 4, read: () => this.dataRead(4), write: (_p, v) => this.dataWrite(v, 4) },
      ],
      iobase,
    );
    this.ctrlPort = new PortioList(sys, 'piix3-ide', 'ide', [{ offset: 0, len: 1, size: 1, read: () => this.statusRead(), write: (_p, v) => this.ctrlWrite(v) }], iobase2);
  }

  map(ioRoot: MemoryRegion): void {
    this.ports.map(ioRoot);
    this.ctrlPort.map(ioRoot);
  }

  get active(): IDEState {
    return this.ifs[this.unit]!;
  }

  private get anyDrive(): boolean {
    return this.ifs[0].present || this.ifs[1].present;
  }

  setIrq(): void {
    if (!(this.cmd & R.IDE_CTRL_DISABLE_IRQ)) this.irq.raise();
  }

  reset(): void {
    this.unit = 0;
    this.cmd = 0;
    this.ifs[0].reset();
    this.ifs[1].reset();
    this.dma?.reset();
  }

  private clearHob(): void {
    this.cmd &= ~R.IDE_CTRL_HOB;
  }

  ioportWrite(port: number, val: number): void {
    const reg = port & 7;
    const s = this.active;
    // The task file cannot change under a command in progress.
    if (reg !== 7 && s.status & (R.BUSY_STAT | R.DRQ_STAT)) return;
    const [a, b] = this.ifs;
    switch (reg) {
      case 0:
        return;
      case 1:
        this.clearHob();
        a.hobFeature = a.feature;
        b.hobFeature = b.feature;
        a.feature = b.feature = val;
        return;
      case 2:
        this.clearHob();
        a.hobNsector = a.nsector & 0xff;
        b.hobNsector = b.nsector & 0xff;
        a.nsector = b.nsector = val;
        return;
      case 3:
        this.clearHob();
        a.hobSector = a.sector;
        b.hobSector = b.sector;
        a.sector = b.sector = val;
        return;
      case 4:
        this.clearHob();
        a.hobLcyl = a.lcyl;
        b.hobLcyl = b.lcyl;
        a.lcyl = b.lcyl = val;
        return;
      case 5:
        this.clearHob();
        a.hobHcyl = a.hcyl;
        b.hobHcyl = b.hcyl;
        a.hcyl = b.hcyl = val;
        return;
      case 6:
        this.clearHob();
        a.select = b.select = val | R.ATA_DEV_ALWAYS_ON;
        this.unit = val & R.ATA_DEV_SELECT ? 1 : 0;
        return;
      default:
        this.clearHob();
        this.irq.lower();
        s.execCmd(val);
    }
  }

  ioportRead(port: number): number {
    const reg = port & 7;
    const s = this.active;
    const hob = (this.cmd & R.IDE_CTRL_HOB) !== 0;
    const absent = !this.anyDrive;
    switch (reg) {
      case 0:
        return 0xff;
      case 1:
        if (absent || (s.unit === 1 && !s.present)) return 0;
        return hob ? s.hobFeature : s.error;
      case 2:
        return absent ? 0 : hob ? s.hobNsector : s.nsector & 0xff;
      case 3:
        return absent ? 0 : hob ? s.hobSector : s.sector;
      case 4:
        return absent ? 0 : hob ? s.hobLcyl : s.lcyl;
      case 5:
        return absent ? 0 : hob ? s.hobHcyl : s.hcyl;
      case 6:
        return absent ? 0 : s.select;
      default: {
        const ret = absent || (s.unit === 1 && !s.present) ? 0 : s.status;
        this.irq.lower();
        return ret;
      }
    }
  }

  statusRead(): number {
    const s = this.active;
    return !this.anyDrive || (s.unit === 1 && !s.present) ? 0 : s.status;
  }

  ctrlWrite(val: number): void {
    if (!(this.cmd & R.IDE_CTRL_RESET) && val & R.IDE_CTRL_RESET) {
      // Software reset of both drives (QEMU runs it from a bottom half right after).
      for (const s of this.ifs) {
        s.status |= R.BUSY_STAT;
        s.transferStop();
        this.dma?.setInactive(false);
        s.reset();
      }
      this.cmd = val & ~R.IDE_CTRL_RESET;
      return;
    }
    this.cmd = val;
  }

  dataWrite(val: number, size: 2 | 4): void {
    const s = this.active;
    if (!(s.status & R.DRQ_STAT) || s.isPioOut()) return;
    const p = s.dataPtr;
    if (p + size > s.dataEnd) return;
    const buf = s.ioBuffer;
    buf[p] = val & 0xff;
    buf[p + 1] = (val >>> 8) & 0xff;
    if (size === 4) {
      buf[p + 2] = (val >>> 16) & 0xff;
      buf[p + 3] = (val >>> 24) & 0xff;
    }
    s.dataPtr = p + size;
    if (s.dataPtr >= s.dataEnd) {
      s.status &= ~R.DRQ_STAT;
      s.endTransfer();
    }
  }

  dataRead(size: 2 | 4): number {
    const s = this.active;
    if (!(s.status & R.DRQ_STAT) || !s.isPioOut()) return 0;
    const p = s.dataPtr;
    if (p + size > s.dataEnd) return 0;
    const buf = s.ioBuffer;
    let v = buf[p]! | (buf[p + 1]! << 8);
    if (size === 4) v = (v | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
    s.dataPtr = p + size;
    if (s.dataPtr >= s.dataEnd) {
      s.status &= ~R.DRQ_STAT;
      s.endTransfer();
    }
    return v;
  }
}

