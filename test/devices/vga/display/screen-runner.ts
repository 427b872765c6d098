// Helpers for screendump tests: run a screen ROM to its halt, take a screendump through the
// monitor, decode PNGs to RGB.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { parseArgs } from '../../../../src/cli/args.js';
import { PcMachine } from '../../../../src/machine/pc.js';
import { MemoryCharBackend } from '../../../../src/devices/chardev.js';
import { Monitor } from '../../../../src/monitor/monitor.js';

export const ROOT = path.resolve(import.meta.dirname, '../../../..');
export const GOLDEN_SCREENS = path.join(ROOT, 'test/golden/screens');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Decoded RGB pixels of a PNG (whatever its colour type), with its size. */
export function decodeRgb(file: string): { width: number; height: number; rgb: Buffer } {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = Buffer.alloc(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) png.data.copy(rgb, i * 3, i * 4, i * 4 + 3);
  return { width: png.width, height: png.height, rgb };
}

/**
 * Run a screen ROM until it halts, then send `screendump FILE -f FORMAT` (or `command`) and
 * quit; returns what the monitor printed.
 */
export async function screendumpOf(rom: string, engine: 'interp' | 'tcg', file: string, format = 'png', command?: string): Promise<string> {
  const stdio = new MemoryCharBackend();
  const machine = new PcMachine(
    parseArgs(['-bios', path.join(ROOT, 'roms', `${rom}.bin`), '-display', 'none', '-serial', 'none', '-monitor', 'stdio', '-debugcon', 'null', '--engine', engine]),
    { chardevOverride: (_id, kind) => (kind === 'stdio' ? stdio : null) },
  );
  new Monitor(machine, machine.chardevs.get(machine.config.monitor!), { muxed: false });
  const run = machine.run(200_000_000);
  for (let k = 0; k < 4000 && !(machine.cpu.halted && (machine.cpu.eflags & 0x200) === 0); k++) await sleep(5);
  stdio.inject(`${command ?? `screendump ${file} -f ${format}`}\nquit\n`);
  expect(await run).toBe(0);
  return stdio.text();
}

