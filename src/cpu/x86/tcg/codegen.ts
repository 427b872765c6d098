// Emits the JavaScript of one translated block. Guest registers and the lazy-flag state live
// in JS locals for the whole block (V8 keeps them in machine registers); they are written back
// to the CPU at every exit, before every call into an interpreter handler and in the catch
// that makes faults precise. Memory accesses through flat segments inline the soft-TLB fast
// path; jcc is fused with the flag producer when the block knows which one it was. Anything
// else calls the interpreter's handler for the op, so both engines share one semantics. A
// handler call or slow-path access first stores its instruction's index in cpu.tbInsn, so
// guest time read there (devices, the TSC) is exact. A block that jumps (or returns) back to
// its own start becomes a JS loop with the budget check on the back edge.

import { CC_OP_ADD, CC_OP_DEC, CC_OP_DYNAMIC, CC_OP_EFLAGS, CC_OP_INC, CC_OP_LOGIC, CC_OP_MASK, CC_OP_MUL, CC_OP_SAR, CC_OP_SHL, CC_OP_SUB } from '../cc.js';
import { CC_C, CC_MASK, CC_O } from '../flags.js';
import { R_DS, R_ES, R_SS } from '../constants.js';
import { Insn, OP, OP_END, OPS } from '../decoder/index.js';
import { flagsLiveAfter } from './flag-liveness.js';
import { TBF_FLAT, TBF_MMU_SHIFT, TBF_SS32 } from './tb-flags.js';
import type { TbInstrumentation } from '../plugin-hooks.js';

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
  /** Exit slot n leads to pc jmpTargets[n] (direct exits the dispatcher can chain). */
  jmpTargets: number[];
  memOps: number;
  /** Checked blocks: byte offsets (from the block start) of immediates read from RAM at run time. */
  volatileBytes: number[];
}

/**
 * Exit code of a block left through an inline ret / indirect jmp / indirect call: nothing the
 * block did can have changed the mode bits it was made for, so the engine may reuse the block
 * it found for the same target last time (`TranslationBlock.dynDest`).
 */
export const EXIT_DYNAMIC = -2;

const hex = (n: number) => '0x' + (n >>> 0).toString(16);
/** Size indexes of the CC_OP scheme. */
const S8 = 0;
const S32 = 2;

/** ALU ops in ModRM.reg order (add or adc sbb and sub xor cmp); adc/sbb go to the handler. */
const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const ALU_JS = ['+', '|', '', '', '&', '-', '^', '-'];

/** Locals holding the CPU state inside a block, and how to write them back / reload them. */
const REGS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
const WRITEBACK = 'R[0] = r0; R[1] = r1; R[2] = r2; R[3] = r3; R[4] = r4; R[5] = r5; R[6] = r6; R[7] = r7; cpu.ccOp = ccop; cpu.ccSrc = ccsrc; cpu.ccDst = ccdst;';
const RELOAD = 'r0 = R[0]; r1 = R[1]; r2 = R[2]; r3 = R[3]; r4 = R[4]; r5 = R[5]; r6 = R[6]; r7 = R[7]; ccop = cpu.ccOp; ccsrc = cpu.ccSrc; ccdst = cpu.ccDst;';
/**
 * The soft-TLB entry of address a: tlbIndex (softmmu/tlb.ts) inline, with the table re-read
 * each time (a flush inside the block may resize it). e[x + access] is a comparator, e[x + 3]
 * the addend.
 */
const TLB_ENTRY = 'x = ((a >>> 10) ^ (a >>> 16)) & T.mask; e = T.table; ';
/** The flags written back inside an expression (before calling a flag helper). */
const FLAGS_OUT = 'cpu.ccOp = ccop, cpu.ccSrc = ccsrc, cpu.ccDst = ccdst,';

export class CodeGen {
  private readonly out: string[] = [];
  private readonly insns: Insn[] = [];
  private readonly eips: number[] = [];
  private readonly mmu: number;
  private readonly flat: boolean;
  private readonly ss32: boolean;
  /** CC_OP the lazy flags certainly hold at this point of the block (-1: unknown). */
  private flagOp = -1;
  /** Flags some later instruction, exit or fault may read after the current instruction. */
  private live = CC_MASK;
  private memOps = 0;
  private k = 0;
  private jmpTargets: number[] = [];
  /** pc of the block's first instruction. */
  private blockStart = 0;
  /** The current instruction's code ends the block itself (a branch or handler exit). */
  private exited = false;
  /** Byte offset of the current instruction from the block start. */
  private insnOffset = 0;
  private readonly volatileBytes: number[] = [];
  /** Immediates of the current instruction read from RAM (kept only if it is emitted inline). */
  private pendingVolatile: number[] = [];
  /**
   * The last instruction was a handler call, so the CPU, not the locals, holds the registers
   * and flags (h is still 1): a following handler call needs no write-back, and inline code
   * reloads the locals first. Runs of handler calls then cost one write-back and one reload.
   */
  private inCpu = false;

  constructor(
    readonly flags: number,
    readonly code32: boolean,
    /**
     * ram_addr of the block's first byte for a checked block (hot SMC page; -1 otherwise):
     * inline immediates are then read from guest RAM when they run, so a patched immediate
     * is seen without a new translation, and stores re-check the block's other bytes.
     */
    private readonly checkedBase = -1,
    /** Plugin instrumentation (its `P`): calls are emitted only for the callbacks it holds. */
    private readonly plugin: TbInstrumentation | null = null,
    /** --profile: count the block's entries in its TranslationBlock (`X`). */
    private readonly countExecs = false,
  ) {
    this.mmu = (flags >> TBF_MMU_SHIFT) & 3;
    this.flat = (flags & TBF_FLAT) !== 0;
    this.ss32 = (flags & TBF_SS32) !== 0;
  }

