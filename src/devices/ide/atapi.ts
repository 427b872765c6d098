// ATAPI packet commands of a CD-ROM drive (QEMU's hw/ide/atapi.c): the 12-byte packet
// arrives through the data port, replies go back by PIO in byte-count-limited pieces or by
// bus-master DMA, and errors become sense data for REQUEST SENSE.

import { ENOMEDIUM } from '../../block/block-backend.js';
import { padstr8, IDE_VERSION } from './ide-identify.js';
import * as R from './ide-regs.js';
import type { IDEState } from './ide-core.js';
import { DMA_CB_ATAPI } from './dma-callbacks.js';

const be16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const be32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
function stw(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}
function stl(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function lbaToMsf(b: Uint8Array, at: number, lba: number): void {
  lba += 150;
  b[at] = Math.floor(lba / 75 / 60) & 0xff;
  b[at + 1] = Math.floor(lba / 75) % 60;
  b[at + 2] = lba % 75;
}

export function atapiCmdOk(s: IDEState): void {
  s.error = 0;
  s.status = R.READY_STAT | R.SEEK_STAT;
  s.nsector = (s.nsector & ~7) | R.ATAPI_INT_REASON_IO | R.ATAPI_INT_REASON_CD;
  s.transferStop();
  s.setIrq();
}

export function atapiCmdError(s: IDEState, senseKey: number, asc: number): void {
  s.error = senseKey << 4;
  s.status = R.READY_STAT | R.ERR_STAT;
  s.nsector = (s.nsector & ~7) | R.ATAPI_INT_REASON_IO | R.ATAPI_INT_REASON_CD;
  s.senseKey = senseKey;
  s.asc = asc;
  s.transferStop();
  s.setIrq();
}

export function atapiIoError(s: IDEState, ret: number): void {
  if (ret === -ENOMEDIUM) atapiCmdError(s, R.NOT_READY, R.ASC_MEDIUM_NOT_PRESENT);
  else atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_LOGICAL_BLOCK_OOR);
}

/** Read CD sector s.lba into the buffer (2048 bytes, or 2352 with a raw mode-1 frame around it). */
function cdReadSector(s: IDEState): number {
  const buf = s.ioBuffer;
  const raw = s.cdSectorSize === 2352;
  const ret = s.blk!.read(s.lba * 2048, buf.subarray(raw ? 16 : 0, (raw ? 16 : 0) + 2048));
  if (ret < 0) return ret;
  if (raw) {
    buf[0] = 0;
    buf.fill(0xff, 1, 11);
    buf[11] = 0;
    lbaToMsf(buf, 12, s.lba);
    buf[15] = 0x01; // mode 1 data
    buf.fill(0, 2064, 2352); // EDC/ECC not computed, as QEMU
  }
  s.ioBufferIndex = 0;
  s.lba++;
  return 0;
}

function byteCountLimit(s: IDEState): number {
  const bcl = s.lcyl | (s.hcyl << 8);
  return bcl === 0xffff ? 0xfffe : bcl;
}

/** Send the next piece of a reply (or of sectors read) by PIO. */
export function atapiCmdReplyEnd(s: IDEState): void {
  while (s.packetTransferSize > 0) {
    if (s.lba !== -1 && s.ioBufferIndex >= s.cdSectorSize) {
      const ret = cdReadSector(s);
      if (ret < 0) {
        atapiIoError(s, ret);
        return;
      }
    }
    let size: number;
    if (s.elementaryTransferSize > 0) {
      size = Math.min(s.cdSectorSize - s.ioBufferIndex, s.elementaryTransferSize);
    } else {
      // A new DRQ block: the byte count goes to the cylinder registers.
      s.nsector = (s.nsector & ~7) | R.ATAPI_INT_REASON_IO;
      s.setIrq();
      let limit = byteCountLimit(s);
      size = s.packetTransferSize;
      if (size > limit) {
        if (limit & 1) limit--;
        size = limit;
      }
      s.lcyl = size & 0xff;
      s.hcyl = (size >>> 8) & 0xff;
      s.elementaryTransferSize = size;
      // One sector at a time.
      if (s.lba !== -1 && size > s.cdSectorSize - s.ioBufferIndex) size = s.cdSectorSize - s.ioBufferIndex;
    }
    s.packetTransferSize -= size;
    s.elementaryTransferSize -= size;
    s.ioBufferIndex += size;
    s.transferStart(s.ioBufferIndex - size, size, R.ETF_ATAPI_REPLY_END);
    return;
  }
  atapiCmdOk(s);
  s.bus.dma?.setInactive(false);
}

