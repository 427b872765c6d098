// `npm run bench`: runs every roms/src/*.asm with a `; BENCH:` header on tcg86's translator,
// QEMU TCG and v86 side by side (the interpreter when asked), and prints wall time, MIPS, RSS,
// TLB/TB stats, ratios. With no options: 1 run each, everything within 90 s (later runs are
// skipped and said so). Options: --full (3 runs, the interpreter too, no overall limit),
// --runs N, --budget SECONDS (0: none), --json FILE, --only NAME[,NAME], --engines
// tcg,interp,qemu,v86, --no-build, --timeout SECONDS (per run, default 60).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBenchRoms } from '../bench/roms.mjs';
import { killRunningChildren } from '../bench/child.mjs';
import { runTcg86, snapshotTcg86 } from '../bench/run-tcg86.mjs';
import { qemuVersion, runQemu } from '../bench/run-qemu.mjs';
import { findV86, runV86 } from '../bench/run-v86.mjs';
import { describeMachine } from '../bench/machine.mjs';
import { summariseRuns, ratios } from '../bench/summary.mjs';
import { formatReport } from '../bench/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['tcg', 'interp', 'qemu', 'v86'];
/** The interpreter is 10-50x slower than the translator: it runs only when asked. */
const DEFAULT_ENGINES = ['tcg', 'qemu', 'v86'];

function parseCli(argv) {
  const o = { runs: 1, json: null, only: null, engines: DEFAULT_ENGINES, build: true, timeoutMs: 60_000, budgetMs: 90_000 };
  for (let k = 0; k < argv.length; k++) {
    const [a, inline] = argv[k].split('=', 2);
    const val = () => inline ?? argv[++k];
    if (a === '--quick') o.runs = 1;
    else if (a === '--full') Object.assign(o, { runs: 3, engines: ALL, budgetMs: 0, timeoutMs: 300_000 });
    else if (a === '--budget') o.budgetMs = Number(val()) * 1000;
    else if (a === '--runs') o.runs = Math.max(1, Number(val()));
    else if (a === '--json') o.json = val();
    else if (a === '--only') o.only = val().split(',');
    else if (a === '--engines') o.engines = val().split(',');
    else if (a === '--no-build') o.build = false;
    else if (a === '--tcg86') {
      o.tcg86 = val();
      o.build = false;
    }
    else if (a === '--timeout') o.timeoutMs = Number(val()) * 1000;
    else if (a === '--help' || a === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 4).join('\n'));
      process.exit(0);
    } else throw new Error(`bench: unknown option ${argv[k]} (try --help)`);
  }
  for (const e of o.engines) if (!ALL.includes(e)) throw new Error(`bench: unknown engine ${e} (${ALL.join(', ')})`);
  return o;
}

const log = (s) => process.stderr.write(`${s}\n`);
const opts = parseCli(process.argv.slice(2));
const notes = [];

if (opts.build) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--cli-only'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) notes.push('npm run build failed: benchmarked the existing dist/tcg86.js');
}
const bundle = opts.tcg86 ? resolve(opts.tcg86) : join(root, 'dist', 'tcg86.js');
const haveTcg86 = existsSync(bundle);
if (!haveTcg86) notes.push(`${bundle} missing: tcg86 not run`);
const snap = haveTcg86 ? snapshotTcg86(bundle) : null;
process.on('exit', () => snap?.dispose());
// Interrupted: stop the runs in progress too (a TERM sent to the bench alone reaches no child).
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killRunningChildren();
    log(`bench: ${sig}: stopped`);
    process.exit(130);
  });
}
const commit = opts.tcg86 ? null : spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
const qemu = opts.engines.includes('qemu') ? qemuVersion() : null;
if (opts.engines.includes('qemu') && !qemu) notes.push('qemu-system-i386 not found (set $QEMU): QEMU skipped');
const v86 = opts.engines.includes('v86') ? findV86(root) : null;
if (opts.engines.includes('v86') && !v86) notes.push('node_modules/v86 missing: v86 skipped');

/** The engines to run, each a name and a function rom -> result. */
const engines = [];
if (haveTcg86 && opts.engines.includes('tcg')) engines.push(['tcg86-tcg', (rom, t) => runTcg86(snap.cli, root, rom, 'tcg', { timeoutMs: t ?? opts.timeoutMs })]);
if (haveTcg86 && opts.engines.includes('interp')) engines.push(['tcg86-interp', (rom, t) => runTcg86(snap.cli, root, rom, 'interp', { timeoutMs: t ?? opts.timeoutMs })]);
if (qemu) engines.push(['qemu-tcg', (rom, t) => runQemu(rom, { timeoutMs: t ?? opts.timeoutMs })]);
if (v86) engines.push(['v86', (rom, t) => runV86(v86, rom, { timeoutMs: t ?? opts.timeoutMs })]);

let roms = findBenchRoms(root);
if (opts.only) roms = roms.filter((r) => opts.only.includes(r.name));
for (const r of roms) if (!existsSync(r.bin)) notes.push(`${r.name}: ${relative(root, r.bin)} missing (npm run roms / scripts/build-c-kernels.sh): skipped`);
roms = roms.filter((r) => existsSync(r.bin));
const startupRom = { name: 'unassigned', kind: 'startup', args: [], bin: join(root, 'roms', 'unassigned.bin'), golden: null, goldenStatus: null };

