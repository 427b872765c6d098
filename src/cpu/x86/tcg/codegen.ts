// Emits the JavaScript of one translated block. Registers stay in cpu.regs, flags stay lazy
// (jcc after cmp/sub/test/add/inc/dec in the same block becomes one JS comparison), memory
// accesses through flat segments inline the soft-TLB fast path; anything else calls the
// interpreter's handler for the op, so both engines share one semantics. A block that jumps
// back to its own start becomes a JS loop with the budget and exit checks on the back edge.

import { CC_OP_ADD, CC_OP_DEC, CC_OP_INC, CC_OP_LOGIC, CC_OP_SAR, CC_OP_SHL, CC_OP_SUB } from '../cc.js';
import { R_DS, R_ES, R_SS } from '../constants.js';
import { Insn, OP, OPS } from '../decoder/index.js';
import { TBF_FLAT, TBF_MMU_SHIFT, TBF_SS32 } from './tb-flags.js';

/** One decoded instruction of a block. */
export interface BlockInsn {
  insn: Insn;
  eip: number;
  nextEip: number;
}

export interface GeneratedBlock {
  source: string;
  /** Insn copies the generated code passes to interpreter handlers (its `I` array). */
  insns: Insn[];
  /** EIP of each instruction, for exact state after a fault (its `EIPS` array). */
  eips: number[];
  /** Exit slots 0/1 lead to these pcs (-1: none). */
  jmpTargets: [number, number];
  memOps: number;
}

const hex = (n: number) => '0x' + (n >>> 0).toString(16);
const S32 = 2; // size index of 32-bit operations in the CC_OP scheme

/** ALU ops by the ModRM.reg order (add or adc sbb and sub xor cmp). */
const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];

export class CodeGen {
  private readonly out: string[] = [];
  private readonly insns: Insn[] = [];
  private readonly eips: number[] = [];
  private readonly mmu: number;
  private readonly flat: boolean;
  private readonly ss32: boolean;
  /** CC_OP the lazy flags certainly hold at this point of the block (-1: unknown). */
  private flagOp = -1;
  private memOps = 0;
  private k = 0;
  private jmpTargets: [number, number] = [-1, -1];
  /** The current instruction's code ends the block itself (a branch or handler exit). */
  private exited = false;

  constructor(
    readonly flags: number,
    readonly code32: boolean,
  ) {
    this.mmu = (flags >> TBF_MMU_SHIFT) & 3;
    this.flat = (flags & TBF_FLAT) !== 0;
    this.ss32 = (flags & TBF_SS32) !== 0;
  }

  generate(block: BlockInsn[], loop: boolean): GeneratedBlock {
    const o = this.out;
    o.push('const r = cpu.regs, mmu = cpu.mmu, T = mmu.tlb.tables[' + this.mmu + '], ram = mmu.ram, ram32 = mmu.ram32;');
    o.push('let k = 0, a = 0, x = 0, i = 0, v = 0, w = 0, d = 0;');
    o.push('try {');
    if (loop) o.push('L: for (;;) {');
    block.forEach((b, n) => {
      this.k = n;
      this.eips.push(b.eip);
      o.push(`k = ${n};`);
      const last = n === block.length - 1;
      this.exited = false;
      if (!this.emitInline(b, last, block.length, loop, block[0]!.eip)) this.emitHandlerCall(b, last, block.length);
      if (last && !this.exited) {
        // The block stopped at a page end or the length limit: continue at the next instruction.
        this.jmpTargets = [b.nextEip, -1];
        o.push(this.exit(0, hex(b.nextEip), block.length));
      }
    });
    if (loop) o.push('}');
    o.push('} catch (e) { cpu.eip = EIPS[k]; cpu.icount += k; throw e; }');
    return { source: o.join('\n'), insns: this.insns, eips: this.eips, jmpTargets: this.jmpTargets, memOps: this.memOps };
  }

  // ---- exits ----

  private exit(slot: number, eip: string, count: number): string {
    return `{ cpu.icount += ${count}; cpu.eip = ${eip}; return ${slot}; }`;
  }

