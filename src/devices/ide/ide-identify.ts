// The IDENTIFY DEVICE and IDENTIFY PACKET DEVICE blocks QEMU 7.2 returns (ide_identify,
// ide_atapi_identify): words a guest sees, with QEMU's strings ("QEMU HARDDISK", serial
// QM0000n, firmware "2.5+").

import { MAX_MULT_SECTORS } from './ide-regs.js';

export const IDE_VERSION = '2.5+';

/** ATA strings: space padded, the two bytes of each word swapped. */
export function padstr(words: Uint16Array, word: number, text: string, len: number): void {
  const bytes = new Uint8Array(words.buffer, words.byteOffset + word * 2, len);
  for (let i = 0; i < len; i++) bytes[i ^ 1] = i < text.length ? text.charCodeAt(i) & 0xff : 0x20;
}

/** Space-padded, unswapped (SCSI INQUIRY strings). */
export function padstr8(buf: Uint8Array, at: number, len: number, text: string): void {
  for (let i = 0; i < len; i++) buf[at + i] = i < text.length ? text.charCodeAt(i) & 0xff : 0x20;
}

export interface HdIdentity {
  cylinders: number;
  heads: number;
  sectors: number;
  nbSectors: number;
  multSectors: number;
  serial: string;
  model: string;
  writeCache: boolean;
}

export function hdIdentify(p: Uint16Array, d: HdIdentity): void {
  p.fill(0);
  p[0] = 0x0040;
  p[1] = d.cylinders;
  p[3] = d.heads;
  p[4] = (512 * d.sectors) & 0xffff;
  p[5] = 512;
  p[6] = d.sectors;
  padstr(p, 10, d.serial, 20);
  p[20] = 3;
  p[21] = 512;
  p[22] = 4;
  padstr(p, 23, IDE_VERSION, 8);
  padstr(p, 27, d.model, 40);
  p[47] = 0x8000 | MAX_MULT_SECTORS;
  p[48] = 1;
  p[49] = (1 << 11) | (1 << 9) | (1 << 8);
  p[51] = 0x200;
  p[52] = 0x200;
  p[53] = 1 | (1 << 1) | (1 << 2);
  p[54] = d.cylinders;
  p[55] = d.heads;
  p[56] = d.sectors;
  const oldsize = (d.cylinders * d.heads * d.sectors) >>> 0;
  p[57] = oldsize & 0xffff;
  p[58] = oldsize >>> 16;
  if (d.multSectors) p[59] = 0x100 | d.multSectors;
  p[62] = 0x07;
  p[63] = 0x07;
  p[64] = 0x03;
  p[65] = 120;
  p[66] = 120;
  p[67] = 120;
  p[68] = 120;
  p[80] = 0xf0;
  p[81] = 0x16;
  p[82] = (1 << 14) | (1 << 5) | 1;
  p[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10);
  p[84] = 1 << 14;
  p[85] = d.writeCache ? (1 << 14) | (1 << 5) | 1 : (1 << 14) | 1;
  p[86] = (1 << 13) | (1 << 12) | (1 << 10);
  p[87] = 1 << 14;
  p[88] = 0x3f | (1 << 13);
  p[93] = 1 | (1 << 14) | 0x2000;
  // 512-byte physical sectors (logical per physical exponent 0).
  p[106] = 0x6000;
  const lba28 = Math.min(d.nbSectors, 2 ** 28 - 1);
  p[60] = lba28 & 0xffff;
  p[61] = Math.floor(lba28 / 65536) & 0xffff;
  p[100] = d.nbSectors & 0xffff;
  p[101] = Math.floor(d.nbSectors / 2 ** 16) & 0xffff;
  p[102] = Math.floor(d.nbSectors / 2 ** 32) & 0xffff;
  p[103] = Math.floor(d.nbSectors / 2 ** 48) & 0xffff;
}

export function atapiIdentify(p: Uint16Array, serial: string, model: string): void {
  p.fill(0);
  // Removable CD-ROM, 50 us DRQ response, 12-byte packets.
  p[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
  padstr(p, 10, serial, 20);
  p[20] = 3;
  p[21] = 512;
  p[22] = 4;
  padstr(p, 23, IDE_VERSION, 8);
  padstr(p, 27, model, 40);
  p[48] = 1;
  p[49] = (1 << 9) | (1 << 8);
  p[53] = 7;
  p[62] = 7;
  p[63] = 7;
  p[64] = 3;
  p[65] = 0xb4;
  p[66] = 0xb4;
  p[67] = 0x12c;
  p[68] = 0xb4;
  p[71] = 30;
  p[72] = 30;
  p[80] = 0x1e;
  p[88] = 0x3f | (1 << 13);
}