  generate(block: BlockInsn[]): GeneratedBlock {
    const o = this.out;
    o.push(`const R = cpu.regs, mmu = cpu.mmu, T = mmu.tlb.tables[${this.mmu}], ram = mmu.ram, ram32 = mmu.ram32;`);
    o.push('let r0 = R[0], r1 = R[1], r2 = R[2], r3 = R[3], r4 = R[4], r5 = R[5], r6 = R[6], r7 = R[7];');
    o.push('let ccop = cpu.ccOp, ccsrc = cpu.ccSrc, ccdst = cpu.ccDst;');
    o.push('let k = 0, a = 0, x = 0, i = 0, v = 0, w = 0, d = 0, h = 0, m = 0, e = T.table;');
    o.push('try {');
    const start = o.length;
    const liveAfter = flagsLiveAfter(block);
    this.blockStart = block[0]!.eip;
    const plugin = this.plugin;
    if (this.countExecs) o.push('X.execCount++;'); // inside the loop of a self-looping block: every entry
    if (plugin?.tb) o.push('P.tb();');
    block.forEach((b, n) => {
      this.k = n;
      this.live = liveAfter[n]!;
      this.eips.push(b.eip);
      o.push(`k = ${n};`);
      if (plugin?.insn[n]) o.push(`P.insn[${n}]();`);
      const last = n === block.length - 1;
      this.exited = false;
      this.pendingVolatile = [];
      const at = o.length;
      if (this.emitInline(b, last, block.length)) {
        this.volatileBytes.push(...this.pendingVolatile);
        if (this.inCpu) {
          o.splice(at, 0, `${RELOAD} h = 0;`);
          this.inCpu = false;
        }
      } else {
        this.emitHandlerCall(b, last, block.length); // its Insn copy holds the immediate: stays checked
      }
      this.insnOffset += b.insn.len;
      if (last && !this.exited) {
        // The block stopped at a page end or the length limit: continue at the next instruction.
        o.push(this.goTo(b.nextEip, block.length, false));
      }
    });
    if (o.slice(start).some((line) => line.includes('continue L;'))) {
      o.splice(start, 0, 'L: for (;;) {');
      o.push('}');
    }
    // While a handler runs the CPU holds the state (h = 1, and cpu.eip was set before the call):
    // neither the locals nor EIPS may overwrite what it did before raising (the iterations a rep
    // string op completed, the return address int1 leaves in EIP).
    o.push(`} catch (e) { if (h === 0) { ${WRITEBACK} cpu.eip = EIPS[k]; } cpu.icount += k;${this.countExecs ? ' X.exits[4]++;' : ''} throw e; }`);
    let source = o.join('\n');
    // --profile: count the block's exits by kind (TranslationBlock.exits: ret/indirect, to the
    // dispatcher, direct exit 0, direct exit 1, fault).
    if (this.countExecs) source = source.replace(/return (-?\d+);/g, (_m, n: string) => `return (X.exits[${Number(n) + 2}]++, ${n});`);
    return { source, insns: this.insns, eips: this.eips, jmpTargets: this.jmpTargets, memOps: this.memOps, volatileBytes: this.volatileBytes };
  }

  /**
   * Leave the block for the direct target pc: its own start (a loop: after the exit and budget
   * checks, as QEMU's TB ends check for an exit request) or an exit slot the dispatcher can
   * chain. A taken branch (`branch`) raises #GP at itself when its target is past the CS limit;
   * the back edge needs no check (the block's start passed it before the block ran, and nothing
   * in a block changes CS).
   */
  private goTo(target: number, count: number, branch: boolean): string {
    const t = hex(target);
    if (target === this.blockStart) return this.backEdge(count, t);
    const limitCheck = branch ? `if (${t} > cpu.segLimit[1]) cpu.raise(13, 0); ` : '';
    let slot = this.jmpTargets.indexOf(target);
    if (slot < 0) {
      slot = this.jmpTargets.length;
      this.jmpTargets.push(target);
    }
    return `{ ${limitCheck}${this.exit(slot, t, count)} }`;
  }

  private backEdge(count: number, eip: string): string {
    return `{ cpu.icount += ${count};${this.memOpsCount()} if (cpu.tbExit || cpu.icount + ${count} > cpu.tbBudgetEnd) { ${WRITEBACK} cpu.eip = ${eip}; return -1; } continue L; }`;
  }

  /**
   * Leave the block for the target in `d` (already checked against the CS limit): round the
   * loop if it is the block's own start, else EXIT_DYNAMIC for the engine's prediction.
   */
  private goToDynamic(count: number): string {
    return (
      `if ((d >>> 0) === ${hex(this.blockStart)}) ${this.backEdge(count, hex(this.blockStart))} ` +
      `{ cpu.icount += ${count};${this.memOpsCount()} ${WRITEBACK} cpu.eip = d >>> 0; return ${EXIT_DYNAMIC}; }`
    );
  }

  // ---- exits ----

