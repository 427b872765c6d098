// Runs one benchmarked child process: wall time from spawn to exit, captured stdout/stderr,
// exit status, and peak RSS (rss-hook.mjs for Node children; GNU time or /proc polling otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Children still running, so an interrupted bench can stop them (killRunningChildren). */
const running = new Set();

/** Stop every child this module started and that has not exited yet. */
export function killRunningChildren() {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
}

const HOOK = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'rss-hook.mjs')).href;

let gnuTime;
/** Path of a GNU time that understands -f/-o, or null. */
export function findGnuTime() {
  if (gnuTime !== undefined) return gnuTime;
  gnuTime = null;
  for (const p of ['/usr/bin/time', '/bin/time']) {
    if (!existsSync(p)) continue;
    const r = spawnSync(p, ['-f', '%M', 'true'], { encoding: 'utf8' });
    if (r.status === 0 && /^\d+\s*$/m.test(r.stderr)) return (gnuTime = p);
  }
  return gnuTime;
}

function readHwm(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Run `cmd args`. opts: { node: true } runs `node --import rss-hook args` (cmd ignored),
 * timeoutMs, cwd. Resolves { wallMs, status, signal, stdout (Buffer), stderr (string),
 * rssKiB, rssMethod, timedOut }.
 */
export function runChild(cmd, args, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tcg86-bench-'));
  const rssFile = join(dir, 'rss.json');
  let file = cmd;
  let argv = args;
  let rssMethod = 'none';
  if (opts.node) {
    file = process.execPath;
    argv = ['--import', HOOK, ...args];
  } else if (findGnuTime()) {
    file = findGnuTime();
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args];
    rssMethod = 'GNU time %M';
  } else {
    rssMethod = 'VmHWM polling';
  }
  return new Promise((resolve, reject) => {
    const out = [];
    const err = [];
    const t0 = performance.now();
    const child = spawn(file, argv, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_RSS_FILE: rssFile },
    });
    running.add(child);
    let polled = 0;
    const poll = rssMethod === 'VmHWM polling' ? setInterval(() => (polled = Math.max(polled, readHwm(child.pid))), 20) : null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 600_000);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => {
      running.delete(child);
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (status, signal) => {
      running.delete(child);
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKiB = polled || null;
      try {
        const text = readFileSync(rssFile, 'utf8');
        if (opts.node) {
          const j = JSON.parse(text);
          rssKiB = j.kib;
          rssMethod = j.method;
        } else {
          rssKiB = Number(text.trim().split('\n').pop());
        }
      } catch {
        // leave what polling saw (or null)
      }
      rmSync(dir, { recursive: true, force: true });
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ wallMs, status, signal, stdout: Buffer.concat(out), stderr, rssKiB, rssMethod, timedOut });
    });
  });
}