  /** After an access that may have run device code or invalidated this block. */
  private exitCheck(nextEip: number): string {
    return `if (cpu.tbExit) ${this.exit(-1, hex(nextEip), this.k + 1)}`;
  }

  /** Fall back to the interpreter's handler for this op. */
  private emitHandlerCall(b: BlockInsn, last: boolean, count: number): void {
    const j = this.insns.length;
    const copy = new Insn();
    Object.assign(copy, b.insn);
    this.insns.push(copy);
    const o = this.out;
    o.push(`cpu.eip = ${hex(b.eip)}; cpu.nextEip = ${hex(b.nextEip)}; H[${b.insn.op}](cpu, I[${j}]); // ${OPS[b.insn.op]!.name}`);
    this.flagOp = -1;
    if (last) {
      o.push(this.exit(-1, 'cpu.nextEip', count));
      this.exited = true;
    }
    else o.push(`if (cpu.tbExit || cpu.nextEip !== ${hex(b.nextEip)}) ${this.exit(-1, 'cpu.nextEip', this.k + 1)}`);
  }

  // ---- operands (32-bit operand and address size, flat data segments) ----

  private ea(i: Insn): string {
    const parts: string[] = [];
    if (i.disp !== 0 || (i.base < 0 && i.index < 0)) parts.push(String(i.disp | 0));
    if (i.base >= 0) parts.push(`r[${i.base}]`);
    if (i.index >= 0) parts.push(i.scale ? `(r[${i.index}] << ${i.scale})` : `r[${i.index}]`);
    return parts.length === 1 && parts[0]!.startsWith('r[') ? parts[0]! : `(${parts.join(' + ')}) | 0`;
  }

  /** Can this memory operand use the inline fast path (flat DS/ES/SS, 32-bit addressing)? */
  private memInline(i: Insn): boolean {
    return i.adsize === 32 && this.flat && (i.seg === R_DS || i.seg === R_ES || i.seg === R_SS);
  }

  private load32(addr: string, dst: string): string {
    this.memOps++;
    return (
      `a = ${addr}; x = (a >>> 12) & T.mask; ` +
      `${dst} = T.addrRead[x] === ((a + 3) & -4096) ? ((i = (a + T.addend[x]) >>> 0) & 3 ? (ram[i] | (ram[i + 1] << 8) | (ram[i + 2] << 16) | (ram[i + 3] << 24)) : ram32[i >>> 2]) : mmu.loadSlow(a, 4, ${this.mmu}, 0) | 0;`
    );
  }

  private load8(addr: string, dst: string): string {
    this.memOps++;
    return `a = ${addr}; x = (a >>> 12) & T.mask; ${dst} = T.addrRead[x] === (a & -4096) ? ram[(a + T.addend[x]) >>> 0] : mmu.loadSlow(a, 1, ${this.mmu}, 0);`;
  }

  private load16(addr: string, dst: string): string {
    this.memOps++;
    return (
      `a = ${addr}; x = (a >>> 12) & T.mask; ` +
      `${dst} = T.addrRead[x] === ((a + 1) & -4096) ? ((i = (a + T.addend[x]) >>> 0), ram[i] | (ram[i + 1] << 8)) : mmu.loadSlow(a, 2, ${this.mmu}, 0);`
    );
  }

  /** Store w (already computed) at a (already computed). */
  private store32(): string {
    this.memOps++;
    return (
      `x = (a >>> 12) & T.mask; ` +
      `if (T.addrWrite[x] === ((a + 3) & -4096)) { i = (a + T.addend[x]) >>> 0; if (i & 3) { ram[i] = w; ram[i + 1] = w >> 8; ram[i + 2] = w >> 16; ram[i + 3] = w >> 24; } else ram32[i >>> 2] = w; } ` +
      `else mmu.storeSlow(a, w, 4, ${this.mmu});`
    );
  }

  private reg8(n: number): string {
    return n < 4 ? `(r[${n}] & 255)` : `((r[${n - 4}] >> 8) & 255)`;
  }

  // ---- flags ----

  private setFlags(op: number, src: string | null, dst: string): string {
    this.flagOp = op;
    return `cpu.ccOp = ${op};${src !== null ? ` cpu.ccSrc = ${src};` : ''} cpu.ccDst = ${dst};`;
  }

