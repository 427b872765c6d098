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
 * SDM defines the result and QEMU departs from it). Filled in from the analysis in the report.
 */
const BT_FLAGS = 'bt/bts/btr/btc undefined flags: QEMU derives OF/SF/AF/PF via CC_OP_SAR from the previous op, tcg86 keeps them';
const REP_FAULT = 'tcg engine: a #PF in the middle of a rep string op loses the completed iterations (ECX/ESI/EDI/flags at entry)';
const RMW_FLAGS = 'interp: a read-modify-write whose store faults has already committed its flags (pushed EFLAGS wrong)';
const QEMU_CX8 = 'QEMU bug: cmpxchg8b computes CF/PF/AF/SF/OF from a stale cc_op (SDM: only ZF is written); tcg86 is right';

export const KNOWN: Readonly<Record<string, string>> = {
  'real:1098': QEMU_CX8,
  'real:1104': QEMU_CX8,
  'pm:1017': BT_FLAGS,
  'pm:1041': BT_FLAGS,
  'pm:1063': BT_FLAGS,
  'pm:1103': BT_FLAGS,
  'pm:1118': BT_FLAGS,
  'paging:1011': BT_FLAGS,
  'paging:1003': REP_FAULT,
  'paging:1016': REP_FAULT,
  'paging:1068': REP_FAULT,
  'paging:1088': REP_FAULT,
  'paging:1098': REP_FAULT,
  'paging:1100': REP_FAULT,
  'paging:1114': REP_FAULT,
  'paging:1077': RMW_FLAGS,
};