  private exit(slot: number, eip: string, count: number): string {
    return `{ ${WRITEBACK} cpu.icount += ${count};${this.memOpsCount()} cpu.eip = ${eip}; return ${slot}; }`;
  }

  /** Inline TLB accesses made so far in this pass through the block (for the hit-rate stats, per MMU index). */
  private memOpsCount(): string {
    return this.memOps > 0 ? ` T.inlineAccesses += ${this.memOps};` : '';
  }

  /** After an access that may have run device code or invalidated this block (or, checked, changed its code). */
  private exitCheck(nextEip: number | string): string {
    return `if (cpu.tbExit${this.checkedBase >= 0 ? ' || !V()' : ''}) ${this.exit(-1, typeof nextEip === 'number' ? hex(nextEip) : nextEip, this.k + 1)}`;
  }

  /**
   * The data immediate of `i` (imm32, or imm8 sign-extended for the _Ib forms): a constant,
   * or in a checked block a read of its bytes in RAM into `m` (pushed before the caller's code).
   */
  private immv(i: Insn): string {
    if (this.checkedBase < 0) return String(i.imm | 0);
    if (/_Ib$/.test(OPS[i.op]!.name)) {
      const r = this.volatileAt(i, 1);
      this.out.push(`m = (ram[${r}] << 24) >> 24;`);
    } else {
      const r = this.volatileAt(i, 4);
      this.out.push(`m = ram[${r}] | (ram[${r + 1}] << 8) | (ram[${r + 2}] << 16) | (ram[${r + 3}] << 24);`);
    }
    return 'm';
  }

  /** The byte immediate of an 8-bit op, as immv. */
  private imm8(i: Insn): string {
    if (this.checkedBase < 0) return String(i.imm & 255);
    this.out.push(`m = ram[${this.volatileAt(i, 1)}];`);
    return 'm';
  }

  /** ram_addr of the last `size` bytes of `i` (where x86 puts the immediate), noted as volatile. */
  private volatileAt(i: Insn, size: number): number {
    const off = this.insnOffset + i.len - size;
    for (let k = 0; k < size; k++) this.pendingVolatile.push(off + k);
    return this.checkedBase + off;
  }

  /** Fall back to the interpreter's handler for this op. */
  private emitHandlerCall(b: BlockInsn, last: boolean, count: number): void {
    const j = this.insns.length;
    const copy = new Insn();
    Object.assign(copy, b.insn);
    this.insns.push(copy);
    const o = this.out;
    // An op that ends a QEMU TB leaves its CC_OP unknown to the next one (cc.ts CC_OP_DYNAMIC).
    const tbEnd = OP_END[b.insn.op] !== 0 ? ` cpu.ccOp |= ${CC_OP_DYNAMIC};` : '';
    // With plugin memory callbacks, the handler's accesses report to this instruction's.
    const [memOn, memOff] = this.plugin?.mem[this.k] ? [`P.rt.cur = P.mem[${this.k}]; `, ' P.rt.cur = null;'] : ['', ''];
    o.push(`${this.inCpu ? '' : `${WRITEBACK} h = 1; `}cpu.tbInsn = ${this.k}; cpu.eip = ${hex(b.eip)}; cpu.nextEip = ${hex(b.nextEip)}; ${memOn}H[${b.insn.op}](cpu, I[${j}]);${memOff}${tbEnd} // ${OPS[b.insn.op]!.name}`);
    this.flagOp = -1;
    if (last) {
      o.push(`{ cpu.icount += ${count};${this.memOpsCount()} cpu.eip = cpu.nextEip; return -1; }`);
      this.exited = true;
      return;
    }
    o.push(`if (cpu.tbExit || cpu.nextEip !== ${hex(b.nextEip)}${this.checkedBase >= 0 ? ' || !V()' : ''}) { cpu.icount += ${this.k + 1};${this.memOpsCount()} cpu.eip = cpu.nextEip; return -1; }`);
    // The locals are reloaded only when inline code needs them (see inCpu).
    this.inCpu = true;
  }

  // ---- operands ----

  private ea(i: Insn): string {
    const parts: string[] = [];
    if (i.disp !== 0 || (i.base < 0 && i.index < 0)) parts.push(String(i.disp | 0));
    if (i.base >= 0) parts.push(REGS[i.base]!);
    if (i.index >= 0) parts.push(i.scale ? `(${REGS[i.index]} << ${i.scale})` : REGS[i.index]!);
    return parts.length === 1 && parts[0]!.startsWith('r') ? parts[0]! : `(${parts.join(' + ')}) | 0`;
  }

  /** Can this memory operand use the inline fast path (flat DS/ES/SS, 32-bit addressing)? */
  private memInline(i: Insn): boolean {
    return i.adsize === 32 && this.flat && (i.seg === R_DS || i.seg === R_ES || i.seg === R_SS);
  }

  /**
   * In a flat segment the only limit violation is an access running past 4 GiB. Such an
   * access crosses a page, and page-crossing accesses never take the fast path (it also checks
   * that the access stays in its page: two pages may share a slot), so the check lives on the
   * slow path only.
   */
  private wrapCheck(size: number, seg: number): string {
    return `((a >>> 0) > ${0x100000000 - size} ? cpu.segFault(${seg}) : 0, `;
  }

