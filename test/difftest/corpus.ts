// The committed difftest corpus: which seeds, where QEMU's golden dumps live, and the known
// disagreements (seed/mode -> the problem), which the corpus test records as expected failures.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mode } from './gen.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Seeds of the corpus (each run in every mode); 5000 on have x87 and MMX units (gen-fpu.ts). */
export const CORPUS_SEEDS: readonly number[] = [
  ...Array.from({ length: 160 }, (_, i) => 1000 + i),
  ...Array.from({ length: 40 }, (_, i) => 5000 + i),
  // Found by the live run: setcc on memory whose store faults (paging).
  910415,
];

export interface GoldenCase {
  seed: number;
  /** romHash of the ROM QEMU ran: a generator change shows up as a hash mismatch. */
  hash: string;
  dump: string;
}
export interface GoldenFile {
  mode: Mode;
  note: string;
  cases: GoldenCase[];
}

export function goldenPath(mode: Mode): string {
  return path.join(ROOT, 'test/golden/difftest', `${mode}.json`);
}
export function loadGolden(mode: Mode): GoldenFile {
  return JSON.parse(fs.readFileSync(goldenPath(mode), 'utf8')) as GoldenFile;
}

/**
 * Known disagreements with QEMU, by "mode:seed": the problem in tcg86 (or in QEMU, where the
 * SDM defines the result and QEMU departs from it). Fixed since first recorded (so now plain
 * tests): rep string ops faulting mid-way on the translator, bt* undefined flags, flags of a
 * read-modify-write whose store faults on the interpreter.
 */
/** Known disagreements still open (none at present; fixed ones became plain tests). */
export const KNOWN: Readonly<Record<string, string>> = {};

/**
 * Cases where QEMU 7.2 departs from the SDM and the expected dump is the hardware's: QEMU's
 * recorded dump stays in the golden file (re-recording keeps working) and these line
 * substitutions turn it into the hardware-correct one (test/golden/DEVIATIONS.md says why).
 */
export const HARDWARE_FIXUPS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  // cmpxchg8b writes only ZF (SDM); QEMU recomputes CF/PF/AF/SF/OF from a stale cc_op.
  'real:1098': [
    ['exc 5 err=00000000 cr2=00000000 eip=0000012c cs=f000 eflags=00000887', 'exc 5 err=00000000 cr2=00000000 eip=0000012c cs=f000 eflags=00000883'],
    ['stack: 1ef4=05 1ef5=00 1ef6=2c 1ef7=01 1ef8=00 1ef9=f0 1efa=87 1efb=08 1efc=00 1efd=00 1efe=00 1eff=00', 'stack: 1ef4=05 1ef5=00 1ef6=2c 1ef7=01 1ef8=00 1ef9=f0 1efa=83 1efb=08 1efc=00 1efd=00 1efe=00 1eff=00'],
  ],
  'real:1104': [
    ['end eflags=00000402', 'end eflags=00000c83'],
    ['stack: 1efc=02 1efd=04 1efe=00 1eff=00', 'stack: 1efc=83 1efd=0c 1efe=00 1eff=00'],
  ],
};

/** The dump a case must produce: QEMU's, with the hardware fixups of that case applied. */
export function expectedDump(mode: string, seed: number, qemuDump: string): string {
  const fixes = HARDWARE_FIXUPS[`${mode}:${seed}`];
  if (!fixes) return qemuDump;
  const lines = qemuDump.split('\n');
  for (const [from, to] of fixes) {
    const i = lines.indexOf(from);
    if (i < 0) throw new Error(`hardware fixup for ${mode}:${seed} no longer matches QEMU's dump: ${from}`);
    lines[i] = to;
  }
  return lines.join('\n');
}
