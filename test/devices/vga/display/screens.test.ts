// Golden screendumps: each screen ROM (roms/src/scr-*.asm) draws in one mode family and halts;
// tcg86's monitor `screendump -f png` must give the same pixels as QEMU 7.2's
// (test/golden/screens, recorded by scripts/record-golden-screens.sh), on both engines.
// Decoded pixels are compared, not PNG bytes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../../src/cli/args.js';
import { PcMachine } from '../../../../src/machine/pc.js';
import { MemoryCharBackend } from '../../../../src/devices/chardev.js';
import { Monitor } from '../../../../src/monitor/monitor.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const GOLDEN = path.join(ROOT, 'test/golden/screens');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Decoded RGB pixels of a PNG (whatever its colour type), with its size. */
export function decodeRgb(file: string): { width: number; height: number; rgb: Buffer } {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = Buffer.alloc(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) png.data.copy(rgb, i * 3, i * 4, i * 4 + 3);
  return { width: png.width, height: png.height, rgb };
}

/** Run a screen ROM until it halts, then take a screendump through the monitor. */
export async function screendumpOf(rom: string, engine: 'interp' | 'tcg', file: string, format = 'png'): Promise<string> {
  const stdio = new MemoryCharBackend();
  const machine = new PcMachine(
    parseArgs(['-bios', path.join(ROOT, 'roms', `${rom}.bin`), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null', '--engine', engine]),
    { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) },
  );
  new Monitor(machine, machine.chardevs.get(machine.config.monitor!), { muxed: false });
  const run = machine.run(200_000_000);
  for (let k = 0; k < 4000 && !(machine.cpu.halted && (machine.cpu.eflags & 0x200) === 0); k++) await sleep(5);
  stdio.inject(`screendump ${file} -f ${format}\nquit\n`);
  expect(await run).toBe(0);
  return stdio.text();
}

describe('golden screendumps (QEMU 7.2, -display none)', () => {
  const names = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-screens-'));
  for (const engine of ['interp', 'tcg'] as const) {
    it.each(names)(`%s (${engine})`, async (name) => {
      const file = path.join(tmp, `${name}-${engine}.png`);
      const out = await screendumpOf(name, engine, file);
      expect(out).not.toContain('Error');
      const want = decodeRgb(path.join(GOLDEN, `${name}.png`));
      const got = decodeRgb(file);
      expect([got.width, got.height], 'size').toEqual([want.width, want.height]);
      const diff = firstDifference(got.rgb, want.rgb, want.width);
      expect(diff, 'first differing pixel').toBe(null);
    });
  }
});

function firstDifference(a: Buffer, b: Buffer, width: number): string | null {
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) {
      const p = i / 3;
      const hex = (x: Buffer) => x.subarray(i, i + 3).toString('hex');
      return `x=${p % width} y=${Math.floor(p / width)}: tcg86 #${hex(a)}, QEMU #${hex(b)}`;
    }
  }
  return null;
}
