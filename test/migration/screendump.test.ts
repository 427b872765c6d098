// A VGA guest migrated mid-run draws the same picture: screen ROMs (test/golden/screens) run
// to their final halt unmigrated and, on both engines, migrated through a file at half their
// instruction count (the source stopped there, as a monitor's `stop` would); the destination
// draws the rest and its screendump equals the unmigrated one byte for byte, so video RAM (a RAMBlock),
// the VGA's registers and palette all travelled.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { machine, run } from './helpers.js';
import { screendumpTo } from '../../src/monitor/screendump-cmd.js';
import type { PcMachine } from '../../src/machine/pc.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-screen-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let shots = 0;
function shot(m: PcMachine): Buffer {
  const file = path.join(dir, `shot-${shots++}.ppm`);
  screendumpTo(m, file, 'ppm');
  return fs.readFileSync(file);
}

// The quick ones: a text mode and mode 13h (chain-4: the CPU writes vram through its TLB).
const ROMS = ['scr-text80', 'scr-vga13'] as const;
/** Little guest RAM: the stream is mostly zero pages, and reading them is what costs. */
const SMALL = ['-m', '8'];

describe.each(['interp', 'tcg'] as const)('screendump after a migration (%s)', (engine) => {
  it.each(ROMS)('%s', async (rom) => {
    const ref = machine(rom, engine, SMALL);
    const refStatus = await ref.m.run(100_000_000);
    const want = shot(ref.m);
    const icount = ref.m.cpu.icount;
    ref.m.shutdown();
    const file = path.join(dir, `${rom}-${engine}.mig`);
    // Stopped half-way, then migrated (a paused guest migrates too): the destination draws the rest.
    const src = machine(rom, engine, SMALL);
    const half = Math.floor(icount / 2);
    expect(await src.m.runUntil(half)).toBeNull();
    src.m.stop();
    src.m.migration.start(`file:${file}`);
    expect(await run(src)).toBe(0);
    expect(src.m.migration.status).toBe('completed');
    expect(src.m.cpu.icount).toBeLessThan(icount);
    const dst = machine(rom, engine, SMALL);
    dst.m.startIncoming(`file:${file}`);
    const status = await dst.m.run(100_000_000);
    try {
      expect(status).toBe(refStatus);
      expect(dst.m.cpu.icount).toBe(icount);
      const got = shot(dst.m);
      expect(got.length).toBe(want.length);
      expect(got.equals(want), 'the migrated screen differs').toBe(true);
    } finally {
      dst.m.shutdown();
    }
  });
});
