// The committed difftest corpus: which seeds, where QEMU's golden dumps live, and the known
// disagreements (seed/mode -> the problem), which the corpus test records as expected failures.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Mode } from './gen.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Seeds of the corpus (each run in every mode). */
export const CORPUS_SEEDS: readonly number[] = Array.from({ length: 120 }, (_, i) => 1000 + i);

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
const QEMU_CX8 = 'QEMU bug: cmpxchg8b computes CF/PF/AF/SF/OF from a stale cc_op (SDM: only ZF is written); tcg86 is right';

export const KNOWN: Readonly<Record<string, string>> = {
  'real:1098': QEMU_CX8,
  'real:1104': QEMU_CX8,
};
