// Test helper: the real command line as a child process (src/cli/main.ts bundled with esbuild
// into a temp dir), bare-metal ROM images written next to it, and the child's peak RSS.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { build } from 'esbuild';
// @ts-expect-error a plain .mjs script without declarations (the ?raw loader shared with scripts/build.mjs)
import { rawPlugin } from '../../scripts/esbuild-raw.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliProcess {
  /** The temp dir holding the bundle, the ROMs and anything a test writes. */
  dir: string;
  /** Path of the bundled CLI (run it with process.execPath). */
  cli: string;
  /** Write a 64 KiB ROM: `code` at F000:0000, `extra` [offset, bytes] pairs, the reset vector jumping to F000:0000. */
  rom(name: string, code: number[], extra?: [number, number[]][]): string;
  /** Run the CLI to the end; `maxRssKiB` is the child's peak resident set. */
  run(args: string[], opts?: { maxBuffer?: number; timeoutMs?: number; input?: string }): SpawnSyncReturns<Buffer> & { maxRssKiB: number };
  remove(): void;
}

/** As scripts/build.mjs: CommonJS dependencies (pngjs) need a require in an ESM bundle. */
export const REQUIRE_BANNER = { js: "import { createRequire as __tcg86CreateRequire } from 'node:module'; const require = __tcg86CreateRequire(import.meta.url);" };

export async function cliProcess(): Promise<CliProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-cli-'));
  const cli = path.join(dir, 'tcg86.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: cli,
    logLevel: 'warning',
    banner: REQUIRE_BANNER,
    plugins: [rawPlugin],
  });
  // Loaded before the CLI: reports the peak RSS on fd 3 whichever way the process exits normally.
  const preload = path.join(dir, 'maxrss.mjs');
  fs.writeFileSync(preload, "import * as fs from 'node:fs';\nprocess.on('exit', () => { try { fs.writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n");
  return {
    dir,
    cli,
    rom(name, code, extra = []) {
      const image = new Uint8Array(0x10000);
      image.set(code, 0);
      for (const [off, bytes] of extra) image.set(bytes, off);
      image.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
      const p = path.join(dir, name);
      fs.writeFileSync(p, image);
      return p;
    },
    run(args, opts = {}) {
      const r = spawnSync(process.execPath, ['--import', preload, cli, ...args], {
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', 'pipe'],
        input: opts.input,
        maxBuffer: opts.maxBuffer ?? 1 << 26,
        timeout: opts.timeoutMs,
      });
      const rss = Number(String(r.output[3] ?? ''));
      return Object.assign(r, { maxRssKiB: Number.isFinite(rss) ? rss : NaN });
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

/** Debugcon gets 0,1,2,...,255,0,...: n bytes then exit(0); n = 0 runs for ever (2^32 iterations). */
export function floodCode(n: number): number[] {
  // mov dx,0xe9; xor al,al; mov ecx,n; L: out dx,al; inc al; a32 loop L; exit(0)
  return [0xba, 0xe9, 0x00, 0x30, 0xc0, 0x66, 0xb9, ...le32(n), 0xee, 0xfe, 0xc0, 0x67, 0xe2, 0xfa, 0xb0, 0x00, 0xe6, 0xf4, 0xf4];
}

/** Every flag a ROM test passes besides -bios and the consoles. */
export const ROM_FLAGS = ['-nographic', '-serial', 'none', '-monitor', 'none', '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];