const STARTUP_TIMEOUT_MS = 60_000;
const t0 = performance.now();
const total = opts.runs * engines.length * (roms.length + 1);
log(
  `bench: ${roms.length} ROMs (${roms.map((r) => r.name).join(', ')}) on ${engines.map(([n]) => n).join(', ')}, ` +
    `${opts.runs} run${opts.runs > 1 ? 's' : ''} each, plus a startup run per engine: ${total} runs, ` +
    (opts.budgetMs > 0 ? `at most about ${Math.round(opts.budgetMs / 1000)} s (runs past that are skipped; --full for 3 runs with the interpreter)` : `up to ${Math.round(opts.timeoutMs / 1000)} s each`),
);
/** The per-run timeout within what is left of the overall budget (0 when it is spent). */
function timeLeft(limitMs) {
  if (opts.budgetMs <= 0) return limitMs;
  return Math.max(0, Math.min(limitMs, opts.budgetMs - (performance.now() - t0)));
}
let skipped = 0;
const runs = new Map(); // "rom|engine" -> results
const startupRuns = new Map();
for (let rep = 1; rep <= opts.runs; rep++) {
  for (const [name, run] of engines) {
    if (!existsSync(startupRom.bin)) break;
    const left = timeLeft(STARTUP_TIMEOUT_MS);
    if (left < 1000) {
      skipped++;
      continue;
    }
    const r = await run(startupRom, left);
    // Output is not checked here (v86 models unassigned memory and ports differently from QEMU).
    const check = r.timedOut ? 'TIMEOUT' : r.status === 0 || r.status === null || r.status >= 64 ? `FAILED (status ${r.status})` : 'ok';
    if (check !== 'ok') log(`bench: startup run ${name}: ${check}`);
    startupRuns.set(name, [...(startupRuns.get(name) ?? []), { ...r, check, icount: null }]);
  }
  for (const rom of roms) {
    for (const [name, run] of engines) {
      const left = timeLeft(opts.timeoutMs);
      if (left < 1000) {
        skipped++;
        continue;
      }
      const r = await run(rom, left);
      log(`bench: run ${rep}/${opts.runs} ${rom.name} ${name}: ${(r.wallMs / 1000).toFixed(2)} s ${r.check}${r.note ? ` (${r.note})` : ''}`);
      const key = `${rom.name}|${name}`;
      runs.set(key, [...(runs.get(key) ?? []), r]);
    }
  }
}

if (skipped > 0) notes.push(`${skipped} of ${total} runs skipped: the ${Math.round(opts.budgetMs / 1000)} s budget was spent (--budget 0 or --full lifts it)`);

const results = {
  date: new Date().toISOString(),
  commit,
  dirty,
  tcg86Bundle: snap ? `${opts.tcg86 ? bundle : relative(root, bundle)} sha256 ${snap.sha256} (copied at start)` : null,
  machine: describeMachine({ qemu, v86 }),
  runsPerRom: opts.runs,
  notes,
  rssMethods: [],
  startupRom: 'roms/unassigned.bin',
  startup: Object.fromEntries([...startupRuns].map(([n, rs]) => [n, summariseRuns(rs, null)])),
  roms: [],
};
for (const rom of roms) {
  const got = engines.map(([name]) => [name, runs.get(`${rom.name}|${name}`)]).filter(([, rs]) => rs);
  const ref = got.map(([, rs]) => rs.find((r) => r.icount != null && r.check === 'ok')?.icount).find((x) => x != null) ?? null;
  const v86Count = runs.get(`${rom.name}|v86`)?.find((r) => r.v86Icount != null && r.check === 'ok')?.v86Icount ?? null;
  const refIcount = ref ?? v86Count;
  if (ref == null && v86Count != null) notes.push(`${rom.name}: no tcg86 instruction count; MIPS use v86's instruction counter`);
  const byEngine = Object.fromEntries(got.map(([name, rs]) => [name, summariseRuns(rs, refIcount)]));
  const raw = Object.fromEntries(got.map(([name, rs]) => [name, rs.map((r) => ({ ...r, stdout: undefined }))]));
  results.roms.push({ name: rom.name, kind: rom.kind, args: rom.args, description: rom.description, refIcount, engines: byEngine, ratios: ratios(byEngine), raw });
}
results.rssMethods = [...new Set(results.roms.flatMap((r) => Object.values(r.engines).map((s) => `${s.engine}: ${s.rssMethod}`)))];
for (const rom of results.roms) for (const s of Object.values(rom.engines)) for (const n of s.notes) if (!notes.includes(n)) notes.push(n);

console.log(formatReport(results));
if (opts.json) {
  writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`bench: raw results written to ${opts.json}`);
}
// Live migration (idle and dirtying 256 MiB guests, tcg86 and QEMU): scripts/bench-migration.mjs,
// with --full or --budget 0 only (it takes about a minute, past the default budget).
if (!opts.only && haveTcg86 && opts.budgetMs === 0) {
  const eng = opts.engines.filter((e) => e === 'qemu' || e === 'tcg').map((e) => (e === 'tcg' ? 'tcg86' : e));
  if (eng.length) spawnSync(process.execPath, [join(root, 'scripts', 'bench-migration.mjs'), '--engines', eng.join(',')], { cwd: root, stdio: 'inherit' });
}
