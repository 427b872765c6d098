// Differential-test ROM builder: from (seed, mode) makes a 64 KiB ROM as machine code bytes (no
// nasm) that sets registers/memory, runs a random instruction block and dumps state to port 0xE9.
//
// ROM layout: offset 0 setup (real mode; then PM / PM+paging), then the block, the normal-end
// save code, the exception stubs and common handler, the dump routine, the data blob copied to
// RAM by setup, the reset vector at 0xFFF0. Physical RAM: 0x000 IVT, 0x500 GDT, 0x600 IDT (32
// gates), 0x800 SAVE area, stack top 0x1F00, data windows around 0x4000 (remapped page under
// paging), 0x5000 (not present under paging) and 0x7000 (read-only under paging, CR0.WP=1),
// page directory 0xA000, page table 0xB000, frame 0xC000 (backs virtual 0x4000 under paging).
//
// Dump (raw bytes on 0xE9): the 68-byte SAVE area (vector or 0xFFFFFFFF for a normal end, error
// code, CR2, frame EIP/CS/EFLAGS (EFLAGS from pushfd on a normal end), EAX..EDI, ES CS SS DS FS
// GS), then each memory window. The host side (dump.ts) turns it into text. Seeds from
// FPU_SEEDS_FROM (gen-fpu.ts) on also draw x87 and MMX units.

import { FPU_SEEDS_FROM, mmxUnit, x87Unit, type FpuHost } from './gen-fpu.js';

export type Mode = 'real' | 'pm' | 'paging';
export const MODES: readonly Mode[] = ['real', 'pm', 'paging'];

export const SAVE = 0x800;
export const SAVE_LEN = 68;
export const STACK_TOP = 0x1f00;
const GDT = 0x500;
const IDT = 0x600;
const PD = 0xa000;
const PT = 0xb000;
const REMAP_FRAME = 0xc000;
const ROM_BASE = 0xf0000;

export interface Window {
  name: string;
  start: number;
  len: number;
}

/** Data windows the block addresses (virtual = linear), and how much of each is dumped. */
export function windows(mode: Mode): Window[] {
  return [
    { name: 'stack', start: STACK_TOP - 0x80, len: 0xc0 },
    { name: 'w4000', start: 0x3f80, len: 0x100 },
    { name: 'w5000', start: 0x4f80, len: mode === 'paging' ? 0x80 : 0x100 },
    { name: 'w7000', start: 0x6f80, len: 0x100 },
  ];
}
/** Windows random accesses target (the full range, even where paging makes it fault). */
const TARGETS = [
  { start: 0x3f80, end: 0x4080, boundary: 0x4000 },
  { start: 0x4f80, end: 0x5080, boundary: 0x5000 },
  { start: 0x6f80, end: 0x7080, boundary: 0x7000 },
];