function atapiCmdReply(s: IDEState, size: number, maxSize: number): void {
  size = Math.min(size, maxSize);
  s.lba = -1;
  s.packetTransferSize = size;
  s.ioBufferSize = size;
  s.elementaryTransferSize = 0;
  if (s.atapiDma) {
    s.status = R.READY_STAT | R.SEEK_STAT | R.DRQ_STAT;
    s.bus.dma?.startDma(s, DMA_CB_ATAPI);
  } else {
    s.status = R.READY_STAT | R.SEEK_STAT;
    s.ioBufferIndex = 0;
    atapiCmdReplyEnd(s);
  }
}

function atapiCmdRead(s: IDEState, lba: number, nbSectors: number, sectorSize: number): void {
  s.lba = lba;
  s.packetTransferSize = nbSectors * sectorSize;
  s.cdSectorSize = sectorSize;
  if (s.atapiDma) {
    s.ioBufferSize = 0;
    s.status = R.READY_STAT | R.SEEK_STAT | R.DRQ_STAT | R.BUSY_STAT;
    s.bus.dma?.startDma(s, DMA_CB_ATAPI);
  } else {
    s.elementaryTransferSize = 0;
    s.ioBufferIndex = sectorSize;
    atapiCmdReplyEnd(s);
  }
}

/** QEMU's ide_atapi_cmd_read_dma_cb, run to the end of the transfer at once. */
export function atapiReadDmaCb(s: IDEState): void {
  const dma = s.bus.dma!;
  for (;;) {
    if (s.ioBufferSize > 0) {
      s.packetTransferSize -= s.ioBufferSize;
      if (!dma.rwBuf(s, true)) break;
    }
    if (s.packetTransferSize <= 0) {
      s.status = R.READY_STAT | R.SEEK_STAT;
      s.nsector = (s.nsector & ~7) | R.ATAPI_INT_REASON_IO | R.ATAPI_INT_REASON_CD;
      s.setIrq();
      break;
    }
    // One sector per round (QEMU moves up to 32 at once; the guest sees the same bytes).
    const ret = cdReadSector(s);
    if (ret < 0) {
      dma.setInactive(false);
      atapiIoError(s, ret);
      return;
    }
    s.ioBufferSize = Math.min(s.cdSectorSize, s.packetTransferSize);
  }
  dma.setInactive(false);
}

function mediaPresent(s: IDEState): boolean {
  return !s.trayOpen && s.nbSectors > 0;
}

function validateBcl(s: IDEState): boolean {
  if (s.atapiDma || byteCountLimit(s)) return true;
  s.abortCommand();
  return false;
}

const CHECK_READY = 1;
const NONDATA = 2;
const CONDDATA = 4;
const ALLOW_UA = 8;

type AtapiFn = (s: IDEState, buf: Uint8Array) => void;