  /** JS expression for CF from the statically known lazy state (QEMU's gen_compute_eflags_c). */
  private cfExpr(): string {
    switch (this.flagOp) {
      case CC_OP_LOGIC + S32:
        return '0';
      case CC_OP_SUB + S32:
        return '((((cpu.ccDst + cpu.ccSrc) >>> 0) < (cpu.ccSrc >>> 0)) ? 1 : 0)';
      case CC_OP_ADD + S32:
        return '(((cpu.ccDst >>> 0) < (cpu.ccSrc >>> 0)) ? 1 : 0)';
      case CC_OP_INC + S32:
      case CC_OP_DEC + S32:
        return '(cpu.ccSrc & 1)';
      default:
        return 'CF(cpu)';
    }
  }

  /** JS boolean for condition cc (0-15), fused with the flag producer when it is known. */
  private condExpr(cc: number): string {
    const neg = (e: string) => (cc & 1 ? `!(${e})` : e);
    const base = cc >> 1;
    const d = 'cpu.ccDst';
    switch (this.flagOp) {
      case CC_OP_SUB + S32: {
        const a = '((cpu.ccDst + cpu.ccSrc) | 0)';
        if (base === 1) return neg(`(${a} >>> 0) < (cpu.ccSrc >>> 0)`);
        if (base === 2) return neg(`${d} === 0`);
        if (base === 3) return neg(`(${a} >>> 0) <= (cpu.ccSrc >>> 0)`);
        if (base === 4) return neg(`${d} < 0`);
        if (base === 6) return neg(`${a} < cpu.ccSrc`);
        if (base === 7) return neg(`${a} <= cpu.ccSrc`);
        break;
      }
      case CC_OP_LOGIC + S32:
        if (base === 0 || base === 1) return cc & 1 ? 'true' : 'false';
        if (base === 2 || base === 3) return neg(`${d} === 0`);
        if (base === 4 || base === 6) return neg(`${d} < 0`);
        if (base === 7) return neg(`${d} <= 0`);
        break;
      case CC_OP_ADD + S32:
        if (base === 1) return neg(`(${d} >>> 0) < (cpu.ccSrc >>> 0)`);
        if (base === 2) return neg(`${d} === 0`);
        if (base === 4) return neg(`${d} < 0`);
        break;
      case CC_OP_INC + S32:
      case CC_OP_DEC + S32:
        if (base === 2) return neg(`${d} === 0`);
        if (base === 4) return neg(`${d} < 0`);
        break;
    }
    return `TC(cpu, ${cc})`;
  }

  // ---- instructions ----