  private load32(addr: string, dst: string, seg: number): string {
    this.memOps++;
    return (
      `a = ${addr}; ${TLB_ENTRY}` +
      `${dst} = e[x] === (a & -4096) && (a & 4095) < 4093 ? ((i = (a + e[x + 3]) >>> 0) & 3 ? (ram[i] | (ram[i + 1] << 8) | (ram[i + 2] << 16) | (ram[i + 3] << 24)) : ram32[i >>> 2]) : ${this.wrapCheck(4, seg)}(T.inlineSlow++, cpu.tbInsn = ${this.k}, mmu.loadSlow(a, 4, ${this.mmu}, 0)) | 0);${this.memHook(4, 0)}`
    );
  }

  private load8(addr: string, dst: string): string {
    this.memOps++;
    return `a = ${addr}; ${TLB_ENTRY}${dst} = e[x] === (a & -4096) ? ram[(a + e[x + 3]) >>> 0] : (T.inlineSlow++, cpu.tbInsn = ${this.k}, mmu.loadSlow(a, 1, ${this.mmu}, 0));${this.memHook(1, 0)}`;
  }

  private load16(addr: string, dst: string, seg: number): string {
    this.memOps++;
    return (
      `a = ${addr}; ${TLB_ENTRY}` +
      `${dst} = e[x] === (a & -4096) && (a & 4095) < 4095 ? ((i = (a + e[x + 3]) >>> 0), ram[i] | (ram[i + 1] << 8)) : ${this.wrapCheck(2, seg)}(T.inlineSlow++, cpu.tbInsn = ${this.k}, mmu.loadSlow(a, 2, ${this.mmu}, 0)));${this.memHook(2, 0)}`
    );
  }

  /** Store w (already computed) at a (already computed). */
  private store32(seg: number): string {
    this.memOps++;
    return (
      `${TLB_ENTRY}` +
      `if (e[x + 1] === (a & -4096) && (a & 4095) < 4093) { i = (a + e[x + 3]) >>> 0; if (i & 3) { ram[i] = w; ram[i + 1] = w >> 8; ram[i + 2] = w >> 16; ram[i + 3] = w >> 24; } else ram32[i >>> 2] = w; } ` +
      `else { if ((a >>> 0) > ${0x100000000 - 4}) cpu.segFault(${seg}); T.inlineSlow++; cpu.tbInsn = ${this.k}; mmu.storeSlow(a, w, 4, ${this.mmu}); }${this.memHook(4, 1)}`
    );
  }

  private store8(): string {
    this.memOps++;
    return `${TLB_ENTRY}if (e[x + 1] === (a & -4096)) ram[(a + e[x + 3]) >>> 0] = w; else { T.inlineSlow++; cpu.tbInsn = ${this.k}; mmu.storeSlow(a, w, 1, ${this.mmu}); }${this.memHook(1, 1)}`;
  }

  /** A plugin's memory callback after an inline access of the current instruction at `a` (none without one). */
  private memHook(size: number, store: number): string {
    return this.plugin?.mem[this.k] ? ` P.mem[${this.k}](a, ${size}, ${store});` : '';
  }

  /** Byte register n (AL CL DL BL AH CH DH BH) as a value 0-255. */
  private get8(n: number): string {
    return n < 4 ? `(${REGS[n]} & 255)` : `((${REGS[n - 4]} >> 8) & 255)`;
  }

  private set8(n: number, v: string): string {
    return n < 4 ? `${REGS[n]} = (${REGS[n]} & -256) | (${v} & 255);` : `${REGS[n - 4]} = (${REGS[n - 4]} & -65281) | ((${v} & 255) << 8);`;
  }

  // ---- flags ----

  /** The lazy-flag update of a full flag writer; none when nothing reads its flags (flagOp then still describes the state). */
  private setFlags(op: number, src: string | null, dst: string): string {
    if (this.live === 0) return '';
    this.flagOp = op;
    return `ccop = ${op};${src !== null ? ` ccsrc = ${src};` : ''} ccdst = ${dst};`;
  }

  /** JS expression for CF from the statically known lazy state (QEMU's gen_compute_eflags_c). */
  private cfExpr(): string {
    switch (this.flagOp) {
      case CC_OP_LOGIC + S32:
      case CC_OP_LOGIC + S8:
        return '0';
      case CC_OP_SUB + S32:
        return '((((ccdst + ccsrc) >>> 0) < (ccsrc >>> 0)) ? 1 : 0)';
      case CC_OP_ADD + S32:
        return '(((ccdst >>> 0) < (ccsrc >>> 0)) ? 1 : 0)';
      case CC_OP_INC + S32:
      case CC_OP_DEC + S32:
        return '(ccsrc & 1)';
      case CC_OP_SAR + S32:
        return '(ccsrc & 1)';
      case CC_OP_SHL + S32:
        return '(ccsrc >>> 31)';
      case CC_OP_EFLAGS:
        return '(ccsrc & 1)';
      default:
        return `(${FLAGS_OUT} CF(cpu))`;
    }
  }

  /**
   * Where QEMU's test of condition class j makes the flags eager (cc.ts qemuCondEval: O and P
   * always, BE/L/LE unless after sub/cmp, Z/S only when the CC_OP is already unknown), the
   * interpreter converts them to CC_OP_EFLAGS. Inline code marks the lazy state CC_OP_DYNAMIC
   * instead: the flag values are the same, and bt* (the only reader that tells the two apart
   * from a known producer) treats EFLAGS and DYNAMIC alike.
   */
  private eagerMark(j: number): string {
    const mark = ` ccop |= ${CC_OP_DYNAMIC};`;
    if (j === 1 || j === 2 || j === 4) return '';
    if (j === 0 || j === 5) return this.flagOp === CC_OP_EFLAGS ? '' : mark;
    if (this.flagOp >= 0) return this.flagOp === CC_OP_EFLAGS || (this.flagOp >= CC_OP_SUB && this.flagOp < CC_OP_SUB + 3) ? '' : mark;
    return ` if ((((ccop & ${CC_OP_MASK}) - ${CC_OP_SUB}) >>> 0) >= 3) ccop |= ${CC_OP_DYNAMIC};`;
  }

