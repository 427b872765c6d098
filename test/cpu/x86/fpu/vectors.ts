// Runs the lines of the fpu-vec-* goldens (recorded on QEMU 7.2 by roms/src/lib/fpuvec.inc) on
// tcg86's x87 operations directly, without a CPU: each line gives the control word, the two
// operands, the memory operand, and what QEMU's fnsave and memory showed after the op.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { f80, type F80 } from '../../../../src/cpu/x86/fpu/floatx80.js';
import { X87State } from '../../../../src/cpu/x86/fpu/x87-state.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface Vector {
  line: string;
  op: number;
  cw: number;
  a: F80;
  b: F80;
  mem: Uint8Array;
  want: { fsw: number; ftw: number; st0: F80; st1: F80; mem: Uint8Array };
}

function p80(s: string): F80 {
  const [h, l] = s.split(':') as [string, string];
  return f80(parseInt(h, 16), BigInt('0x' + l));
}
function bytes80(s: string): Uint8Array {
  const v = p80(s);
  const out = new Uint8Array(10);
  for (let k = 0; k < 8; k++) out[k] = Number((v.low >> BigInt(8 * k)) & 0xffn);
  out[8] = v.high & 0xff;
  out[9] = v.high >> 8;
  return out;
}

export function loadVectors(rom: string): Vector[] {
  const text = fs.readFileSync(path.join(ROOT, 'test/golden/roms', `${rom}.out`), 'latin1');
  const out: Vector[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{2}) ([0-9a-f]{4}) (\S+) (\S+) (\S+) > ([0-9a-f]{4}) ([0-9a-f]{4}) (\S+) (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    out.push({
      line,
      op: parseInt(m[1]!, 16),
      cw: parseInt(m[2]!, 16),
      a: p80(m[3]!),
      b: p80(m[4]!),
      mem: bytes80(m[5]!),
      want: { fsw: parseInt(m[6]!, 16), ftw: parseInt(m[7]!, 16), st0: p80(m[8]!), st1: p80(m[9]!), mem: bytes80(m[10]!) },
    });
  }
  return out;
}

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
export function fmt80(v: F80): string {
  return `${hex(v.high, 4)}:${hex(Number(v.low >> 32n), 8)}${hex(Number(v.low & 0xffffffffn), 8)}`;
}
function fmtMem(b: Uint8Array): string {
  let lo = 0n;
  for (let k = 7; k >= 0; k--) lo = (lo << 8n) | BigInt(b[k]!);
  return fmt80(f80(b[8]! | (b[9]! << 8), lo));
}

/** The memory operand as the op sees it (little-endian bytes). */
export class Mem {
  constructor(readonly b: Uint8Array) {}
  u16(): number {
    return this.b[0]! | (this.b[1]! << 8);
  }
  u32(): number {
    return (this.b[0]! | (this.b[1]! << 8) | (this.b[2]! << 16) | (this.b[3]! << 24)) >>> 0;
  }
  u64(): bigint {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(this.b[k]!);
    return v;
  }
  set16(v: number): void {
    this.b[0] = v & 0xff;
    this.b[1] = (v >> 8) & 0xff;
  }
  set32(v: number): void {
    for (let k = 0; k < 4; k++) this.b[k] = (v >>> (8 * k)) & 0xff;
  }
  set64(v: bigint): void {
    for (let k = 0; k < 8; k++) this.b[k] = Number((v >> BigInt(8 * k)) & 0xffn);
  }
}

export type VectorOp = (x: X87State, m: Mem) => void;

/** Run one vector as the ROM does (fninit, fldcw, fld B, fld A, op, fnsave); returns the mismatch, or null. */
export function runVector(v: Vector, op: VectorOp): string | null {
  const x = new X87State();
  x.present = true;
  x.fninit();
  x.setFpuc(v.cw);
  x.push();
  x.setSt(0, v.b);
  x.push();
  x.setSt(0, v.a);
  const m = new Mem(Uint8Array.from(v.mem));
  op(x, m);
  const got = `${hex(x.fsw, 4)} ${hex(x.fullTagWord, 4)} ${fmt80(x.st(0))} ${fmt80(x.st(1))} ${fmtMem(m.b)}`;
  const want = v.line.split(' > ')[1]!;
  return got === want ? null : `${v.line}\n  got ${' '.repeat(v.line.indexOf(' > ') - 2)}${got}`;
}