  /** Emit `b` inline if it is one of the common 32-bit forms; false sends it to its handler. */
  private emitInline(b: BlockInsn, last: boolean, count: number, loop: boolean, startEip: number): boolean {
    const i = b.insn;
    if (i.opsize !== 32 || i.rep !== 0) return this.emitBranch(b, last, count, loop, startEip);
    if (i.isMem && !this.memInline(i) && i.op !== OP.lea_Gv_M) return this.emitBranch(b, last, count, loop, startEip);
    const o = this.out;
    const op = i.op;
    const next = b.nextEip;
    if (op === OP.nop) return true;
    if (op === OP.mov_Zv_Iv) {
      o.push(`r[${i.reg}] = ${i.imm | 0};`);
      return true;
    }
    if (op === OP.mov_Gv_Ev) {
      o.push(i.isMem ? this.load32(this.ea(i), `r[${i.reg}]`) : `r[${i.reg}] = r[${i.rm}];`);
      return true;
    }
    if (op === OP.mov_Ev_Gv || op === OP.mov_Ev_Iz) {
      const val = op === OP.mov_Ev_Gv ? `r[${i.reg}]` : String(i.imm | 0);
      if (!i.isMem) {
        o.push(`r[${i.rm}] = ${val};`);
        return true;
      }
      o.push(`a = ${this.ea(i)}; w = ${val}; ${this.store32()}`);
      o.push(this.exitCheck(next));
      return true;
    }
    if (op === OP.lea_Gv_M) {
      if (i.adsize !== 32) return false;
      o.push(`r[${i.reg}] = ${this.ea(i)};`);
      return true;
    }
    if (op === OP.movzx_Gv_Eb || op === OP.movsx_Gv_Eb) {
      const ext = op === OP.movzx_Gv_Eb ? 'v' : '((v << 24) >> 24)';
      o.push(i.isMem ? this.load8(this.ea(i), 'v') : `v = ${this.reg8(i.rm)};`);
      o.push(`r[${i.reg}] = ${ext};`);
      return true;
    }
    if (op === OP.movzx_Gv_Ew || op === OP.movsx_Gv_Ew) {
      const ext = op === OP.movzx_Gv_Ew ? 'v' : '((v << 16) >> 16)';
      o.push(i.isMem ? this.load16(this.ea(i), 'v') : `v = r[${i.rm}] & 0xffff;`);
      o.push(`r[${i.reg}] = ${ext};`);
      return true;
    }
    const name = OPS[op]!.name;
    const alu = /^(add|or|and|sub|xor|cmp)_(Ev_Gv|Gv_Ev|eAX_Iz|Ev_Iz|Ev_Ib)$/.exec(name);
    if (alu) return this.emitAlu(i, ALU_NAMES.indexOf(alu[1]!), alu[2]!, next);
    const test = /^test_(Ev_Gv|eAX_Iz|Ev_Iz)$/.exec(name);
    if (test) {
      const src = test[1] === 'Ev_Gv' ? `r[${i.reg}]` : String(i.imm | 0);
      if (test[1] === 'eAX_Iz') o.push('v = r[0];');
      else o.push(i.isMem ? this.load32(this.ea(i), 'v') : `v = r[${i.rm}];`);
      o.push(`d = v & ${src}; ${this.setFlags(CC_OP_LOGIC + S32, null, 'd')}`);
      return true;
    }
    if (op === OP.inc_Zv || op === OP.dec_Zv) {
      const inc = op === OP.inc_Zv;
      o.push(`v = ${this.cfExpr()}; d = (r[${i.reg}] ${inc ? '+' : '-'} 1) | 0; r[${i.reg}] = d; ${this.setFlags((inc ? CC_OP_INC : CC_OP_DEC) + S32, 'v', 'd')}`);
      return true;
    }
    if ((op === OP.inc_Ev || op === OP.dec_Ev) && !i.isMem) {
      const inc = op === OP.inc_Ev;
      o.push(`v = ${this.cfExpr()}; d = (r[${i.rm}] ${inc ? '+' : '-'} 1) | 0; r[${i.rm}] = d; ${this.setFlags((inc ? CC_OP_INC : CC_OP_DEC) + S32, 'v', 'd')}`);
      return true;
    }
    if ((op === OP.shl_Ev_Ib || op === OP.shr_Ev_Ib || op === OP.sar_Ev_Ib) && !i.isMem) {
      const c = i.imm & 31;
      if (c === 0) return true; // count 0: nothing changes, not even the flags
      const sh = op === OP.shl_Ev_Ib ? '<<' : op === OP.shr_Ev_Ib ? '>>>' : '>>';
      const ccop = op === OP.shl_Ev_Ib ? CC_OP_SHL + S32 : CC_OP_SAR + S32;
      o.push(`v = r[${i.rm}]; d = (v ${sh} ${c}) | 0; r[${i.rm}] = d; ${this.setFlags(ccop, `(v ${sh} ${c - 1}) | 0`, 'd')}`);
      return true;
    }
    if (this.flat && this.ss32) {
      if (op === OP.push_Zv || op === OP.push_Iz || op === OP.push_Ib) {
        const val = op === OP.push_Zv ? `r[${i.reg}]` : String(i.imm | 0);
        o.push(`w = ${val}; a = (r[4] - 4) | 0; ${this.store32()} r[4] = a;`);
        o.push(this.exitCheck(next));
        return true;
      }
      if (op === OP.pop_Zv) {
        o.push(`${this.load32('r[4]', 'v')} r[4] = (a + 4) | 0; r[${i.reg}] = v;`);
        return true;
      }
    }
    return this.emitBranch(b, last, count, loop, startEip);
  }