// ---------------------------------------------------------------------------------------------
// Random numbers (mulberry32), deterministic for a seed.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
    for (let i = 0; i < 4; i++) this.u32();
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  /** A register value biased towards edge cases. */
  value(): number {
    switch (this.int(12)) {
      case 0: return 0;
      case 1: return 1;
      case 2: return 0xffffffff;
      case 3: return 0x80000000;
      case 4: return 0x7fffffff;
      case 5: return this.pick([0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0xff80, 0xffffff7f]);
      case 6: return this.int(256);
      case 7: return this.int(65536);
      case 8: return (this.u32() & 0xffff00ff) >>> 0;
      default: return this.u32();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers.

const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
const SEG_PREFIX = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

interface SegState {
  base: number;
  usable: boolean;
  writable: boolean;
}

/** An r/m operand: prefixes to put before the opcode and the ModRM..disp bytes for a reg field. */
export interface RM {
  pre: number[];
  /** ModRM..disp for a reg field; `add` is added to the displacement (next field of a pair). */
  tail(reg: number, add?: number): number[];
  mem: boolean;
  reg: number;
  /** Registers the address setup loaded (not to be clobbered before the instruction). */
  used: number[];
}

/** One unit of the block: a few instructions that belong together (setup + the instruction). */
/** Every unit class the generator makes (Gen.unit). */
export const UNIT_KINDS = ['alu', 'unary', 'shift', 'shxd', 'muldiv', 'imul', 'bcd', 'flags', 'branch', 'string', 'bits', 'move', 'stack', 'segload', 'fault', 'x87', 'mmx'] as const;
/** The kinds only seeds from FPU_SEEDS_FROM on draw (gen-fpu.ts). */
export const FPU_UNIT_KINDS: readonly string[] = ['x87', 'mmx'];

export interface Unit {
  kind: string;
  bytes: number[];
}

class Gen implements FpuHost {
  readonly code32: boolean;
  readonly seg: SegState[];
  out: number[] = [];
  /** Net dwords/words pushed by the block so far (bounded so the stack stays in its window). */
  depth = 0;

  constructor(
    readonly r: Rng,
    readonly mode: Mode,
    /** Draw x87 and MMX units too (seeds from FPU_SEEDS_FROM on). */
    readonly fpu = false,
  ) {
    this.code32 = mode !== 'real';
    this.seg = [0, 1, 2, 3, 4, 5].map((i) => ({
      base: i === CS ? (mode === 'real' ? ROM_BASE : 0) : 0,
      usable: true,
      writable: i !== CS,
    }));
  }

  e(...b: number[]): void {
    for (const x of b) this.out.push(x & 0xff);
  }
  /** Operand-size prefix for size 16/32 (8: none). */
  osz(size: number): number[] {
    if (size === 8) return [];
    return (size === 32) !== this.code32 ? [0x66] : [];
  }
  imm(size: number, v: number): number[] {
    return size === 8 ? [v & 0xff] : size === 16 ? le16(v) : le32(v);
  }
  /** mov reg, imm (full 32-bit register, upper bits set too). */
  movImm32(reg: number, v: number): void {
    this.e(...this.osz(32), 0xb8 + reg, ...le32(v));
  }
  movImm16(reg: number, v: number): void {
    this.e(...this.osz(16), 0xb8 + reg, ...le16(v));
  }
  sizeOf(): number {
    return this.r.pick([8, 16, 32, 32]);
  }
  /** A register that may be written at this size (never ESP/SP). */
  dreg(size: number): number {
    if (size === 8) return this.r.int(8);
    let x;
    do x = this.r.int(8);
    while (x === ESP);
    return x;
  }

  /** A linear address in a data window for an access of `span` bytes, often at a page boundary. */
  target(span: number): number {
    // Under paging, 0x5000 (not present) and 0x7000 (read-only) end the block: mostly use 0x4000.
    const t = this.mode === 'paging' && this.r.chance(0.75) ? TARGETS[0]! : this.r.pick(TARGETS);
    let a: number;
    if (this.r.chance(0.5)) a = t.boundary - this.r.range(0, span + 1) + (this.r.chance(0.2) ? this.r.range(0, 2) : 0);
    else a = this.r.range(t.start, t.end - span);
    return Math.max(t.start, Math.min(a, t.end - span));
  }
  /** Offset of `linear` in segment s if `span` bytes there are addressable (else -1). */
  offIn(s: number, linear: number, span: number, a32 = this.code32): number {
    const st = this.seg[s]!;
    if (!st.usable) return -1;
    const off = (linear - st.base) >>> 0;
    const lim = !a32 || this.mode === 'real' ? 0x10000 : 0x100000000;
    return off + span <= lim ? off : -1;
  }
  /** A usable segment for a data access (writable if `write`); DS most of the time. */
  dataSeg(write: boolean, linear: number, span: number): number {
    const ok = (s: number) => s !== CS && !(write && !this.seg[s]!.writable) && this.offIn(s, linear, span) >= 0;
    const prefs = this.r.chance(0.6) ? [DS] : [this.r.pick([ES, DS, FS, GS, SS])];
    for (const s of [...prefs, DS, ES, SS, FS, GS]) if (ok(s)) return s;
    return -1;
  }

  /**
   * A memory operand addressing `span` bytes in a window; emits register setup into out.
   * `a32`: always 32-bit addressing (the x87 units: see gen-fpu.ts).
   */
  memRM(span: number, write: boolean, a32Only = false): RM | null {
    const lin = this.target(span);
    const s = this.dataSeg(write, lin, span);
    if (s < 0) return null;
    const off = (lin - this.seg[s]!.base) >>> 0;
    const r = this.r;
    // Address size: the code size, sometimes the other one (only where the offset fits 16 bits).
    let a32 = this.code32;
    if (r.chance(0.15)) a32 = !a32;
    if ((!a32 && off + span > 0x10000) || a32Only) a32 = true;
    const pre: number[] = [];
    if (a32 !== this.code32) pre.push(0x67);
    const used: number[] = [];
    const mov32 = (reg: number, v: number) => (used.push(reg), this.movImm32(reg, v));
    const mov16 = (reg: number, v: number) => (used.push(reg), this.movImm16(reg, v));
    let tail: (reg: number, add?: number) => number[];
    let defSeg = DS;
    if (a32) {
      const form = r.int(4);
      if (form === 0) {
        tail = (reg, add = 0) => [(reg << 3) | 5, ...le32(off + add)];
      } else if (form === 1) {
        const base = r.pick([EAX, ECX, EDX, EBX, EBP, ESI, EDI]);
        const disp = r.chance(0.5) ? r.range(-128, 119) : r.range(-0x1000, 0x1000);
        mov32(base, (off - disp) >>> 0);
        if (base === EBP) defSeg = SS;
        const d8 = disp >= -128 && disp <= 119;
        tail = (reg, add = 0) => [(d8 ? 0x40 : 0x80) | (reg << 3) | base, ...(d8 ? [(disp + add) & 0xff] : le32(disp + add))];
      } else {
        const base = r.pick([EAX, ECX, EDX, EBX, EBP, ESI, EDI]);
        let index;
        do index = r.pick([EAX, ECX, EDX, EBX, EBP, ESI, EDI]);
        while (index === base);
        const scale = r.int(4);
        const iv = r.chance(0.3) ? (r.range(-16, 16) >>> 0) : r.int(64);
        const disp = r.range(-128, 119);
        if (form === 3 && r.chance(0.5)) {
          // [index*scale + disp32], no base
          mov32(index, iv);
          const d = (off - Math.imul(iv, 1 << scale)) >>> 0;
          tail = (reg, add = 0) => [(reg << 3) | 4, (scale << 6) | (index << 3) | 5, ...le32(d + add)];
        } else {
          mov32(index, iv);
          mov32(base, (off - disp - Math.imul(iv, 1 << scale)) >>> 0);
          if (base === EBP) defSeg = SS;
          tail = (reg, add = 0) => [0x40 | (reg << 3) | 4, (scale << 6) | (index << 3) | base, (disp + add) & 0xff];
        }
      }
    } else {
      const rm = r.int(9); // 8: [disp16]
      if (rm === 8) {
        tail = (reg, add = 0) => [(reg << 3) | 6, ...le16(off + add)];
      } else {
        const regsOf: number[][] = [[EBX, ESI], [EBX, EDI], [EBP, ESI], [EBP, EDI], [ESI], [EDI], [EBP], [EBX]];
        const regs = regsOf[rm]!;
        if (rm === 2 || rm === 3 || rm === 6) defSeg = SS;
        const disp = r.chance(0.5) ? r.range(-128, 119) : r.int(0x10000);
        const d8 = disp >= -128 && disp <= 119;
        let rest = (off - (disp & 0xffff)) & 0xffff;
        if (regs.length === 2) {
          const v = r.int(0x10000);
          mov16(regs[0]!, v);
          rest = (rest - v) & 0xffff;
          mov16(regs[1]!, rest);
        } else mov16(regs[0]!, rest);
        tail = (reg, add = 0) => [(d8 ? 0x40 : 0x80) | (reg << 3) | rm, ...(d8 ? [(disp + add) & 0xff] : le16(disp + add))];
      }
    }
    if (s !== defSeg || r.chance(0.1)) pre.push(SEG_PREFIX[s]!);
    return { pre, tail, mem: true, reg: -1, used };
  }

  regRM(size: number, write: boolean): RM {
    const reg = write ? this.dreg(size) : this.r.int(8);
    return { pre: [], tail: (g) => [0xc0 | (g << 3) | reg], mem: false, reg, used: [] };
  }
  /** A register or memory operand of `size` bits. */
  rm(size: number, write: boolean, pMem = 0.4): RM {
    if (this.r.chance(pMem)) {
      const m = this.memRM(size / 8, write);
      if (m) return m;
    }
    return this.regRM(size, write);
  }
  /** Emit prefixes + size prefix + opcode bytes + modrm tail + immediate. */
  insn(size: number, rm: RM, op: number[], reg: number, imm: number[] = [], extraPre: number[] = []): void {
    this.e(...extraPre, ...rm.pre, ...(size === 0 ? [] : this.osz(size)), ...op, ...rm.tail(reg), ...imm);
  }

  // ---- units -----------------------------------------------------------------------------

  alu(): void {
    const r = this.r;
    const size = this.sizeOf();
    const op = r.int(8);
    const w = size === 8 ? 0 : 1;
    const form = r.int(4);
    if (form === 0) {
      // E, G or G, E
      const toE = r.chance(0.5);
      const e = this.rm(size, toE && op !== 7);
      this.insn(size, e, [op * 8 + w + (toE ? 0 : 2)], toE ? r.int(8) : this.dreg(size));
    } else if (form === 1) {
      const e = this.rm(size, op !== 7);
      if (size !== 8 && r.chance(0.4)) this.insn(size, e, [0x83], op, [r.value() & 0xff]);
      else this.insn(size, e, [size === 8 ? 0x80 : 0x81], op, this.imm(size, r.value()));
    } else if (form === 2) {
      this.e(...this.osz(size), op * 8 + 4 + w, ...this.imm(size, r.value()));
    } else {
      // reg, reg with the same register sometimes (xor eax,eax; sub; cmp)
      const a = this.dreg(size);
      const b = r.chance(0.3) ? a : r.int(8);
      this.e(...this.osz(size), op * 8 + w, 0xc0 | (b << 3) | a);
    }
  }

  unary(): void {
    const r = this.r;
    const size = this.sizeOf();
    const k = r.int(5);
    if (k === 0 && size !== 8 && !this.r.chance(0.5)) {
      this.e(...this.osz(size), (r.chance(0.5) ? 0x40 : 0x48) + this.dreg(size));
      return;
    }
    const e = this.rm(size, true);
    if (k <= 1) this.insn(size, e, [size === 8 ? 0xfe : 0xff], r.int(2));
    else if (k === 2) this.insn(size, e, [size === 8 ? 0xf6 : 0xf7], 2);
    else if (k === 3) this.insn(size, e, [size === 8 ? 0xf6 : 0xf7], 3);
    else {
      // test E, imm / test E, G / test al, imm
      const t = r.int(3);
      if (t === 0) this.insn(size, e, [size === 8 ? 0xf6 : 0xf7], 0, this.imm(size, r.value()));
      else if (t === 1) this.insn(size, e, [size === 8 ? 0x84 : 0x85], r.int(8));
      else this.e(...this.osz(size), size === 8 ? 0xa8 : 0xa9, ...this.imm(size, r.value()));
    }
  }

  shift(): void {
    const r = this.r;
    const size = this.sizeOf();
    const op = r.int(8); // rol ror rcl rcr shl shr sal sar
    const count = r.pick([0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, r.int(256)]);
    const form = r.int(3);
    const e = this.rm(size, true);
    if (form === 2 && !e.used.includes(ECX)) this.e(0xb1, count); // mov cl, count
    if (form === 0) this.insn(size, e, [size === 8 ? 0xc0 : 0xc1], op, [count]);
    else if (form === 1) this.insn(size, e, [size === 8 ? 0xd0 : 0xd1], op);
    else this.insn(size, e, [size === 8 ? 0xd2 : 0xd3], op);
  }

  shxd(): void {
    const r = this.r;
    const size = r.pick([16, 32]);
    const right = r.chance(0.5);
    const byCl = r.chance(0.5);
    const count = r.pick([0, 1, 4, 8, 15, 16, 17, 31, 32, r.int(256)]);
    const e = this.rm(size, true);
    if (byCl && !e.used.includes(ECX)) this.e(0xb1, count);
    this.insn(size, e, [0x0f, (right ? 0xac : 0xa4) + (byCl ? 1 : 0)], r.int(8), byCl ? [] : [count]);
  }

  muldiv(): void {
    const r = this.r;
    const size = this.sizeOf();
    const op = r.range(4, 7);
    const e = this.rm(size, false);
    if (op >= 6 && r.chance(0.75) && !e.used.includes(EDX) && !e.used.includes(EAX)) {
      // A dividend that usually fits: small high half (or a sign extension for idiv).
      if (size === 8) this.e(...this.osz(16), 0x25, ...le16(r.value() & 0x3ff)); // and ax, imm
      else if (op === 7 && r.chance(0.5)) this.e(...this.osz(size), 0x99); // cwd/cdq
      else this.e(...this.osz(size), 0xb8 + EDX, ...this.imm(size, r.int(4)));
    }
    if (!e.mem && e.reg === EDX && size !== 8 && op >= 6 && r.chance(0.7)) {
      // dividing by the high half always overflows; use another register
      e.reg = EBX;
      e.tail = (g) => [0xc0 | (g << 3) | EBX];
    }
    this.insn(size, e, [size === 8 ? 0xf6 : 0xf7], op);
  }

  imul(): void {
    const r = this.r;
    const size = r.pick([16, 32]);
    const e = this.rm(size, false);
    const k = r.int(3);
    if (k === 0) this.insn(size, e, [0x0f, 0xaf], this.dreg(size));
    else if (k === 1) this.insn(size, e, [0x6b], this.dreg(size), [r.value() & 0xff]);
    else this.insn(size, e, [0x69], this.dreg(size), this.imm(size, r.value()));
  }

  bcd(): void {
    const r = this.r;
    const k = r.int(6);
    if (r.chance(0.5)) this.e(...this.osz(16), 0xb8 + EAX, ...le16(r.value())); // mov ax, imm
    if (r.chance(0.3)) this.e(...this.osz(32), 0x68, ...le32(r.u32() & 0x8d5), ...this.osz(32), 0x9d); // push imm; popf
    if (k < 4) this.e([0x27, 0x2f, 0x37, 0x3f][k]!);
    else this.e(k === 4 ? 0xd4 : 0xd5, r.pick([10, 10, 10, 16, 7, 1, 0xff, r.int(256), ...(k === 4 && r.chance(0.3) ? [0] : [])]));
  }

  flags(): void {
    const r = this.r;
    const k = r.int(9);
    if (k < 5) this.e([0xf8, 0xf9, 0xf5, 0xfc, 0xfd][k]!); // clc stc cmc cld std
    else if (k === 5) this.e(0x9f); // lahf
    else if (k === 6) this.e(0x9e); // sahf
    else if (k === 7 && this.depth < 20) {
      // pushf; pop reg
      const size = r.pick([16, 32]);
      this.e(...this.osz(size), 0x9c, ...this.osz(size), 0x58 + this.dreg(size));
    } else {
      // push imm32; popf: arithmetic flags and DF only
      const v = r.u32() & 0xcd5;
      this.e(...this.osz(32), 0x68, ...le32(v), ...this.osz(32), 0x9d);
    }
  }

  /** A flag producer followed by jcc over one or two units, setcc or cmovcc. */
  branch(): void {
    const r = this.r;
    if (r.chance(0.5)) this.r.pick([() => this.alu(), () => this.shift(), () => this.unary()])();
    const cc = r.int(16);
    const k = r.int(5);
    if (k <= 1) {
      const near = k === 1;
      const at = this.out.length;
      if (near) this.e(0x0f, 0x80 + cc, ...(this.code32 ? [0, 0, 0, 0] : [0, 0]));
      else this.e(0x70 + cc, 0);
      const from = this.out.length;
      for (let n = r.range(1, 2); n > 0; n--) this.simpleUnit();
      const dist = this.out.length - from;
      if (!near && dist > 127) {
        // too far for rel8: fall back to no skip (jcc +0)
        this.out[at + 1] = 0;
        return;
      }
      if (near) {
        const b = this.code32 ? le32(dist) : le16(dist);
        b.forEach((x, i) => (this.out[at + 2 + i] = x));
      } else this.out[at + 1] = dist;
    } else if (k === 2) {
      const e = this.rm(8, true);
      this.insn(0, e, [0x0f, 0x90 + cc], 0);
    } else if (k === 3) {
      const size = r.pick([16, 32]);
      const e = this.rm(size, false);
      this.insn(size, e, [0x0f, 0x40 + cc], this.dreg(size));
    } else {
      // jcxz/jecxz, loop/loopz/loopnz with a small count around a simple register op
      const n = r.range(0, 4);
      const c32 = this.code32 !== r.chance(0.2);
      // high bits of ECX only matter with a 32-bit counter: set them only for a 16-bit one
      const ctr = !c32 && r.chance(0.3) ? ((r.u32() & 0xffff0000) | n) >>> 0 : n;
      this.movImm32(ECX, ctr);
      const body = this.out.length;
      const reg = r.pick([EAX, EDX, EBX, ESI, EDI, EBP]);
      this.e(...this.osz(32), r.pick([0x01, 0x31, 0x29, 0x11]), 0xc0 | (r.pick([EAX, EDX, EBX]) << 3) | reg);
      const ad = c32 !== this.code32 ? [0x67] : [];
      const op = r.pick([0xe2, 0xe1, 0xe0, 0xe3]);
      if (op === 0xe3) {
        this.e(...ad, 0xe3, 2, 0x90, 0x90); // jcxz over two nops
      } else {
        const rel = body - (this.out.length + ad.length + 2);
        this.e(...ad, op, rel & 0xff);
        // with counter 0 the loop would run 2^16/2^32 times: only loopz/loopnz may stop early,
        // so a zero count is only used with jcxz
        if (n === 0 && (ctr & (c32 ? 0xffffffff : 0xffff)) === 0) {
          const o = this.out;
          o.length = body;
          this.e(0x90);
        }
      }
    }
  }

  string(): void {
    const r = this.r;
    const es = this.seg[ES]!;
    if (!es.usable || !es.writable) return this.alu();
    const size = r.pick([8, 16, 32]);
    const n = size / 8;
    const kind = r.int(5); // movs cmps stos lods scas
    const rep = r.pick([0, 0xf3, 0xf3, 0xf2]);
    const count = rep ? r.range(0, 6) : 1;
    const down = r.chance(0.3);
    this.e(down ? 0xfd : 0xfc);
    const a32 = this.code32 !== r.chance(0.2);
    const span = Math.max(1, count) * n;
    const pick = (s: number) => {
      for (let tries = 0; tries < 4; tries++) {
        const t = r.pick(TARGETS);
        let lo = down ? t.boundary - n + r.range(-2, span) : t.boundary - span + r.range(-2, span);
        lo = Math.max(t.start + (down ? span : 0), Math.min(lo, t.end - (down ? n : span)));
        const first = down ? lo - span + n : lo;
        const off = this.offIn(s, first, span, a32);
        if (off >= 0) return (off + (lo - first)) >>> 0;
      }
      return -1;
    };
    let srcSeg = DS;
    if (r.chance(0.25)) srcSeg = r.pick([ES, SS, FS, GS, DS]);
    if (!this.seg[srcSeg]!.usable) srcSeg = ES;
    const si = pick(srcSeg);
    const di = pick(ES);
    if (si < 0 || di < 0) return this.alu();
    const hi = () => (a32 ? 0 : r.u32() & 0xffff0000);
    this.movImm32(ESI, (hi() | si) >>> 0);
    this.movImm32(EDI, (hi() | di) >>> 0);
    this.movImm32(ECX, (hi() | count) >>> 0);
    if (kind === 1 || kind === 4) this.movImm32(EAX, r.chance(0.5) ? 0 : r.value());
    const op = [0xa4, 0xa6, 0xaa, 0xac, 0xae][kind]! + (size === 8 ? 0 : 1);
    const pre: number[] = [];
    if (rep) pre.push(rep);
    if (a32 !== this.code32) pre.push(0x67);
    if (srcSeg !== DS && (kind === 0 || kind === 1 || kind === 3)) pre.push(SEG_PREFIX[srcSeg]!);
    this.e(...pre, ...this.osz(size), op);
  }

  bits(): void {
    const r = this.r;
    const size = r.pick([16, 32]);
    const k = r.int(5);
    if (k === 0) {
      // bt/bts/btr/btc E, G with a small (possibly negative) bit offset
      const e = this.rm(size, true);
      let g = this.dreg(size);
      while (e.used.includes(g)) g = this.dreg(size);
      const bit = r.range(-40, 72);
      if (e.mem) this.e(...this.osz(32), 0xb8 + g, ...le32(bit >>> 0));
      this.insn(size, e, [0x0f, 0xa3 + 8 * r.int(4)], g);
    } else if (k === 1) {
      const e = this.rm(size, true);
      this.insn(size, e, [0x0f, 0xba], r.range(4, 7), [r.int(256)]);
    } else if (k === 2) {
      const e = this.rm(size, false);
      this.insn(size, e, [0x0f, r.chance(0.5) ? 0xbc : 0xbd], this.dreg(size));
    } else if (k === 3) {
      this.e(...this.osz(32), 0x0f, 0xc8 + this.dreg(32));
    } else {
      const e = this.rm(8, false);
      this.insn(size, e, [0x0f, r.pick([0xb6, 0xbe])], this.dreg(size));
    }
  }

  move(): void {
    const r = this.r;
    const size = this.sizeOf();
    const w = size === 8 ? 0 : 1;
    const k = r.int(11);
    if (k === 0) {
      const toE = r.chance(0.5);
      const e = this.rm(size, toE);
      this.insn(size, e, [0x88 + w + (toE ? 0 : 2)], toE ? r.int(8) : this.dreg(size));
    } else if (k === 1) {
      const e = this.rm(size, true);
      this.insn(size, e, [0xc6 + w], 0, this.imm(size, r.value()));
    } else if (k === 2) {
      const e = this.rm(16, false);
      this.insn(32, e, [0x0f, r.pick([0xb7, 0xbf])], this.dreg(32));
    } else if (k === 3) {
      const e = this.rm(size, true);
      this.insn(size, e, [0x86 + w], this.dreg(size));
    } else if (k === 4) {
      const e = this.rm(size, true);
      this.insn(size, e, [0x0f, 0xb0 + w], r.int(8)); // cmpxchg
    } else if (k === 5) {
      const e = this.rm(size, true);
      this.insn(size, e, [0x0f, 0xc0 + w], this.dreg(size)); // xadd
    } else if (k === 6) {
      // lea with arbitrary registers: no memory access
      const s = r.pick([16, 32]);
      const modrm = (r.int(3) << 6) | (this.dreg(s) << 3) | r.int(8);
      const tail: number[] = [modrm];
      const mod = modrm >> 6;
      const a32 = this.code32 !== r.chance(0.2);
      if (a32 && (modrm & 7) === 4) tail.push(r.int(256));
      const sibBase5 = a32 && (modrm & 7) === 4 && (tail[1]! & 7) === 5;
      if (mod === 1) tail.push(r.int(256));
      else if (mod === 2 || (mod === 0 && (a32 ? (modrm & 7) === 5 || sibBase5 : (modrm & 7) === 6))) tail.push(...(a32 ? le32(r.u32()) : le16(r.int(65536))));
      this.e(...(a32 !== this.code32 ? [0x67] : []), ...this.osz(s), 0x8d, ...tail);
    } else if (k === 7) {
      this.e(...this.osz(r.pick([16, 32])), r.pick([0x98, 0x99]));
    } else if (k === 8) {
      // xlat: EBX (BX) + AL in a window
      const t = r.pick(TARGETS);
      const base = this.offIn(DS, t.start, 256);
      if (base < 0) return;
      this.movImm32(EBX, base);
      this.e(0xb0, r.int(256), 0xd7);
    } else if (k === 9) {
      this.e(...this.osz(size), size === 8 ? 0xb0 + r.int(8) : 0xb8 + this.dreg(size), ...this.imm(size, r.value()));
    } else {
      // cmpxchg8b [mem]
      const m = this.memRM(8, true);
      if (m) this.insn(0, m, [0x0f, 0xc7], 1);
    }
  }

  stack(): void {
    const r = this.r;
    const size = r.pick([16, 32]);
    const k = r.int(6);
    const w = size / (this.code32 ? 32 : 16);
    if ((k <= 2 && this.depth < 24) || this.depth < -8) {
      this.depth += w;
      if (k === 0 || this.depth < -8) this.e(...this.osz(size), 0x50 + r.int(8));
      else if (k === 1) this.e(...this.osz(size), 0x68, ...this.imm(size, r.value()));
      else {
        const e = this.memRM(size / 8, false);
        if (!e) this.e(...this.osz(size), 0x6a, r.int(256));
        else this.insn(size, e, [0xff], 6);
      }
    } else if (k === 5 && this.depth < 8) {
      this.depth += 8 * w;
      this.e(...this.osz(size), 0x60); // pusha
    } else if (k === 4 && this.depth >= 8 * w - 4) {
      this.depth -= 8 * w;
      this.e(...this.osz(size), 0x61); // popa
    } else {
      this.depth -= w;
      if (r.chance(0.7)) this.e(...this.osz(size), 0x58 + this.dreg(size));
      else {
        const e = this.memRM(size / 8, true);
        if (!e) this.e(...this.osz(size), 0x58 + this.dreg(size));
        else this.insn(size, e, [0x8f], 0);
      }
    }
  }

  /** Segment register loads (the only way a block changes DS/ES/FS/GS/SS). */
  segload(): void {
    const r = this.r;
    if (this.mode === 'real') {
      // Real mode: a base that keeps the windows within 64 KiB of it.
      const s = r.pick([ES, DS, FS, GS]);
      const v = r.pick([0, 0x100, 0x1e0, 0x300, 0x3f0, 0x400, 0x4f8, 0x5ff, r.int(0x1e8)]);
      if (r.chance(0.5)) {
        this.movImm16(EAX, v);
        this.e(0x8e, 0xc0 | (s << 3) | EAX);
      } else {
        this.e(0x68, ...le16(v)); // push imm16
        this.e(...(s === FS ? [0x0f, 0xa1] : s === GS ? [0x0f, 0xa9] : s === ES ? [0x07] : [0x1f]));
      }
      this.seg[s] = { base: v * 16, usable: true, writable: true };
      return;
    }
    // Protected mode: GDT selectors, good and bad (see buildGdt).
    const good = [0x10, 0x18, 0x13, 0x38, 0x30, 0x48, 0x00];
    const bad = [0x20, 0x28, 0x40, 0x50, 0x58, 0x14, 0x1c, 0x08 + 0];
    let sreg = r.pick([ES, DS, FS, GS, DS, SS]);
    let sel: number;
    const faulty = r.chance(0.15);
    if (sreg === SS) sel = faulty ? r.pick([0x00, 0x20, 0x30, 0x48, 0x13, 0x28, 0x50, 0x08]) : r.pick([0x10, 0x38]);
    else sel = faulty ? r.pick(bad) : r.pick(good);
    if (sel === 0x08 && sreg !== SS) sel = 0x28; // readable code is a fine data segment: use exec-only
    const how = r.int(4);
    if (how === 0 || (how === 3 && sreg === SS)) {
      this.movImm16(EAX, sel | (r.u32() & 0xffff0000));
      this.e(0x8e, 0xc0 | (sreg << 3) | EAX);
    } else if (how === 1 && sreg !== FS && sreg !== GS && sreg !== SS) {
      this.e(0x6a, sel); // push imm8 (sign-extended; all our selectors < 0x80)
      this.e(sreg === ES ? 0x07 : 0x1f);
      this.depth += 1;
      this.depth -= 1;
    } else {
      // lds/les/lfs/lgs/lss reg, far pointer in memory (written just before)
      if (sreg === SS) sreg = DS;
      const size = r.pick([16, 32]);
      const m = this.memRM(size / 8 + 2, true);
      if (!m) return;
      const off = r.value();
      this.insn(size, m, [0xc7], 0, this.imm(size, off));
      // the selector word follows the offset: store it through the same address + size/8
      const m2: RM = { ...m, tail: (g) => m.tail(g, size / 8) };
      this.insn(16, m2, [0xc7], 0, le16(sel));
      const op = sreg === ES ? [0xc4] : sreg === DS ? [0xc5] : sreg === FS ? [0x0f, 0xb4] : [0x0f, 0xb5];
      this.insn(size, m, op, this.dreg(size));
    }
    if (!faulty) {
      this.seg[sreg] = {
        base: sel === 0x18 ? 0x1000 : 0,
        usable: sel !== 0,
        writable: sel !== 0x30,
      };
    }
  }

  /** Instructions that raise an exception (the block ends there). */
  fault(): void {
    const r = this.r;
    const k = r.int(11);
    if (k === 0) this.e(0x0f, 0x0b); // ud2
    else if (k === 1) this.e(0xcc); // int3
    else if (k === 2) this.e(0xcd, r.pick([0, 1, 3, 4, 5, 6, 7, 9, 16, 18, 19, 31, ...(this.code32 ? [0x40, 0xff] : [])]));
    else if (k === 3) this.e(...this.osz(32), 0x68, ...le32(r.u32() & 0x8d5), ...this.osz(32), 0x9d, 0xce); // into
    else if (k === 4) this.e(0x8d, 0xc0 | (r.int(8) << 3) | r.int(8)); // lea reg, reg: #UD
    else if (k === 5) this.e(0x8e, 0xc8 | r.int(8)); // mov cs, reg: #UD
    else if (k === 6) {
      // bound reg, [mem] with bounds written just before
      const size = r.pick([16, 32]);
      const m = this.memRM((size / 8) * 2, true);
      if (!m) return;
      const lo = r.value(), hi = r.value();
      this.insn(size, m, [0xc7], 0, this.imm(size, lo));
      this.insn(size, { ...m, tail: (g) => m.tail(g, size / 8) }, [0xc7], 0, this.imm(size, hi));
      this.insn(size, m, [0x62], this.dreg(size));
    } else if (k === 7) {
      this.e(0xd4, 0); // aam 0: #DE
    } else if (k === 8) {
      // a store that straddles into the not-present / read-only page
      const size = r.pick([16, 32]);
      const bnd = r.pick([0x5000, 0x7000]);
      const off = this.offIn(DS, bnd - r.range(1, size / 8 - 1), size / 8);
      if (off < 0 || !this.seg[DS]!.writable) return this.e(0x0f, 0x0b);
      this.e(...this.osz(size), 0xc7, this.code32 ? 0x05 : 0x06, ...(this.code32 ? le32(off) : le16(off)), ...this.imm(size, r.value()));
    } else if (k === 9) {
      // a load from the not-present page
      const off = this.offIn(DS, 0x5000 + r.int(0x80), 4);
      if (off < 0) return this.e(0xcc);
      this.e(...this.osz(32), 0x8b, this.code32 ? 0x05 : 0x06, ...(this.code32 ? le32(off) : le16(off)));
    } else {
      // a divide that overflows / divides by zero
      this.movImm32(EBX, r.chance(0.5) ? 0 : 1);
      this.movImm32(EDX, 0xffff);
      this.e(...this.osz(r.pick([16, 32])), 0xf7, 0xf0 | EBX);
    }
  }

  simpleUnit(): void {
    this.r.pick([() => this.alu(), () => this.unary(), () => this.shift(), () => this.move(), () => this.flags(), () => this.bits()])();
  }

  unit(): Unit {
    this.out = [];
    const r = this.r;
    // The names and order here are UNIT_KINDS'.
    const kinds: [string, number, () => void][] = [
      ['alu', 14, () => this.alu()],
      ['unary', 6, () => this.unary()],
      ['shift', 10, () => this.shift()],
      ['shxd', 4, () => this.shxd()],
      ['muldiv', 6, () => this.muldiv()],
      ['imul', 3, () => this.imul()],
      ['bcd', 4, () => this.bcd()],
      ['flags', 4, () => this.flags()],
      ['branch', 8, () => this.branch()],
      ['string', 7, () => this.string()],
      ['bits', 5, () => this.bits()],
      ['move', 10, () => this.move()],
      ['stack', 5, () => this.stack()],
      ['segload', 4, () => this.segload()],
      ['fault', 1, () => this.fault()],
    ];
    // Appended only for the seeds that have them, so the older seeds keep their programs.
    if (this.fpu) kinds.push(['x87', 8, () => x87Unit(this)], ['mmx', 6, () => mmxUnit(this)]);
    if (kinds.some((k, n) => k[0] !== UNIT_KINDS[n])) throw new Error('difftest gen: unit kinds out of step with UNIT_KINDS');
    const total = kinds.reduce((a, k) => a + k[1], 0);
    let x = r.int(total);
    for (const [name, w, f] of kinds) {
      if (x < w) {
        f();
        return { kind: name, bytes: this.out };
      }
      x -= w;
    }
    throw new Error('unreachable');
  }
}

// ---------------------------------------------------------------------------------------------
// The ROM.

export interface Program {
  seed: number;
  mode: Mode;
  /** Initial register values EAX..EDI (ESP is fixed) and EFLAGS. */
  regs: number[];
  eflags: number;
  units: Unit[];
  /** Initial bytes of every window (same order as windows(mode)). */
  init: Uint8Array[];
}

export function generate(seed: number, mode: Mode, maxUnits = 24): Program {
  const r = new Rng((Math.imul(seed, 0x9e3779b1) ^ (MODES.indexOf(mode) * 0x85ebca6b)) >>> 0);
  const regs = Array.from({ length: 8 }, (_, i) => (i === ESP ? STACK_TOP : r.value()));
  if (mode === 'real') regs[ESP] = STACK_TOP;
  const eflags = (r.u32() & 0x8d5) | 2; // CF PF AF ZF SF OF DF
  const init = windows(mode).map((w) => Uint8Array.from({ length: w.len }, () => (r.chance(0.2) ? r.pick([0, 0xff]) : r.int(256))));
  const g = new Gen(r, mode, seed >= FPU_SEEDS_FROM);
  const n = r.range(4, maxUnits);
  const units: Unit[] = [];
  for (let i = 0; i < n; i++) units.push(g.unit());
  return { seed, mode, regs, eflags, units, init };
}

/** The GDT: see segload() for which selectors are good and bad. Accessed bits preset. */
function buildGdt(): number[] {
  const d = (base: number, limit: number, access: number, flags: number) => [
    limit & 0xff, (limit >> 8) & 0xff, base & 0xff, (base >> 8) & 0xff, (base >> 16) & 0xff,
    access, (flags << 4) | ((limit >> 16) & 0xf), (base >>> 24) & 0xff,
  ];
  return [
    ...d(0, 0, 0, 0), // 0x00 null
    ...d(0, 0xfffff, 0x9b, 0xc), // 0x08 code32 flat
    ...d(0, 0xfffff, 0x93, 0xc), // 0x10 data32 flat
    ...d(0x1000, 0xfffff, 0x93, 0xc), // 0x18 data32 base 0x1000
    ...d(0, 0xfffff, 0x13, 0xc), // 0x20 data, not present
    ...d(0, 0xfffff, 0x99, 0xc), // 0x28 code32 execute-only
    ...d(0, 0xfffff, 0x91, 0xc), // 0x30 data read-only
    ...d(0, 0xfffff, 0x93, 0x8), // 0x38 data, B=0 (16-bit stack), 4 GiB
    ...d(0x700, 0x1f, 0x82, 0x0), // 0x40 LDT (system): not a data segment
    ...d(0, 0xfffff, 0xf3, 0xc), // 0x48 data DPL3
  ];
}
export const GDT_LIMIT = 10 * 8 - 1;

export interface Rom {
  image: Uint8Array;
  /** Offset in the image (and in segment F000) of the block and its end. */
  blockStart: number;
  blockEnd: number;
  /** Per unit: offset of its first byte. */
  unitOffsets: number[];
  code32: boolean;
}

/** Assemble a program (optionally only some of its units, for minimisation). */
export function buildRom(p: Program, keep?: readonly boolean[]): Rom {
  const rom = new Uint8Array(0x10000);
  const mode = p.mode;
  const code32 = mode !== 'real';
  const c: number[] = [];
  const e = (...b: number[]) => c.push(...b.map((x) => x & 0xff));
  const fix16: [number, string][] = [];
  const fix32: [number, string][] = [];
  const labels = new Map<string, number>();
  const here = () => c.length;

  // ---- real-mode setup ----
  e(0xfa, 0xfc); // cli; cld
  e(0x31, 0xc0, 0x8e, 0xd0); // xor ax,ax; mov ss,ax
  e(0xbc, ...le16(STACK_TOP)); // mov sp
  e(0xb8, 0x00, 0xf0, 0x8e, 0xd8); // mov ax,0xf000; mov ds,ax
  const chunks: { dst: number; data: number[] }[] = [];
  // IVT: vectors 0..31 -> F000:stub (real mode)
  const ivtPatch = chunks.length;
  chunks.push({ dst: 0, data: new Array(32 * 4).fill(0) });
  chunks.push({ dst: GDT, data: buildGdt() });
  const idtPatch = chunks.length;
  chunks.push({ dst: IDT, data: new Array(32 * 8).fill(0) });
  windows(mode).forEach((w, i) => chunks.push({ dst: w.start, data: [...p.init[i]!] }));
  if (mode === 'paging') {
    chunks.push({ dst: PD, data: le32(PT | 3) });
    const pte = (page: number) => {
      if (page === 4) return REMAP_FRAME | 3;
      if (page === 5) return 0;
      if (page === 7) return 0x7000 | 1;
      return (page << 12) | 3;
    };
    const low: number[] = [];
    for (let i = 0; i < 16; i++) low.push(...le32(pte(i)));
    chunks.push({ dst: PT, data: low });
    const hi: number[] = [];
    for (let i = 0xf0; i < 0x100; i++) hi.push(...le32((i << 12) | 3));
    chunks.push({ dst: PT + 0xf0 * 4, data: hi });
  }
  // Data windows in paging mode live at their physical frames: virtual 0x4000 -> 0xC000.
  const phys = (v: number) => (mode === 'paging' && v >= 0x4000 && v < 0x5000 ? v - 0x4000 + REMAP_FRAME : v);
  const copies: { dst: number; len: number; srcFix: number; chunk: number }[] = [];
  chunks.forEach((ch, i) => {
    // split a chunk at 0x4000 so each piece lands in its frame
    const pieces: [number, number][] = [];
    let a = ch.dst;
    const end = ch.dst + ch.data.length;
    while (a < end) {
      const b = a < 0x4000 && end > 0x4000 ? 0x4000 : a < 0x5000 && a >= 0x4000 && end > 0x5000 ? 0x5000 : end;
      pieces.push([a, b]);
      a = b;
    }
    for (const [a0, b0] of pieces) {
      const dst = phys(a0);
      e(0xb8, ...le16(dst >> 4), 0x8e, 0xc0); // mov ax, seg; mov es, ax
      e(0xbf, ...le16(dst & 15)); // mov di
      e(0xbe); // mov si, rom offset (patched)
      copies.push({ dst: a0, len: b0 - a0, srcFix: here(), chunk: i });
      e(0, 0);
      e(0xb9, ...le16(b0 - a0)); // mov cx
      e(0xf3, 0xa4); // rep movsb
    }
  });
  e(0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0, 0x8e, 0xe8); // ds=es=fs=gs=0
  const initRegsAndFlags = () => {
    // push imm32; popfd, then the GPRs
    if (!code32) e(0x66);
    e(0x68, ...le32(p.eflags));
    if (!code32) e(0x66);
    e(0x9d);
    for (let i = 0; i < 8; i++) {
      if (i === ESP) continue;
      if (!code32) e(0x66);
      e(0xb8 + i, ...le32(p.regs[i]!));
    }
  };
  if (mode === 'real') {
    e(0x66, 0xbc, ...le32(STACK_TOP)); // mov esp
    initRegsAndFlags();
  } else {
    e(0x2e, 0x0f, 0x01, 0x16); // lgdt [cs:gdtr]
    fix16.push([here(), 'gdtr']);
    e(0, 0);
    e(0x2e, 0x0f, 0x01, 0x1e); // lidt [cs:idtr]
    fix16.push([here(), 'idtr']);
    e(0, 0);
    e(0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0); // cr0.PE
    e(0x66, 0xea); // jmp dword 0x08:pm32
    fix32.push([here(), 'pm32']);
    e(0, 0, 0, 0, 0x08, 0x00);
    labels.set('pm32', here());
    e(0xb8, 0x10, 0, 0, 0); // mov eax, 0x10
    e(0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0, 0x8e, 0xe8, 0x8e, 0xd0); // ds es fs gs ss
    e(0xbc, ...le32(STACK_TOP));
    if (mode === 'paging') {
      e(0xb8, ...le32(PD), 0x0f, 0x22, 0xd8); // mov cr3
      e(0x0f, 0x20, 0xc0, 0x0d, ...le32(0x80010000), 0x0f, 0x22, 0xc0); // cr0 |= PG|WP
    }
    initRegsAndFlags();
  }

  // ---- the block ----
  const blockStart = here();
  const unitOffsets: number[] = [];
  p.units.forEach((u, i) => {
    unitOffsets.push(here());
    if (!keep || keep[i]) e(...u.bytes);
  });
  const blockEnd = here();

  // ---- normal end: save state, then dump ----
  // mov [ss:abs], reg / sreg forms
  const sv = (opc: number[], reg: number, addr: number) => {
    e(0x36);
    if (code32) e(...opc, (reg << 3) | 5, ...le32(addr));
    else e(...opc, (reg << 3) | 6, ...le16(addr));
  };
  const saveGprs = () => {
    for (let i = 0; i < 8; i++) {
      if (!code32) e(0x36, 0x66, 0x89, (i << 3) | 6, ...le16(SAVE + 24 + 4 * i));
      else sv([0x89], i, SAVE + 24 + 4 * i);
    }
    for (let s = 0; s < 6; s++) sv([0x8c], s, SAVE + 56 + 2 * s);
  };
  saveGprs();
  if (!code32) {
    e(0x66, 0x9c, 0x36, 0x66, 0x8f, 0x06, ...le16(SAVE + 20)); // pushfd; pop dword [ss:fl]
    e(0x36, 0x66, 0xc7, 0x06, ...le16(SAVE), ...le32(0xffffffff));
  } else {
    e(0x9c, 0x36, 0x8f, 0x05, ...le32(SAVE + 20));
    e(0x36, 0xc7, 0x05, ...le32(SAVE), ...le32(0xffffffff));
  }
  e(0xe9);
  (code32 ? fix32 : fix16).push([here(), 'rel:dump']);
  e(...(code32 ? [0, 0, 0, 0] : [0, 0]));

  // ---- exception stubs and the common handler ----
  const stubs: number[] = [];
  const ERRV = new Set([8, 10, 11, 12, 13, 14, 17]);
  for (let v = 0; v < 32; v++) {
    stubs.push(here());
    if (!code32) e(0x6a, v);
    else {
      if (!ERRV.has(v)) e(0x6a, 0);
      e(0x6a, v);
    }
    e(0xe9);
    (code32 ? fix32 : fix16).push([here(), 'rel:common']);
    e(...(code32 ? [0, 0, 0, 0] : [0, 0]));
  }
  labels.set('common', here());
  saveGprs();
  if (!code32) {
    e(0x89, 0xe5); // mov bp, sp
    e(0x66, 0x31, 0xc0); // xor eax, eax
    const fr = [[0, SAVE], [2, SAVE + 12], [4, SAVE + 16], [6, SAVE + 20]];
    for (const [o, a] of fr) e(0x8b, 0x46, o!, 0x36, 0x66, 0xa3, ...le16(a!)); // mov ax,[bp+o]; mov [ss:a], eax
  } else {
    const fr = [[0, SAVE], [4, SAVE + 4], [8, SAVE + 12], [12, SAVE + 16], [16, SAVE + 20]];
    for (const [o, a] of fr) e(0x8b, 0x44, 0x24, o!, 0x36, 0xa3, ...le32(a!)); // mov eax,[esp+o]; mov [ss:a], eax
  }
  e(...(code32 ? [] : [0x66]), 0x0f, 0x20, 0xd0); // mov eax, cr2
  if (code32) e(0x36, 0xa3, ...le32(SAVE + 8));
  else e(0x36, 0x66, 0xa3, ...le16(SAVE + 8));

  // ---- dump: SAVE area then the windows, byte by byte to 0xE9; exit via 0xF4 ----
  labels.set('dump', here());
  if (code32) e(0xb8, 0x10, 0, 0, 0, 0x8e, 0xd8); // mov eax,0x10; mov ds,ax
  else e(0x31, 0xc0, 0x8e, 0xd8);
  e(0xfc); // cld
  e(...(code32 ? [0x66] : []), 0xba, 0xe9, 0x00); // mov dx, 0xe9
  const ranges: [number, number][] = [[SAVE, SAVE_LEN], ...windows(mode).map((w) => [w.start, w.len] as [number, number])];
  for (const [start, len] of ranges) {
    if (code32) e(0xbe, ...le32(start), 0xb9, ...le32(len));
    else e(0x66, 0xbe, ...le32(start), 0x66, 0xb9, ...le32(len));
    e(0xac, 0xee, 0xe2, 0xfc); // lodsb; out dx,al; loop
  }
  e(0xb0, 0x00, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd); // exit(0) -> status 1; hlt; jmp $-1

  // ---- data: gdtr/idtr, then the chunks ----
  labels.set('gdtr', here());
  e(...le16(GDT_LIMIT), ...le32(GDT));
  labels.set('idtr', here());
  e(...le16(32 * 8 - 1), ...le32(IDT));
  // patch IVT / IDT contents now that the stubs are placed
  const ivt = chunks[ivtPatch]!.data;
  const idt = chunks[idtPatch]!.data;
  stubs.forEach((off, v) => {
    ivt.splice(v * 4, 4, ...le16(off), ...le16(0xf000));
    const lin = ROM_BASE + off;
    idt.splice(v * 8, 8, ...le16(lin & 0xffff), ...le16(0x08), 0, 0x8e, ...le16(lin >>> 16));
  });
  const chunkOff = chunks.map((ch) => {
    const o = here();
    e(...ch.data);
    return o;
  });
  for (const cp of copies) {
    const src = chunkOff[cp.chunk]! + (cp.dst - chunks[cp.chunk]!.dst);
    c[cp.srcFix] = src & 0xff;
    c[cp.srcFix + 1] = src >> 8;
  }
  for (const [at, name] of fix16) {
    const rel = name.startsWith('rel:');
    const v = rel ? labels.get(name.slice(4))! - (at + 2) : labels.get(name)!;
    c[at] = v & 0xff;
    c[at + 1] = (v >> 8) & 0xff;
  }
  for (const [at, name] of fix32) {
    const rel = name.startsWith('rel:');
    const v = rel ? labels.get(name.slice(4))! - (at + 4) : ROM_BASE + labels.get(name)!;
    le32(v >>> 0).forEach((b, i) => (c[at + i] = b));
  }
  if (c.length > 0xfff0) throw new Error(`difftest ROM too large (${c.length} bytes)`);
  rom.set(c, 0);
  rom.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0); // jmp F000:0000
  return { image: rom, blockStart, blockEnd, unitOffsets, code32 };
}