  /** JS boolean for condition cc (0-15), fused with the flag producer when it is known. */
  private condExpr(cc: number): string {
    const neg = (e: string) => (cc & 1 ? `!(${e})` : e);
    const base = cc >> 1;
    switch (this.flagOp) {
      case CC_OP_SUB + S32: {
        const a = '((ccdst + ccsrc) | 0)';
        if (base === 1) return neg(`(${a} >>> 0) < (ccsrc >>> 0)`);
        if (base === 2) return neg('ccdst === 0');
        if (base === 3) return neg(`(${a} >>> 0) <= (ccsrc >>> 0)`);
        if (base === 4) return neg('ccdst < 0');
        if (base === 6) return neg(`${a} < ccsrc`);
        if (base === 7) return neg(`${a} <= ccsrc`);
        break;
      }
      case CC_OP_LOGIC + S32:
        if (base === 0 || base === 1) return cc & 1 ? 'true' : 'false';
        if (base === 2 || base === 3) return neg('ccdst === 0');
        if (base === 4 || base === 6) return neg('ccdst < 0');
        if (base === 7) return neg('ccdst <= 0');
        break;
      case CC_OP_LOGIC + S8:
        if (base === 0 || base === 1) return cc & 1 ? 'true' : 'false';
        if (base === 2 || base === 3) return neg('(ccdst & 255) === 0');
        break;
      case CC_OP_ADD + S32:
        if (base === 1) return neg('(ccdst >>> 0) < (ccsrc >>> 0)');
        if (base === 2) return neg('ccdst === 0');
        if (base === 4) return neg('ccdst < 0');
        break;
      case CC_OP_INC + S32:
      case CC_OP_DEC + S32:
        if (base === 2) return neg('ccdst === 0');
        if (base === 4) return neg('ccdst < 0');
        break;
      case CC_OP_SAR + S32:
        if (base === 1) return neg('(ccsrc & 1) !== 0');
        if (base === 2) return neg('ccdst === 0');
        if (base === 4) return neg('ccdst < 0');
        break;
      case CC_OP_SHL + S32:
        if (base === 1) return neg('ccsrc < 0');
        if (base === 2) return neg('ccdst === 0');
        if (base === 4) return neg('ccdst < 0');
        break;
    }
    return `(${FLAGS_OUT} TC(cpu, ${cc}))`;
  }

  // ---- instructions ----