  private emitAlu(i: Insn, aluOp: number, form: string, next: number): boolean {
    const o = this.out;
    if (aluOp === 2 || aluOp === 3) return false; // adc/sbb: handler (needs the carry in)
    const srcExpr = form === 'Ev_Gv' ? `r[${i.reg}]` : form === 'Gv_Ev' ? 'w' : String(i.imm | 0);
    const ops = ['+', '|', '', '', '&', '-', '^', '-'];
    const ccop = aluOp === 0 ? CC_OP_ADD + S32 : aluOp === 5 || aluOp === 7 ? CC_OP_SUB + S32 : CC_OP_LOGIC + S32;
    const arith = ccop !== CC_OP_LOGIC + S32;
    const flags = (dst: string, src: string) => this.setFlags(ccop, arith ? src : null, dst);
    if (form === 'Gv_Ev') {
      o.push(i.isMem ? this.load32(this.ea(i), 'w') : `w = r[${i.rm}];`);
      o.push(`d = (r[${i.reg}] ${ops[aluOp]} w) | 0; ${aluOp === 7 ? '' : `r[${i.reg}] = d; `}${flags('d', 'w')}`);
      return true;
    }
    if (form === 'eAX_Iz') {
      o.push(`d = (r[0] ${ops[aluOp]} ${srcExpr}) | 0; ${aluOp === 7 ? '' : 'r[0] = d; '}${flags('d', srcExpr)}`);
      return true;
    }
    // Ev as destination.
    if (!i.isMem) {
      o.push(`v = ${srcExpr}; d = (r[${i.rm}] ${ops[aluOp]} v) | 0; ${aluOp === 7 ? '' : `r[${i.rm}] = d; `}${flags('d', 'v')}`);
      return true;
    }
    o.push(this.load32(this.ea(i), 'v'));
    o.push(`v = (v ${ops[aluOp]} ${srcExpr}) | 0;`);
    if (aluOp === 7) {
      // cmp: no store; flags from the subtraction
      o.push(`${flags('v', srcExpr)}`);
      return true;
    }
    o.push(`w = v; ${this.store32()} ${flags('v', srcExpr)}`);
    o.push(this.exitCheck(next));
    return true;
  }

  /** Direct and near control transfers, emitted as block exits (or the loop's back edge). */
  private emitBranch(b: BlockInsn, last: boolean, count: number, loop: boolean, startEip: number): boolean {
    const i = b.insn;
    const op = i.op;
    const o = this.out;
    const mask = (v: number) => (i.opsize === 32 ? v >>> 0 : v & 0xffff);
    const isJcc = op === OP.jcc_Jb || op === OP.jcc_Jz;
    const isJmp = op === OP.jmp_Jb || op === OP.jmp_Jz;
    const isLoop = op === OP.loop_Jb && i.adsize === 32;
    if (!last || !(isJcc || isJmp || isLoop)) return false;
    const target = mask(b.nextEip + i.imm);
    const limitCheck = `if (${hex(target)} > cpu.segLimit[1]) cpu.raise(13, 0);`;
    const taken = (slot: number) => {
      if (loop && target === startEip) {
        return `{ ${limitCheck} cpu.icount += ${count}; if (cpu.tbExit || cpu.icount + ${count} > cpu.tbBudgetEnd) { cpu.eip = ${hex(target)}; return -1; } continue L; }`;
      }
      return `{ ${limitCheck} ${this.exit(slot, hex(target), count)} }`;
    };
    this.jmpTargets = [target, isJmp ? -1 : b.nextEip];
    this.exited = true;
    if (isJmp) {
      o.push(taken(0));
      return true;
    }
    if (isLoop) {
      o.push(`d = (r[1] - 1) | 0; r[1] = d; if (d !== 0) ${taken(0)}`);
    } else {
      o.push(`if (${this.condExpr(i.opcode & 15)}) ${taken(0)}`);
    }
    o.push(this.exit(1, hex(b.nextEip), count));
    return true;
  }
}
