// Runs a ROM on v86 (node_modules/v86) in a child process (v86-child.mjs) mapped as its BIOS;
// returns wall time, v86's own run time (start to the 0xF4 write), its instruction counter, RSS.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './child.mjs';
import { checkOutput, memBytes } from './roms.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** { lib, wasm, version } of the installed v86 package, or null. */
export function findV86(root) {
  const dir = join(root, 'node_modules', 'v86');
  const lib = join(dir, 'build', 'libv86.mjs');
  const wasm = join(dir, 'build', 'v86.wasm');
  if (!existsSync(lib) || !existsSync(wasm)) return null;
  const pkg = createRequire(import.meta.url)(join(dir, 'package.json'));
  return { lib, wasm, version: pkg.version };
}

export async function runV86(v86, rom, { timeoutMs } = {}) {
  const r = await runChild(null, [join(here, 'v86-child.mjs'), rom.bin, String(memBytes(rom.args)), v86.lib, v86.wasm, ...(rom.cmdline != null ? [rom.cmdline] : [])], { node: true, timeoutMs });
  const line = r.stderr.split('\n').find((l) => l.startsWith('V86BENCH '));
  const info = line ? JSON.parse(line.slice(9)) : {};
  let check = r.timedOut ? 'TIMEOUT (v86 never wrote port 0xF4)' : checkOutput(rom, r.stdout, r.status);
  if (info.error) check = `FAILED: ${info.error}`;
  else if (!line && !r.timedOut) check = `FAILED: v86 exited with status ${r.status} before port 0xF4: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
  return {
    engine: 'v86',
    wallMs: r.wallMs,
    runMs: info.runMs ?? null,
    status: r.status,
    timedOut: r.timedOut,
    rssKiB: r.rssKiB,
    rssMethod: r.rssMethod,
    check,
    icount: null,
    v86Icount: info.icount ?? null,
    note: null,
  };
}