function cmdInquiry(s: IDEState, buf: Uint8Array): void {
  const pageCode = buf[2]!;
  const maxLen = buf[4]!;
  let idx = 0;
  let sizeIdx: number;
  let preamble: number;
  if (buf[1]! & 0x01) {
    // Vital product data.
    preamble = 4;
    sizeIdx = 3;
    buf[idx++] = 0x05;
    buf[idx++] = pageCode;
    buf[idx++] = 0;
    idx++;
    if (pageCode === 0x00) {
      buf[idx++] = 0x00;
      buf[idx++] = 0x83;
    } else if (pageCode === 0x83) {
      if (idx + 24 > maxLen) {
        atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_DATA_PHASE_ERROR);
        return;
      }
      buf[idx++] = 0x02;
      buf[idx++] = 0x00;
      buf[idx++] = 0x00;
      buf[idx++] = 20;
      padstr8(buf, idx, 20, s.serial);
      idx += 20;
      if (idx + 72 <= maxLen) {
        buf[idx++] = 0x02;
        buf[idx++] = 0x01;
        buf[idx++] = 0x00;
        buf[idx++] = 68;
        padstr8(buf, idx, 8, 'ATA');
        idx += 8;
        padstr8(buf, idx, 40, s.model);
        idx += 40;
        padstr8(buf, idx, 20, s.serial);
        idx += 20;
      }
    } else {
      atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
      return;
    }
  } else {
    preamble = 5;
    sizeIdx = 4;
    buf[0] = 0x05; // CD-ROM
    buf[1] = 0x80; // removable
    buf[2] = 0x00;
    buf[3] = 0x21;
    buf[5] = buf[6] = buf[7] = 0;
    padstr8(buf, 8, 8, 'QEMU');
    padstr8(buf, 16, 16, 'QEMU DVD-ROM');
    padstr8(buf, 32, 4, IDE_VERSION);
    idx = 36;
  }
  buf[sizeIdx] = idx - preamble;
  atapiCmdReply(s, idx, maxLen);
}

function cmdRequestSense(s: IDEState, buf: Uint8Array): void {
  const maxLen = buf[4]!;
  buf.fill(0, 0, 18);
  buf[0] = 0x70 | 0x80;
  buf[2] = s.senseKey;
  buf[7] = 10;
  buf[12] = s.asc;
  if (s.senseKey === R.UNIT_ATTENTION) s.senseKey = R.NO_SENSE;
  atapiCmdReply(s, 18, maxLen);
}

function cmdReadCapacity(s: IDEState, buf: Uint8Array): void {
  stl(buf, 0, Math.floor(s.nbSectors / 4) - 1); // the last LBA
  stl(buf, 4, 2048);
  atapiCmdReply(s, 8, 8);
}

function cmdRead(s: IDEState, buf: Uint8Array): void {
  const total = Math.floor(s.nbSectors / 4);
  const nb = buf[0] === 0x28 ? be16(buf, 7) : be32(buf, 6);
  if (nb === 0) {
    atapiCmdOk(s);
    return;
  }
  const lba = be32(buf, 2);
  if (lba >= total || lba + nb - 1 >= total) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_LOGICAL_BLOCK_OOR);
    return;
  }
  atapiCmdRead(s, lba, nb, 2048);
}

function cmdReadCd(s: IDEState, buf: Uint8Array): void {
  const nb = (buf[6]! << 16) | (buf[7]! << 8) | buf[8]!;
  const lba = be32(buf, 2);
  if (nb === 0) {
    atapiCmdOk(s);
    return;
  }
  const transfer = buf[9]! & 0xf8;
  if (transfer === 0) {
    atapiCmdOk(s);
    return;
  }
  if (!validateBcl(s)) return;
  if (transfer === 0x10) atapiCmdRead(s, lba, nb, 2048);
  else if (transfer === 0xf8) atapiCmdRead(s, lba, nb, 2352);
  else atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
}

function cmdModeSense(s: IDEState, buf: Uint8Array): void {
  const maxLen = be16(buf, 7);
  const action = buf[2]! >> 6;
  const code = buf[2]! & 0x3f;
  if (action === 3) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_SAVING_PARAMETERS_NOT_SUPPORTED);
    return;
  }
  if (action !== 0 || (code !== 0x01 && code !== 0x0e && code !== 0x2a)) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
    return;
  }
  const len = code === 0x01 ? 16 : code === 0x0e ? 24 : 30;
  stw(buf, 0, len - 2);
  buf[2] = 0x70;
  buf.fill(0, 3, 8);
  buf[8] = code;
  buf[9] = len - 10;
  if (code === 0x01) {
    // Error recovery page.
    buf.set([0x00, 0x05, 0, 0, 0, 0], 10);
  } else if (code === 0x0e) {
    // Audio control: the volume bytes (the rest is what the buffer held, as QEMU).
    buf[17] = buf[19] = buf[21] = buf[23] = 0;
  } else {
    // Capabilities.
    buf[10] = 0x3b;
    buf[11] = 0x00;
    buf[12] = 0x71;
    buf[13] = 3 << 5;
    buf[14] = (1 << 0) | (1 << 3) | (1 << 5) | (s.trayLocked ? 1 << 1 : 0);
    buf[15] = 0x00;
    stw(buf, 16, 704);
    buf[18] = 0;
    buf[19] = 2;
    stw(buf, 20, 512);
    stw(buf, 22, 704);
    buf.fill(0, 24, 30);
  }
  atapiCmdReply(s, len, maxLen);
}