  /** Emit `b` inline if it is one of the common forms; false sends it to its handler. */
  private emitInline(b: BlockInsn, last: boolean, count: number): boolean {
    const i = b.insn;
    // Hint NOPs and prefetches never touch memory: nothing to emit, whatever the prefixes.
    if (i.op === OP.nop_Ev || i.op === OP.prefetch_M) return true;
    if (i.rep !== 0) return false;
    if (i.isMem && !this.memInline(i) && i.op !== OP.lea_Gv_M) return this.emitBranch(b, last, count);
    if (this.emitByteOp(i, b.nextEip)) return true;
    if (i.opsize !== 32) return this.emitBranch(b, last, count);
    const o = this.out;
    const op = i.op;
    const next = b.nextEip;
    const rm = REGS[i.rm]!;
    const reg = REGS[i.reg]!;
    if (op === OP.nop) return true;
    if (op === OP.mov_Zv_Iv) {
      o.push(`${reg} = ${this.immv(i)};`);
      return true;
    }
    if (op === OP.mov_Gv_Ev) {
      o.push(i.isMem ? this.load32(this.ea(i), reg, i.seg) : `${reg} = ${rm};`);
      return true;
    }
    if (op === OP.mov_Ev_Gv || op === OP.mov_Ev_Iz) {
      const val = op === OP.mov_Ev_Gv ? reg : this.immv(i);
      if (!i.isMem) {
        o.push(`${rm} = ${val};`);
        return true;
      }
      o.push(`a = ${this.ea(i)}; w = ${val}; ${this.store32(i.seg)}`);
      o.push(this.exitCheck(next));
      return true;
    }
    if (op === OP.lea_Gv_M) {
      if (i.adsize !== 32) return false;
      o.push(`${reg} = ${this.ea(i)};`);
      return true;
    }
    if (op === OP.movzx_Gv_Eb || op === OP.movsx_Gv_Eb) {
      const ext = op === OP.movzx_Gv_Eb ? 'v' : '((v << 24) >> 24)';
      o.push(i.isMem ? this.load8(this.ea(i), 'v') : `v = ${this.get8(i.rm)};`);
      o.push(`${reg} = ${ext};`);
      return true;
    }
    if (op === OP.movzx_Gv_Ew || op === OP.movsx_Gv_Ew) {
      const ext = op === OP.movzx_Gv_Ew ? 'v' : '((v << 16) >> 16)';
      o.push(i.isMem ? this.load16(this.ea(i), 'v', i.seg) : `v = ${rm} & 0xffff;`);
      o.push(`${reg} = ${ext};`);
      return true;
    }
    if (op === OP.xchg_Ev_Gv && !i.isMem) {
      o.push(`v = ${rm}; ${rm} = ${reg}; ${reg} = v;`);
      return true;
    }
    if (op === OP.xchg_Zv_eAX) {
      o.push(`v = r0; r0 = ${reg}; ${reg} = v;`);
      return true;
    }
    if ((op === OP.not_Ev || op === OP.neg_Ev) && !i.isMem) {
      if (op === OP.not_Ev) o.push(`${rm} = ~${rm};`);
      else o.push(`v = ${rm}; d = (0 - v) | 0; ${rm} = d; ${this.setFlags(CC_OP_SUB + S32, 'v', 'd')}`);
      return true;
    }
    const name = OPS[op]!.name;
    const alu = /^(add|or|and|sub|xor|cmp)_(Ev_Gv|Gv_Ev|eAX_Iz|Ev_Iz|Ev_Ib)$/.exec(name);
    if (alu) return this.emitAlu(i, ALU_NAMES.indexOf(alu[1]!), alu[2]!, next);
    const test = /^test_(Ev_Gv|eAX_Iz|Ev_Iz)$/.exec(name);
    if (test) {
      const src = test[1] === 'Ev_Gv' ? reg : this.immv(i);
      if (test[1] === 'eAX_Iz') o.push('v = r0;');
      else o.push(i.isMem ? this.load32(this.ea(i), 'v', i.seg) : `v = ${rm};`);
      o.push(`d = v & ${src}; ${this.setFlags(CC_OP_LOGIC + S32, null, 'd')}`);
      return true;
    }
    if (op === OP.inc_Zv || op === OP.dec_Zv || ((op === OP.inc_Ev || op === OP.dec_Ev) && !i.isMem)) {
      const inc = op === OP.inc_Zv || op === OP.inc_Ev;
      const r = op === OP.inc_Zv || op === OP.dec_Zv ? reg : rm;
      // CF passes through: when only CF is read next, the state before already holds it.
      if ((this.live & ~CC_C) === 0) o.push(`${r} = (${r} ${inc ? '+' : '-'} 1) | 0;`);
      else {
        const cf = this.live & CC_C ? this.cfExpr() : '0';
        o.push(`v = ${cf}; d = (${r} ${inc ? '+' : '-'} 1) | 0; ${r} = d; ${this.setFlags((inc ? CC_OP_INC : CC_OP_DEC) + S32, 'v', 'd')}`);
      }
      return true;
    }
    const shift = /^(shl|shr|sar)_Ev_(Ib|1|CL)$/.exec(name);
    if (shift && !i.isMem) return this.emitShift(i, shift[1]!, shift[2]!);
    if (op === OP.imul_Gv_Ev_Iz || op === OP.imul_Gv_Ev_Ib || op === OP.imul_Gv_Ev) {
      // The low half from Math.imul; the flags' high-half test through the interpreter's helper.
      o.push(i.isMem ? this.load32(this.ea(i), 'w', i.seg) : `w = ${rm};`);
      const b2 = op === OP.imul_Gv_Ev ? reg : this.immv(i);
      const highHalf = this.live & (CC_C | CC_O) ? 'MS(w, v)' : '0'; // only CF and OF need it
      o.push(`v = ${b2}; d = Math.imul(w, v); ${reg} = d; ${this.setFlags(CC_OP_MUL + S32, highHalf, 'd')}`);
      return true;
    }
    const rot = /^(rol|ror)_Ev_(Ib|1)$/.exec(name);
    if (rot && !i.isMem) return this.emitRotate(i, rot[1] === 'rol', rot[2] === '1' ? 1 : i.imm & 31);
    if (op === OP.setcc_Eb && !i.isMem) {
      o.push(`v = (${this.condExpr(i.opcode & 15)}) ? 1 : 0; ${this.set8(i.rm, 'v')}${this.eagerMark((i.opcode & 15) >> 1)}`);
      return true;
    }
    if (this.flat && this.ss32) {
      if (op === OP.push_Zv || op === OP.push_Iz || op === OP.push_Ib) {
        const val = op === OP.push_Zv ? reg : this.immv(i);
        o.push(`w = ${val}; a = (r4 - 4) | 0; ${this.store32(2)} r4 = a;`);
        o.push(this.exitCheck(next));
        return true;
      }
      if (op === OP.pop_Zv) {
        o.push(`${this.load32('r4', 'v', 2)} r4 = (a + 4) | 0; ${reg} = v;`);
        return true;
      }
      if (last && this.emitCallRet(i, next, count)) return true;
    }
    return this.emitBranch(b, last, count);
  }

