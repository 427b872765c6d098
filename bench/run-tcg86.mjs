// Runs a ROM on tcg86 (`node dist/tcg86.js`, engine tcg or interp) as a child process with
// `--stats=json`; returns wall time, peak RSS, output check and the parsed statistics.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './child.mjs';
import { checkOutput } from './roms.mjs';
import { extractJson, summarise } from './stats.mjs';

const BASE = ['-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot', '-debugcon', 'stdio', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];

/** Cleared the first time tcg86 refuses --stats=json (an older build); later runs omit it. */
let statsFlag = true;

/**
 * Copy the bundle (dist/tcg86.js) to a private directory so that every run of this bench uses the
 * same build even when someone rebuilds dist/ meanwhile. Returns { cli, sha256, dispose }.
 */
export function snapshotTcg86(bundle) {
  const dir = mkdtempSync(join(tmpdir(), 'tcg86-bench-dist-'));
  const cli = join(dir, 'tcg86.js');
  copyFileSync(bundle, cli);
  if (existsSync(`${bundle}.map`)) copyFileSync(`${bundle}.map`, `${cli}.map`);
  const sha256 = createHash('sha256').update(readFileSync(cli)).digest('hex').slice(0, 16);
  return { cli, sha256, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** stderr without the lines of a (pretty-printed or one-line) JSON object. */
function withoutJson(text) {
  const lines = text.split('\n');
  const a = lines.findIndex((l) => l.startsWith('{'));
  if (a < 0) return text;
  const b = lines[a].trimEnd().endsWith('}') ? a : lines.findIndex((l, i) => i > a && l.startsWith('}'));
  return [...lines.slice(0, a), ...lines.slice(b < 0 ? lines.length : b + 1)].join('\n');
}

/** One run of rom on engine ('tcg' | 'interp') with the tcg86 bundle at cli, from directory root. */
export async function runTcg86(cli, root, rom, engine, { timeoutMs } = {}) {
  const args = [cli, ...(rom.boot ?? ['-bios', rom.bin]), ...BASE, ...rom.args, '--engine', engine];
  let r = await runChild(null, statsFlag ? [...args, '--stats=json'] : args, { node: true, cwd: root, timeoutMs });
  if (statsFlag && r.status !== 0 && /--stats/.test(r.stderr) && r.stdout.length === 0) {
    statsFlag = false; // an older tcg86 refuses the flag: fall back to wall time only
    r = await runChild(null, args, { node: true, cwd: root, timeoutMs });
  }
  const raw = statsFlag ? extractJson(r.stderr) : null;
  const stats = summarise(raw);
  let note = null;
  if (!statsFlag) note = 'tcg86 refused --stats=json: wall time only';
  else if (!raw) note = '--stats=json printed no JSON: wall time only';
  const check = r.timedOut ? 'TIMEOUT' : checkOutput(rom, r.stdout, r.status);
  // On failure keep the end of stderr without the statistics JSON (the error is above it).
  const errText = raw ? withoutJson(r.stderr) : r.stderr;
  return {
    engine: `tcg86-${engine}`,
    wallMs: r.wallMs,
    status: r.status,
    timedOut: r.timedOut,
    rssKiB: r.rssKiB,
    rssMethod: r.rssMethod,
    check,
    icount: stats?.icount ?? null,
    stats,
    rawStats: raw,
    note,
    stderrTail: check === 'ok' && raw ? null : errText.trim().split('\n').slice(-5).join('\n') || null,
  };
}