function cmdReadToc(s: IDEState, buf: Uint8Array): void {
  const total = Math.floor(s.nbSectors / 4);
  const maxLen = be16(buf, 7);
  const format = buf[9]! >> 6;
  const msf = (buf[1]! >> 1) & 1;
  const startTrack = buf[6]!;
  let q = 2;
  const put = (...v: number[]) => {
    for (const x of v) buf[q++] = x;
  };
  const address = (lba: number) => {
    if (msf) {
      put(0);
      lbaToMsf(buf, q, lba);
      q += 3;
    } else {
      stl(buf, q, lba);
      q += 4;
    }
  };
  if (format === 0) {
    if (startTrack > 1 && startTrack !== 0xaa) {
      atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
      return;
    }
    put(1, 1);
    if (startTrack <= 1) {
      put(0, 0x14, 1, 0);
      address(0);
    }
    put(0, 0x16, 0xaa, 0); // lead-out
    address(total);
  } else if (format === 1) {
    // One session.
    buf.fill(0, 0, 12);
    buf[1] = 0x0a;
    buf[2] = 0x01;
    buf[3] = 0x01;
    atapiCmdReply(s, 12, maxLen);
    return;
  } else if (format === 2) {
    put(1, 1);
    put(1, 0x14, 0, 0xa0, 0, 0, 0, 0, 1, 0x00, 0x00);
    put(1, 0x14, 0, 0xa1, 0, 0, 0, 0, 1, 0x00, 0x00);
    put(1, 0x14, 0, 0xa2, 0, 0, 0);
    address(total);
    put(1, 0x14, 0, 1, 0, 0, 0);
    address(0);
  } else {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
    return;
  }
  stw(buf, 0, q - 2);
  atapiCmdReply(s, q, maxLen);
}

function cmdGetConfiguration(s: IDEState, buf: Uint8Array): void {
  if (buf[2] !== 0 || buf[3] !== 0) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
    return;
  }
  const maxLen = Math.min(be16(buf, 7), 512);
  buf.fill(0, 0, Math.max(maxLen, 20));
  if (mediaPresent(s)) stw(buf, 6, s.nbSectors > R.CD_MAX_SECTORS ? 0x0010 : 0x0008);
  buf[10] = 0x02 | 0x01; // persistent and current
  let len = 12;
  [0x0010, 0x0008].forEach((profile, index) => {
    const at = 12 + 4 * index;
    stw(buf, at, profile);
    buf[at + 2] = buf[at] === buf[6] && buf[at + 1] === buf[7] ? 1 : 0;
    buf[11]! += 4;
    len += 4;
  });
  stl(buf, 0, len - 4);
  atapiCmdReply(s, len, maxLen);
}

function cmdGetEventStatusNotification(s: IDEState, buf: Uint8Array): void {
  const maxLen = be16(buf, 7);
  if (!(buf[1]! & 0x01)) {
    // Only polling is supported.
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
    return;
  }
  const GESN_MEDIA = 4;
  const requested = buf[4]!;
  buf[3] = 1 << GESN_MEDIA; // supported event classes
  let used: number;
  if (requested & (1 << GESN_MEDIA)) {
    buf[2] = GESN_MEDIA;
    const mediaStatus = s.trayOpen ? 1 : s.blk ? 2 : 0;
    let event = 0;
    if (mediaStatus !== 1 && s.newMedia) {
      event = 2;
      s.newMedia = false;
    }
    buf[4] = event;
    buf[5] = mediaStatus;
    buf[6] = buf[7] = 0;
    used = 8;
  } else {
    buf[2] = 0x80; // no event available
    used = 4;
  }
  stw(buf, 0, used - 4);
  atapiCmdReply(s, used, maxLen);
}

