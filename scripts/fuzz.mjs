// `npm run fuzz -- [--programs N] [--limit INSNS] [--start SEED] [--mode real,pm,paging] [--bisect]`:
// long fuzz run on both engines (bundles test/fuzz/fuzz.ts with esbuild); prints a summary of
// programs, instructions, host crashes and engine disagreements (with --bisect: where they start).
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const o = { programs: 300, limit: 20000, start: 1_000_000, modes: null, bisect: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [a, inline] = argv[i].split('=', 2);
  const val = () => inline ?? argv[++i];
  if (a === '--programs') o.programs = Number(val());
  else if (a === '--limit') o.limit = Number(val());
  else if (a === '--start') o.start = Number(val());
  else if (a === '--mode') o.modes = val().split(',');
  else if (a === '--bisect') o.bisect = true;
  else {
    console.error(`fuzz: unknown option ${a} (--programs N --limit INSNS --start SEED --mode M[,M] --bisect)`);
    process.exit(2);
  }
}
const dir = mkdtempSync(join(tmpdir(), 'tcg86-fuzz-bundle-'));
try {
  const outfile = join(dir, 'fuzz.mjs');
  // CommonJS dependencies (pngjs) call require() for node built-ins: give the ESM bundle one.
  const banner = { js: "import { createRequire as __tcg86Require } from 'node:module'; const require = __tcg86Require(import.meta.url);" };
  await build({ entryPoints: [join(root, 'test/fuzz/fuzz.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning', banner });
  const { fuzzOne, firstDivergence, FUZZ_MODES } = await import(pathToFileURL(outfile).href);
  const modes = o.modes ?? FUZZ_MODES;
  const t0 = Date.now();
  let programs = 0, insns = 0, crashes = 0, disagree = 0, peakRss = 0;
  for (let k = 0; programs < o.programs; k++) {
    for (const mode of modes) {
      if (programs >= o.programs) break;
      const seed = o.start + k;
      const r = await fuzzOne(seed, mode, o.limit);
      programs++;
      insns += r.interp.icount + r.tcg.icount;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      for (const [e, out] of [['interp', r.interp], ['tcg', r.tcg]]) {
        if (out.hostError) {
          crashes++;
          console.log(`HOST CRASH seed ${seed} mode ${mode} engine ${e}: ${out.hostError}`);
        }
      }
      if (!r.agree) {
        disagree++;
        let where = '';
        if (o.bisect) {
          const d = await firstDivergence(seed, mode, o.limit);
          where = ` first differs at icount ${d.at}; before: ${d.before.split('\n')[1]}\n  interp: ${d.interp.split('\n').slice(1, 3).join(' ')}\n  tcg:    ${d.tcg.split('\n').slice(1, 3).join(' ')}`;
        }
        console.log(`DISAGREE seed ${seed} mode ${mode}${where}`);
      }
    }
  }
  const s = (Date.now() - t0) / 1000;
  console.log(`fuzz: ${programs} programs (${modes.join(', ')}), ${insns} instructions on both engines, ${crashes} host crashes, ${disagree} engine disagreements, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, ${s.toFixed(1)} s`);
  process.exitCode = crashes ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