  /** 8-bit ALU/mov between registers, with an immediate, or with a flat memory operand. */
  private emitByteOp(i: Insn, next: number): boolean {
    const o = this.out;
    const name = OPS[i.op]!.name;
    const alu = /^(add|or|and|sub|xor|cmp)_(Eb_Gb|Gb_Eb|AL_Ib|Eb_Ib)$/.exec(name);
    const mov = /^mov_(Eb_Gb|Gb_Eb|Zb_Ib|Eb_Ib)$/.exec(name);
    if (mov) {
      const form = mov[1]!;
      if (i.isMem) {
        if (form === 'Gb_Eb') o.push(`${this.load8(this.ea(i), 'v')} ${this.set8(i.reg, 'v')}`);
        else {
          o.push(`a = ${this.ea(i)}; w = ${form === 'Eb_Gb' ? this.get8(i.reg) : this.imm8(i)}; ${this.store8()}`);
          o.push(this.exitCheck(next));
        }
      } else if (form === 'Eb_Gb') o.push(this.set8(i.rm, this.get8(i.reg)));
      else if (form === 'Gb_Eb') o.push(this.set8(i.reg, this.get8(i.rm)));
      else if (form === 'Zb_Ib') o.push(this.set8(i.reg, this.imm8(i)));
      else o.push(this.set8(i.rm, this.imm8(i)));
      return true;
    }
    if (!alu) return false;
    const op = ALU_NAMES.indexOf(alu[1]!);
    const form = alu[2]!;
    const ccop = op === 0 ? CC_OP_ADD + S8 : op === 5 || op === 7 ? CC_OP_SUB + S8 : CC_OP_LOGIC + S8;
    const flags = this.setFlags(ccop, ccop === CC_OP_LOGIC + S8 ? null : 'v', 'd');
    if (i.isMem && form === 'Gb_Eb') {
      o.push(`${this.load8(this.ea(i), 'v')} d = (${this.get8(i.reg)} ${ALU_JS[op]} v) & 255;${op === 7 ? '' : ' ' + this.set8(i.reg, 'd')} ${flags}`);
      return true;
    }
    if (i.isMem) {
      // Eb (memory) as the destination: read, compute, write back, then the flags.
      o.push(`${this.load8(this.ea(i), 'w')} v = ${form === 'Eb_Gb' ? this.get8(i.reg) : this.imm8(i)}; d = (w ${ALU_JS[op]} v) & 255;`);
      if (op !== 7) o.push(`w = d; ${this.store8()}`);
      o.push(flags);
      if (op !== 7) o.push(this.exitCheck(next));
      return true;
    }
    const [dstReg, src] =
      form === 'Eb_Gb' ? [i.rm, this.get8(i.reg)] : form === 'Gb_Eb' ? [i.reg, this.get8(i.rm)] : form === 'AL_Ib' ? [0, this.imm8(i)] : [i.rm, this.imm8(i)];
    o.push(`v = ${src}; d = (${this.get8(dstReg)} ${ALU_JS[op]} v) & 255;${op === 7 ? '' : ' ' + this.set8(dstReg, 'd')} ${flags}`);
    return true;
  }

  private emitShift(i: Insn, kind: string, form: string): boolean {
    const o = this.out;
    const rm = REGS[i.rm]!;
    const sh = kind === 'shl' ? '<<' : kind === 'shr' ? '>>>' : '>>';
    const ccop = kind === 'shl' ? CC_OP_SHL + S32 : CC_OP_SAR + S32;
    if (form !== 'CL') {
      const c = form === '1' ? 1 : i.imm & 31;
      if (c === 0) return true; // count 0: nothing changes, not even the flags
      o.push(`v = ${rm}; d = (v ${sh} ${c}) | 0; ${rm} = d; ${this.setFlags(ccop, `(v ${sh} ${c - 1}) | 0`, 'd')}`);
      return true;
    }
    // A count of 0 leaves the flags as they were, so what they hold afterwards is not static
    // (for QEMU's translator either: CC_OP_DYNAMIC, as the interpreter's shift.ts).
    o.push(`w = r1 & 31; if (w !== 0) { v = ${rm}; d = (v ${sh} w) | 0; ${rm} = d; ccop = ${ccop}; ccsrc = (v ${sh} (w - 1)) | 0; ccdst = d; } ccop |= ${CC_OP_DYNAMIC};`);
    this.flagOp = -1;
    return true;
  }

  /**
   * rol/ror of a 32-bit register by a constant, as the interpreter's shiftOp: CF and OF are
   * computed now (OF = MSB ^ CF for rol, the top two bits' XOR for ror, for every count, as
   * QEMU), the other flags keep their values; a count of 0 changes nothing.
   */
  private emitRotate(i: Insn, left: boolean, c: number): boolean {
    if (c === 0) return true;
    const rm = REGS[i.rm]!;
    const r = left ? `((v << ${c}) | (v >>> ${32 - c})) | 0` : `((v >>> ${c}) | (v << ${32 - c})) | 0`;
    const co = left ? '(d & 1) | ((((d >>> 31) ^ d) & 1) << 11)' : '(d >>> 31) | ((((d >>> 31) ^ (d >>> 30)) & 1) << 11)';
    if ((this.live & (CC_C | CC_O)) === 0) {
      this.out.push(`v = ${rm}; ${rm} = ${r};`); // the other flags pass through as they are
      return true;
    }
    // The other flags are materialised only if something reads them.
    const others = !(this.live & ~(CC_C | CC_O)) ? '0' : this.flagOp === CC_OP_EFLAGS ? 'ccsrc' : `(${FLAGS_OUT} CA(cpu))`;
    this.out.push(`v = ${rm}; d = ${r}; ${rm} = d; ccsrc = (${others} & ${~(CC_C | CC_O)}) | ${co}; ccop = ${CC_OP_EFLAGS};`);
    this.flagOp = CC_OP_EFLAGS;
    return true;
  }

