// What the CPU and translator call when plugins are loaded (cpu.plugins; null otherwise, and then
// nothing below is ever called and generated code holds no instrumentation).

import type { Insn } from './decoder/index.js';

/** Memory callback of one instruction, as generated code calls it. */
export type InsnMemFn = (vaddr: number, size: number, isStore: number) => void;

/** A translated block's instrumentation: what its generated code calls (its `P`). */
export interface TbInstrumentation {
  /** At block entry. */
  tb: (() => void) | null;
  /** Before instruction k. */
  insn: ((() => void) | null)[];
  /** After each memory access of instruction k. */
  mem: (InsnMemFn | null)[];
  /** The runtime: `rt.cur` is the memory callback for accesses made by handlers. */
  rt: { cur: InsnMemFn | null };
}

/** A block as plugins see it at translation: linear addresses, bytes and decoded instructions. */
export interface BlockDescription {
  vaddr: number;
  insns: { vaddr: number; bytes: Uint8Array; insn: Insn }[];
}

export interface PluginHooks {
  /** Some plugin registered memory callbacks: handler accesses report through rt.cur. */
  readonly memOn: boolean;
  /** A block is being translated: its instrumentation, or null if no plugin asked for any. */
  translate(desc: BlockDescription): TbInstrumentation | null;
  /** The interpreter is about to run this instruction at CS:eip (a block of one); `code` fetches its bytes. */
  beforeInsn(linear: number, eip: number, insn: Insn, code: { readCode8(eip: number): number }): void;
  /** The instruction ran or faulted: handler accesses report to no instruction now. */
  afterInsn(): void;
}
