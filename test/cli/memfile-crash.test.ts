// Guest RAM from a memory-backend-file (share=on) survives crashes as a consistent snapshot:
// roms/memfile-gen.asm rewrites a generation number over 1024 pages forever and, at start,
// checks that what it finds is one instant's state. The process is SIGKILLed 20 times while
// write-backs run (alternating engines); each restart replays or discards the journal and the
// ROM must find a consistent generation, never older than the one before. SIGTERM and SIGINT
// are clean exits: with periodic write-back off, only their final write-back can advance it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROM_FLAGS, ROOT, type CliProcess } from './cli-process.js';

interface Run {
  /** The generation the ROM found at start, or null if it found a torn file. */
  found: number | null;
  stderr: string;
  signal: NodeJS.Signals | null;
}

describe('memory-backend-file crash safety', () => {
  let cli: CliProcess;
  let file: string;
  beforeAll(async () => {
    cli = await cliProcess();
    file = path.join(cli.dir, 'guest.ram');
  });
  afterAll(() => cli.remove());

  /**
   * Start the ROM on `file`; once it writes, wait for `trigger` to say when, then send `signal`.
   * Resolves with what the ROM found and how the process ended.
   */
  function runOnce(engine: string, interval: number, signal: NodeJS.Signals, trigger: () => Promise<void>): Promise<Run> {
    const args = [
      cli.cli,
      '-bios', path.join(ROOT, 'roms/memfile-gen.bin'), '-m', '8', ...ROM_FLAGS, '-debugcon', 'stdio', '--engine', engine,
      '-object', `memory-backend-file,id=ram,size=8M,mem-path=${file},share=on,sync-interval-ms=${interval}`,
      '-machine', 'memory-backend=ram',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let fired = false;
    return new Promise<Run>((resolve) => {
      const fire = () => {
        if (fired) return;
        fired = true;
        void trigger().then(() => child.kill(signal));
      };
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString('latin1');
        if (out.includes('memfile-gen: writing\n')) fire();
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
      child.on('exit', (_code, sig) => {
        const m = /memfile-gen: consistent, generation ([0-9a-f]{8})\n/.exec(out);
        if (!m && !/TORN/.test(out)) throw new Error(`no check line from the ROM: ${out}${err}`);
        resolve({ found: m ? parseInt(m[1]!, 16) : null, stderr: err, signal: sig });
      });
    });
  }

  /** Resolves a random 0-10 ms after PATH.journal appears (a write-back is under way), or after 4 s. */
  function duringWriteBack(): Promise<void> {
    const journal = file + '.journal';
    const delay = Math.random() * 10;
    return new Promise((resolve) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (fs.existsSync(journal) || Date.now() - t0 > 4000) {
          clearInterval(poll);
          setTimeout(resolve, delay);
        }
      }, 1);
    });
  }

  it('is a consistent generation after each of 20 SIGKILLs during write-back, and SIGTERM/SIGINT write back', async () => {
    let last = 0;
    let journalsSeen = 0;
    for (let i = 0; i < 20; i++) {
      const r = await runOnce(i % 2 ? 'interp' : 'tcg', 1, 'SIGKILL', duringWriteBack);
      expect(r.signal).toBe('SIGKILL');
      expect(r.found, `run ${i}: the ROM found a torn file`).not.toBeNull();
      expect(r.found!, `run ${i}: the generation went back`).toBeGreaterThanOrEqual(last);
      last = r.found!;
      if (/replayed the journal|discarded the torn journal/.test(r.stderr)) journalsSeen++;
    }
    // The kills really landed inside write-backs: restarts found journals to replay or discard.
    expect(journalsSeen).toBeGreaterThanOrEqual(3);
    // Clean exits: no periodic write-back, so only the exit's can move the generation on.
    for (const [k, sig] of (['SIGTERM', 'SIGINT'] as const).entries()) {
      const r = await runOnce(k ? 'interp' : 'tcg', 0, sig, () => new Promise((res) => setTimeout(res, 300)));
      expect(r.found).not.toBeNull();
      expect(r.found!).toBeGreaterThanOrEqual(last);
      last = r.found!;
      expect(r.signal).toBe(sig);
    }
    const final = await runOnce('tcg', 0, 'SIGKILL', () => Promise.resolve());
    expect(final.found!, 'the generation written back at SIGINT').toBeGreaterThan(last);
    expect(fs.existsSync(file + '.journal')).toBe(false);
  }, 120_000);
});