  private emitAlu(i: Insn, aluOp: number, form: string, next: number): boolean {
    const o = this.out;
    if (aluOp === 2 || aluOp === 3) return false; // adc/sbb: handler (needs the carry in)
    const rm = REGS[i.rm]!;
    const reg = REGS[i.reg]!;
    const js = ALU_JS[aluOp];
    const srcExpr = form === 'Ev_Gv' ? reg : form === 'Gv_Ev' ? 'w' : this.immv(i);
    const ccop = aluOp === 0 ? CC_OP_ADD + S32 : aluOp === 5 || aluOp === 7 ? CC_OP_SUB + S32 : CC_OP_LOGIC + S32;
    const arith = ccop !== CC_OP_LOGIC + S32;
    const flags = (dst: string, src: string) => this.setFlags(ccop, arith ? src : null, dst);
    if (form === 'Gv_Ev') {
      o.push(i.isMem ? this.load32(this.ea(i), 'w', i.seg) : `w = ${rm};`);
      o.push(`d = (${reg} ${js} w) | 0; ${aluOp === 7 ? '' : `${reg} = d; `}${flags('d', 'w')}`);
      return true;
    }
    if (form === 'eAX_Iz') {
      o.push(`d = (r0 ${js} ${srcExpr}) | 0; ${aluOp === 7 ? '' : 'r0 = d; '}${flags('d', srcExpr)}`);
      return true;
    }
    if (!i.isMem) {
      o.push(`v = ${srcExpr}; d = (${rm} ${js} v) | 0; ${aluOp === 7 ? '' : `${rm} = d; `}${flags('d', 'v')}`);
      return true;
    }
    o.push(this.load32(this.ea(i), 'v', i.seg));
    o.push(`v = (v ${js} ${srcExpr}) | 0;`);
    if (aluOp === 7) {
      o.push(flags('v', srcExpr));
      return true;
    }
    o.push(`w = v; ${this.store32(i.seg)} ${flags('v', srcExpr)}`);
    o.push(this.exitCheck(next));
    return true;
  }

  /**
   * 32-bit near call, ret and indirect jmp through a flat SS, as the interpreter's callNear /
   * retNear / jumpNear: the target passes the CS limit check before the stack moves, an
   * indirect target is read before the push. A direct call continues at its target like a
   * jump; the others leave for the target in `d`.
   */
  private emitCallRet(i: Insn, next: number, count: number): boolean {
    const o = this.out;
    const op = i.op;
    // Each ends a QEMU TB once it has completed: its CC_OP is unknown after it (cc.ts CC_OP_DYNAMIC).
    const tbEnd = `ccop |= ${CC_OP_DYNAMIC};`;
    const push = `w = ${next | 0}; a = (r4 - 4) | 0; ${this.store32(2)} r4 = a; ${tbEnd}`;
    if (op === OP.call_Jz) {
      const target = (next + i.imm) >>> 0;
      o.push(`if (${hex(target)} > cpu.segLimit[1]) cpu.raise(13, 0); ${push}`);
      o.push(this.exitCheck(target));
      o.push(this.goTo(target, count, false));
    } else if (op === OP.ret || op === OP.ret_Iw) {
      o.push(this.load32('r4', 'd', 2));
      o.push(`if ((d >>> 0) > cpu.segLimit[1]) cpu.raise(13, 0); r4 = (r4 + ${4 + (op === OP.ret_Iw ? i.imm & 0xffff : 0)}) | 0; ${tbEnd}`);
      o.push(this.goToDynamic(count));
    } else if (op === OP.jmp_Ev || op === OP.call_Ev) {
      o.push(i.isMem ? this.load32(this.ea(i), 'd', i.seg) : `d = ${REGS[i.rm]};`);
      o.push('if ((d >>> 0) > cpu.segLimit[1]) cpu.raise(13, 0);');
      if (op === OP.call_Ev) {
        o.push(push);
        o.push(this.exitCheck('d >>> 0'));
      } else o.push(tbEnd);
      o.push(this.goToDynamic(count));
    } else return false;
    this.exited = true;
    return true;
  }

  /** Direct near jumps, jcc and loop as block exits (or the loop's back edge). */
  private emitBranch(b: BlockInsn, last: boolean, count: number): boolean {
    const i = b.insn;
    const op = i.op;
    const o = this.out;
    const mask = (v: number) => (i.opsize === 32 ? v >>> 0 : v & 0xffff);
    const isJcc = op === OP.jcc_Jb || op === OP.jcc_Jz;
    const isJmp = op === OP.jmp_Jb || op === OP.jmp_Jz;
    const isLoop = op === OP.loop_Jb && i.adsize === 32;
    if (!last || !(isJcc || isJmp || isLoop)) return false;
    const target = mask(b.nextEip + i.imm);
    const taken = () => this.goTo(target, count, true);
    this.exited = true;
    if (isJmp) {
      o.push(`ccop |= ${CC_OP_DYNAMIC}; ${taken()}`);
      return true;
    }
    if (isLoop) o.push(`d = (r1 - 1) | 0; r1 = d; ccop |= ${CC_OP_DYNAMIC}; if (d !== 0) ${taken()}`);
    else o.push(`if (${this.condExpr(i.opcode & 15)}) { ccop |= ${CC_OP_DYNAMIC}; ${taken()} }`);
    // Either way QEMU's TB ends here (cc.ts CC_OP_DYNAMIC).
    o.push(`ccop |= ${CC_OP_DYNAMIC};`);
    o.push(this.goTo(b.nextEip, count, false));
    return true;
  }
}
