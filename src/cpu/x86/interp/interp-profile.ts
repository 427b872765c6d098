// --profile for code the interpreter runs (the interp engine, and instructions the translator
// hands to it): executions per instruction address, with the instruction's text from its first
// run. Only called when a profile is being taken.
import type { Insn } from '../decoder/index.js';
import { formatInsnText } from '../decoder/index.js';

export interface InterpretedInsn {
  execs: number;
  /** Capstone-style text of the instruction when it first ran here. */
  disas: string;
}

/** Executions by linear pc. */
export type InterpProfile = Map<number, InterpretedInsn>;

export function countInterpreted(profile: InterpProfile, pc: number, insn: Insn, code32: boolean): void {
  const e = profile.get(pc);
  if (e !== undefined) {
    e.execs++;
    return;
  }
  profile.set(pc, { execs: 1, disas: formatInsnText(insn, pc, code32) });
}
