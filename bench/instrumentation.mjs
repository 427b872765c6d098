// `npm run bench:instrumentation`: what profiling and plugins cost on the compute ROM
// (roms/bench-compute.bin, tcg engine): the run without anything, with --profile, with
// plugins/hotblocks.mjs and with plugins/mem.mjs, interleaved, --runs N each (default 3);
// prints the median guest MIPS (--stats=json: wall time of the whole run) and the slowdown.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1])) : 3;
if (!process.argv.includes('--no-build')) spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli-only'], { stdio: 'inherit', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'tcg86-bench-instr-'));
const base = ['-bios', join(root, 'roms/bench-compute.bin'), '-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot', '-debugcon', 'none',
  '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '--stats=json', '-D', join(dir, 'log.txt')];
const configs = [
  ['none', []],
  ['--profile', ['--profile', join(dir, 'p.json')]],
  ['hotblocks', ['-plugin', join(root, 'plugins/hotblocks.mjs')]],
  ['mem', ['-plugin', join(root, 'plugins/mem.mjs')]],
];
const mips = new Map(configs.map(([name]) => [name, []]));
try {
  for (let r = 0; r < runs; r++) {
    for (const [name, extra] of configs) {
      const p = spawnSync(process.execPath, [join(root, 'dist/tcg86.js'), ...base, ...extra], { encoding: 'utf8', timeout: 300_000 });
      const line = p.stderr.split('\n').find((l) => l.startsWith('{"engine"'));
      if (!line) throw new Error(`${name}: no --stats=json line (${p.stderr.slice(0, 200)})`);
      mips.get(name).push(JSON.parse(line).mips);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const ref = median(mips.get('none'));
console.log(`bench-compute, tcg engine, median of ${runs} run(s) (host load makes single runs noisy)`);
for (const [name] of configs) {
  const m = median(mips.get(name));
  console.log(`  ${name.padEnd(10)} ${m.toFixed(1).padStart(7)} MIPS   ${name === 'none' ? '' : `slowdown ${((ref / m - 1) * 100).toFixed(1)} %`}`);
}