function cmdReadDiscInformation(s: IDEState, buf: Uint8Array): void {
  const maxLen = be16(buf, 7);
  if ((buf[1]! & 7) !== 0) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_INV_FIELD_IN_CMD_PACKET);
    return;
  }
  buf.fill(0, 0, 34);
  buf[1] = 32;
  buf[2] = 0xe; // last session complete, disc finalized
  buf[3] = 1;
  buf[4] = 1;
  buf[5] = 1;
  buf[6] = 1;
  buf[7] = 0x20;
  atapiCmdReply(s, 34, maxLen);
}

function cmdMechanismStatus(s: IDEState, buf: Uint8Array): void {
  const maxLen = be16(buf, 8);
  buf.fill(0, 0, 8);
  buf[5] = 1;
  atapiCmdReply(s, 8, maxLen);
}

function cmdStartStopUnit(s: IDEState, buf: Uint8Array): void {
  const start = (buf[4]! & 1) !== 0;
  const loej = (buf[4]! & 2) !== 0;
  if (buf[4]! & 0xf0) {
    atapiCmdOk(s);
    return;
  }
  if (loej) {
    if (!start && !s.trayOpen && s.trayLocked) {
      atapiCmdError(s, s.blk ? R.NOT_READY : R.ILLEGAL_REQUEST, R.ASC_MEDIA_REMOVAL_PREVENTED);
      return;
    }
    s.trayOpen = !start;
  }
  atapiCmdOk(s);
}

function cmdPreventAllow(s: IDEState, buf: Uint8Array): void {
  s.trayLocked = (buf[4]! & 1) !== 0;
  atapiCmdOk(s);
}

function cmdSeek(s: IDEState, buf: Uint8Array): void {
  if (be32(buf, 2) >= Math.floor(s.nbSectors / 4)) {
    atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_LOGICAL_BLOCK_OOR);
    return;
  }
  atapiCmdOk(s);
}

const TABLE: ([AtapiFn, number] | undefined)[] = new Array(256);
TABLE[0x00] = [(s) => atapiCmdOk(s), CHECK_READY | NONDATA]; // TEST UNIT READY
TABLE[0x03] = [cmdRequestSense, ALLOW_UA];
TABLE[0x12] = [cmdInquiry, ALLOW_UA];
TABLE[0x1b] = [cmdStartStopUnit, NONDATA];
TABLE[0x1e] = [cmdPreventAllow, NONDATA];
TABLE[0x25] = [cmdReadCapacity, CHECK_READY];
TABLE[0x28] = [cmdRead, CHECK_READY];
TABLE[0x2b] = [cmdSeek, CHECK_READY | NONDATA];
TABLE[0x43] = [cmdReadToc, CHECK_READY];
TABLE[0x46] = [cmdGetConfiguration, ALLOW_UA];
TABLE[0x4a] = [cmdGetEventStatusNotification, ALLOW_UA];
TABLE[0x51] = [cmdReadDiscInformation, CHECK_READY];
TABLE[0x5a] = [cmdModeSense, 0];
TABLE[0xa8] = [cmdRead, CHECK_READY];
TABLE[0xbb] = [(s) => atapiCmdOk(s), NONDATA]; // SET CD SPEED
TABLE[0xbd] = [cmdMechanismStatus, 0];
TABLE[0xbe] = [cmdReadCd, CHECK_READY];

/** The packet has arrived: run it (QEMU's ide_atapi_cmd). */
export function atapiCmd(s: IDEState): void {
  const buf = s.ioBuffer;
  const entry = TABLE[buf[0]!];
  const flags = entry?.[1] ?? 0;
  if (s.senseKey === R.UNIT_ATTENTION && !(flags & ALLOW_UA)) {
    atapiCmdError(s, R.UNIT_ATTENTION, s.asc);
    return;
  }
  if (flags & CHECK_READY && !mediaPresent(s)) {
    atapiCmdError(s, R.NOT_READY, R.ASC_MEDIUM_NOT_PRESENT);
    return;
  }
  if (entry && !(flags & (NONDATA | CONDDATA)) && !validateBcl(s)) return;
  if (entry) {
    entry[0](s, buf);
    return;
  }
  atapiCmdError(s, R.ILLEGAL_REQUEST, R.ASC_ILLEGAL_OPCODE);
}
