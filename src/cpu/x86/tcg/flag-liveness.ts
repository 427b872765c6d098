// Which arithmetic flags are still read after each instruction of a block (a backward liveness
// pass, as TCG's liveness pass drops dead computations). The code generator skips flag work
// whose result no later instruction, exit or fault can see: imul's high-half test when a
// following add overwrites CF/OF, rol's materialised SF/ZF/PF when only CF is read next.

import { CC_C, CC_MASK, CC_O } from '../flags.js';
import { Insn, OP, OPS } from '../decoder/index.js';
import type { BlockInsn } from './codegen.js';

/** What an instruction does to the flags, seen from the liveness pass. */
interface FlagEffect {
  /** Flags it reads (its result depends on them). */
  reads: number;
  /** Flags it sets without reading them. */
  writes: number;
  /** It may fault, exit the block or run a handler that sees the whole CPU: every flag is live before it. */
  observes: boolean;
}

const OBSERVE: FlagEffect = { reads: CC_MASK, writes: 0, observes: true };
const NONE: FlagEffect = { reads: 0, writes: 0, observes: false };
const ALL: FlagEffect = { reads: 0, writes: CC_MASK, observes: false };
const INC_DEC: FlagEffect = { reads: CC_C, writes: CC_MASK & ~CC_C, observes: false };
const ROTATE: FlagEffect = { reads: 0, writes: CC_C | CC_O, observes: false };

/** Register moves and address arithmetic: no flags, no memory access, no fault. */
const TRANSPARENT = /^(mov_(Zv_Iv|Gv_Ev|Ev_Gv|Ev_Iz|Eb_Gb|Gb_Eb|Zb_Ib|Eb_Ib)|mov[sz]x_Gv_E[bw]|xchg_(Ev_Gv|Zv_eAX)|not_E[vb]|nop)$/;
/** Register ALU forms that set every arithmetic flag from their operands alone. */
const FULL_WRITER = /^((add|or|and|sub|xor|cmp)_(Ev_Gv|Gv_Ev|eAX_Iz|Ev_Iz|Ev_Ib|Eb_Gb|Gb_Eb|AL_Ib|Eb_Ib)|test_(Ev_Gv|eAX_Iz|Ev_Iz|Eb_Gb|AL_Ib|Eb_Ib)|neg_E[vb]|imul_Gv_Ev(_Iz|_Ib)?)$/;

function effectOf(i: Insn): FlagEffect {
  if (i.op === OP.nop_Ev || i.op === OP.prefetch_M) return NONE; // never access memory
  if (i.rep !== 0) return OBSERVE;
  if (i.op === OP.lea_Gv_M) return i.isMem ? NONE : OBSERVE; // lea with a register operand is #UD
  if (i.isMem) return OBSERVE; // any access may fault: the handler sees the flags as they are
  const name = OPS[i.op]!.name;
  if (TRANSPARENT.test(name)) return NONE;
  if (FULL_WRITER.test(name)) return ALL;
  if (/^(inc|dec)_(Zv|Ev)$/.test(name)) return INC_DEC;
  // Shifts and rotates by a constant: a count of 0 (mod 32) touches no flag.
  const count = /_Ev_1$/.test(name) ? 1 : i.imm & 31;
  if (/^(shl|shr|sar)_Ev_(Ib|1)$/.test(name)) return count === 0 ? NONE : ALL;
  if (/^(rol|ror)_Ev_(Ib|1)$/.test(name)) return count === 0 ? NONE : ROTATE;
  return OBSERVE;
}

/**
 * For each instruction of the block, the flags (CC_* bits) that something after it may read.
 * Every flag is live at the block's end (the next block, an interrupt, the monitor may look).
 */
export function flagsLiveAfter(block: readonly BlockInsn[]): number[] {
  const out = new Array<number>(block.length);
  let live = CC_MASK;
  for (let n = block.length - 1; n >= 0; n--) {
    const e = effectOf(block[n]!.insn);
    // An observing instruction may also exit right after itself (a store that hit translated
    // code, a handler that raised an interrupt request): its own flags are seen there too.
    out[n] = e.observes ? CC_MASK : live;
    live = e.observes ? CC_MASK : (live & ~e.writes) | e.reads;
  }
  return out;
}
