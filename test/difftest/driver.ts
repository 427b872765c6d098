// `npm run difftest` (bundled and run by scripts/difftest.mjs): runs fresh seeds on a live
// qemu-system-i386 and on both tcg86 engines. A difference that a documented hardware rule
// (rules.ts: where QEMU departs from the SDM) covers is reported with the rule's name; any
// other is a mismatch: its block is minimised by dropping units while the mismatch stays, and
// seed, mode, minimal block and expected vs got are printed. Exit status 1 on any mismatch.
// --record re-records the committed corpus goldens (test/golden/difftest/MODE.json).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODES, type Mode } from './gen.js';
import { disassemble, formatDump, makeCase, qemuAvailable, romHash, runQemu, runTcg86 } from './run.js';
import { CORPUS_SEEDS, goldenPath, loadGolden, type GoldenFile } from './corpus.js';
import { blockInsns, excusingRule, HARDWARE_RULES, type HardwareRule } from './rules.js';

interface Options {
  seeds: number;
  start: number;
  modes: Mode[];
  record: boolean;
  minimise: boolean;
  quiet: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = { seeds: 100, start: Date.now() % 1_000_000_000, modes: [...MODES], record: false, minimise: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [a, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const val = () => inline ?? argv[++i] ?? '';
    if (a === '--seeds') o.seeds = Number(val());
    else if (a === '--start') o.start = Number(val());
    else if (a === '--mode') o.modes = val().split(',') as Mode[];
    else if (a === '--record') o.record = true;
    else if (a === '--no-minimise') o.minimise = false;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log('npm run difftest -- [--seeds N] [--start SEED] [--mode real|pm|paging[,..]] [--no-minimise] [--quiet] [--record]');
      process.exit(0);
    } else throw new Error(`difftest: unknown option ${a}`);
  }
  for (const m of o.modes) if (!MODES.includes(m)) throw new Error(`difftest: unknown mode ${m} (${MODES.join(', ')})`);
  if (!Number.isSafeInteger(o.seeds) || o.seeds < 0) throw new Error('difftest: --seeds wants a count');
  return o;
}

interface Outcome {
  qemu: string;
  interp: string;
  tcg: string;
}

async function runAll(seed: number, mode: Mode, keep?: boolean[]): Promise<Outcome> {
  const c = makeCase(seed, mode, keep);
  return {
    qemu: formatDump(c.program, runQemu(c.rom.image)),
    interp: formatDump(c.program, await runTcg86(c.rom.image, 'interp')),
    tcg: formatDump(c.program, await runTcg86(c.rom.image, 'tcg')),
  };
}
const differs = (o: Outcome) => o.qemu !== o.interp || o.qemu !== o.tcg;

/**
 * The rules that excuse each engine's difference from QEMU, or null when some difference is
 * not covered by any rule (an engine equal to QEMU needs none). A difference that spread past
 * the rule's fields (QEMU's wrong flags steered a later instruction) is still excused when the
 * block without the units holding the rule's instruction matches QEMU on both engines.
 */
async function excuses(seed: number, mode: Mode, o: Outcome): Promise<HardwareRule[] | null> {
  const c = makeCase(seed, mode);
  const rules: HardwareRule[] = [];
  for (const got of [o.interp, o.tcg]) {
    if (got === o.qemu) continue;
    const rule = excusingRule(c.rom, c.program, o.qemu, got);
    if (!rule) return spreadRule(seed, mode);
    if (!rules.includes(rule)) rules.push(rule);
  }
  return rules;
}

async function spreadRule(seed: number, mode: Mode): Promise<HardwareRule[] | null> {
  const c = makeCase(seed, mode);
  for (const rule of HARDWARE_RULES) {
    const keep = c.program.units.map((_, k) => {
      const only = c.program.units.map((_u, n) => n === k);
      return !rule.applies(blockInsns(c.rom, c.program, only));
    });
    if (keep.every(Boolean)) continue;
    if (!differs(await runAll(seed, mode, keep))) return [rule];
  }
  return null;
}

/** Lines of `got` that differ from `want`, side by side. */
export function diffLines(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) out.push(`    want: ${a[i] ?? '(none)'}\n    got:  ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}

async function minimise(seed: number, mode: Mode): Promise<{ keep: boolean[]; outcome: Outcome }> {
  const n = makeCase(seed, mode).program.units.length;
  const keep = new Array<boolean>(n).fill(true);
  let outcome = await runAll(seed, mode, keep);
  // Drop trailing units first (cheap wins), then single units front to back, until stable.
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (!keep[i]) continue;
      keep[i] = false;
      const o = await runAll(seed, mode, keep);
      if (differs(o)) {
        outcome = o;
        changed = true;
      } else keep[i] = true;
    }
  }
  return { keep, outcome };
}

export async function main(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (!qemuAvailable()) {
    console.error('difftest: qemu-system-i386 is not installed (npm test checks the committed goldens without it)');
    return 2;
  }
  if (o.record) return record();
  let total = 0;
  let bad = 0;
  let excused = 0;
  const t0 = Date.now();
  for (const mode of o.modes) {
    for (let k = 0; k < o.seeds; k++) {
      const seed = o.start + k;
      total++;
      const out = await runAll(seed, mode);
      if (!differs(out)) continue;
      const rules = await excuses(seed, mode, out);
      if (rules) {
        excused++;
        console.log(`EXCUSED seed ${seed} mode ${mode}: ${rules.map((r) => `${r.name} (${r.doc})`).join('; ')}`);
        continue;
      }
      bad++;
      const { keep, outcome } = o.minimise ? await minimise(seed, mode) : { keep: undefined, outcome: out };
      const c = makeCase(seed, mode, keep);
      console.log(`MISMATCH seed ${seed} mode ${mode}${keep ? ` (minimal: ${keep.filter(Boolean).length} of ${keep.length} units)` : ''}`);
      if (!o.quiet) console.log(disassemble(c.rom, c.program, keep));
      if (outcome.interp !== outcome.qemu) console.log(`  interp vs QEMU:\n${diffLines(outcome.qemu, outcome.interp)}`);
      if (outcome.tcg !== outcome.qemu) console.log(`  tcg vs QEMU:\n${diffLines(outcome.qemu, outcome.tcg)}`);
    }
  }
  console.log(
    `difftest: ${total} programs (${o.modes.join(', ')}), ${total - bad - excused} match QEMU on both engines, ` +
      `${excused} differ only where a hardware rule says QEMU is wrong, ${bad} unexplained mismatch (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return bad ? 1 : 0;
}

/** Re-record the corpus goldens from QEMU (a case whose ROM is unchanged keeps its dump). */
function record(): number {
  for (const mode of MODES) {
    const file: GoldenFile = { mode, note: 'QEMU 7.2 TCG dumps of test/difftest/gen.ts ROMs; re-record with npm run difftest -- --record', cases: [] };
    const old = new Map(fs.existsSync(goldenPath(mode)) ? loadGolden(mode).cases.map((g) => [g.seed, g]) : []);
    for (const seed of CORPUS_SEEDS) {
      const c = makeCase(seed, mode);
      const hash = romHash(c.rom.image);
      const kept = old.get(seed);
      file.cases.push({ seed, hash, dump: kept?.hash === hash ? kept.dump : formatDump(c.program, runQemu(c.rom.image)) });
    }
    fs.mkdirSync(path.dirname(goldenPath(mode)), { recursive: true });
    fs.writeFileSync(goldenPath(mode), JSON.stringify(file, null, 1) + '\n');
    console.log(`recorded ${file.cases.length} ${mode} cases -> ${goldenPath(mode)}`);
  }
  return 0;
}
