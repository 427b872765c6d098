// Finds the benchmark ROMs: every roms/src/*.asm with a `; BENCH: KIND` header line, with its
// `; ARGS:` extra flags, its image roms/NAME.bin and the golden output test/golden/roms/NAME.*;
// and every C kernel roms/c/NAME.c with `// BENCH:` (roms/NAME.elf, booted with -kernel and its
// `// BENCH-APPEND:` size, golden test/golden/bench/NAME.*).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function header(lines, key, comment = ';') {
  const line = lines.find((l) => l.startsWith(`${comment} ${key}:`));
  return line === undefined ? null : line.slice(comment.length + key.length + 2).trim();
}

function readOpt(path) {
  return existsSync(path) ? readFileSync(path) : null;
}

/** Benchmark ROMs under root, sorted by name. Header lines are looked for in the first 10 lines. */
export function findBenchRoms(root) {
  const srcDir = join(root, 'roms', 'src');
  const roms = [];
  for (const f of readdirSync(srcDir).sort()) {
    if (!f.endsWith('.asm')) continue;
    const lines = readFileSync(join(srcDir, f), 'utf8').split('\n').slice(0, 10);
    const kind = header(lines, 'BENCH');
    if (kind === null) continue;
    const name = f.slice(0, -4);
    const args = (header(lines, 'ARGS') ?? '').split(/\s+/).filter(Boolean);
    const status = readOpt(join(root, 'test', 'golden', 'roms', `${name}.status`));
    roms.push({
      name,
      kind,
      args,
      bin: join(root, 'roms', `${name}.bin`),
      golden: readOpt(join(root, 'test', 'golden', 'roms', `${name}.out`)),
      goldenStatus: status === null ? null : Number(status.toString().trim()),
      hasFixup: existsSync(join(root, 'test', 'golden', 'fixups', `${name}.sed`)),
      description: lines[0].replace(/^;\s*/, ''),
    });
  }
  return [...roms, ...findBenchKernels(root)];
}

/**
 * The C benchmark kernels. `boot` replaces `-bios BIN` on the command line; `cmdline` is what
 * QEMU hands the kernel (the image path, a space, the -append string), for engines that take it whole.
 */
function findBenchKernels(root) {
  const srcDir = join(root, 'roms', 'c');
  if (!existsSync(srcDir)) return [];
  const kernels = [];
  for (const f of readdirSync(srcDir).sort()) {
    if (!f.endsWith('.c')) continue;
    const lines = readFileSync(join(srcDir, f), 'utf8').split('\n').slice(0, 10);
    const kind = header(lines, 'BENCH', '//');
    if (kind === null) continue;
    const name = f.slice(0, -2);
    const append = header(lines, 'BENCH-APPEND', '//') ?? '';
    const bin = join(root, 'roms', `${name}.elf`);
    const status = readOpt(join(root, 'test', 'golden', 'bench', `${name}.status`));
    kernels.push({
      name,
      kind,
      args: (header(lines, 'ARGS', '//') ?? '').split(/\s+/).filter(Boolean),
      bin,
      boot: ['-kernel', bin, '-append', append],
      cmdline: `${bin} ${append}`,
      golden: readOpt(join(root, 'test', 'golden', 'bench', `${name}.out`)),
      goldenStatus: status === null ? null : Number(status.toString().trim()),
      hasFixup: false,
      description: lines[0].replace(/^\/\/\s*/, ''),
    });
  }
  return kernels;
}

/** Guest RAM size in bytes from QEMU-style args (-m 128M, -m 64, -m size=1G); QEMU's default 128 MiB. */
export function memBytes(args) {
  const k = args.indexOf('-m');
  if (k < 0 || k + 1 >= args.length) return 128 * 2 ** 20;
  let v = args[k + 1].split(',')[0].replace(/^size=/, '');
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(v);
  if (!m) return 128 * 2 ** 20;
  const unit = { '': 2 ** 20, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * unit);
}

/** 'ok', or a short description of how output/status differ from the golden files. */
export function checkOutput(rom, stdout, status) {
  if (!rom.golden) return 'no golden';
  const problems = [];
  if (!stdout.equals(rom.golden)) {
    let i = 0;
    while (i < stdout.length && i < rom.golden.length && stdout[i] === rom.golden[i]) i++;
    problems.push(`output differs at byte ${i}${rom.hasFixup ? ' (golden has a QEMU fixup)' : ''}`);
  }
  if (rom.goldenStatus !== null && status !== rom.goldenStatus) problems.push(`status ${status}, golden ${rom.goldenStatus}`);
  return problems.length ? `MISMATCH: ${problems.join('; ')}` : 'ok';
}
