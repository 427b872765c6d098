// The interpreter's dispatch table: one handler per decoder op, bound by the op's name.
// Group files (alu.ts, string.ts, system.ts, ...) register their handlers at module load.

import { EXCP06_ILLOP } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { OP_COUNT, OPS, OP_INVALID, opId, type Insn } from '../decoder/index.js';

export type Handler = (cpu: X86CPU, i: Insn) => void;

/** An op without a handler: #UD, logged under -d unimp with the op's name (never silent). */
function unimplemented(cpu: X86CPU, i: Insn): void {
  if (cpu.log?.unimp && i.op !== OP_INVALID) {
    cpu.log.write(`unimplemented op ${OPS[i.op]!.name} at ${cpu.segSel[1]!.toString(16).padStart(4, '0')}:${i.eip.toString(16)}\n`);
  }
  cpu.raise(EXCP06_ILLOP);
}

export const HANDLERS: Handler[] = new Array<Handler>(OP_COUNT).fill(unimplemented);

/** Bind `fn` to the op called `name` (throws on a name the decoder does not know). */
export function defineHandler(name: string, fn: Handler): void {
  HANDLERS[opId(name)] = fn;
}

/** Ops that still raise #UD because nothing handles them (for tests and -d unimp). */
export function unhandledOps(): string[] {
  const out: string[] = [];
  for (let op = 0; op < OP_COUNT; op++) if (HANDLERS[op] === unimplemented && op > 1) out.push(OPS[op]!.name);
  return out;
}
