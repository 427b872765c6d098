// Public face of the x86 decoder: decode(), the Insn record, the op table and the formatter.
//
// Use: one Insn per CPU, reused. Handlers live in an array indexed by op id, bound by name:
//   const handlers: Handler[] = new Array(OP_COUNT).fill(raiseUD);
//   handlers[opId('add_Eb_Gb')] = addEbGb;   // opId throws on a typo; OP.add_Eb_Gb also works
//   decode(insn, cpu, eip, code32); handlers[insn.op](cpu, insn);
// OP_INVALID -> #UD, OP_TOO_LONG -> #GP(0); OPS[op].level / OP_FLAGS[op] (F.PRIV...) are the
// CPU's to check; OP_END[op] tells the translator why a block ends.
export { decode } from './decode.js';
export { Insn, SEG, REP, type CodeReader } from './insn.js';
export { END, F, type Level } from './op-flags.js';
export { formatInsn } from './format.js';
export { formatInsnAtt, formatInsnText, type AttText } from './format-att.js';
export { OPS, OP, OP_INVALID, OP_TOO_LONG, OP_COUNT, OP_FLAGS, OP_END, OP_IMM, IMM, opId, type OpInfo } from './table.js';
