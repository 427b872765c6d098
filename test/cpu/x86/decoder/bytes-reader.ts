// Test helper: a CodeReader over a byte array placed at a given EIP, that records the EIPs read.
import { decode, Insn, type CodeReader } from '../../../../src/cpu/x86/decoder/index.js';

export class BytesReader implements CodeReader {
  readonly reads: number[] = [];
  constructor(private bytes: ArrayLike<number>, private at = 0, private wrap = 0x1_0000_0000) {}

  readCode8(eip: number): number {
    this.reads.push(eip);
    const i = (eip - this.at + this.wrap) % this.wrap;
    if (i >= this.bytes.length) throw new Error(`read past the test bytes at ${eip.toString(16)}`);
    return this.bytes[i]!;
  }
}

/** Decodes `bytes` at `eip` into a fresh Insn. */
export function dec(bytes: ArrayLike<number>, code32: boolean, eip = 0): Insn {
  const insn = new Insn();
  decode(insn, new BytesReader(bytes, eip, code32 ? 0x1_0000_0000 : 0x1_0000), eip, code32);
  return insn;
}

/** Bytes from a hex string such as "66 0f b6 c0". */
export function hex(s: string): number[] {
  return s.trim().split(/\s+/).map((h) => parseInt(h, 16));
}
