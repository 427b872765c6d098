// The display refresh redraws only what changed: nothing when the guest wrote nothing, the
// scanlines of a written page, the text cells whose character or attribute changed; it clears
// only the VGA client's dirty bits (CODE and MIGRATION bits of the same pages stay as they were),
// and hostile register values neither throw nor read outside vram.

import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../../src/cli/args.js';
import { PcMachine } from '../../../../src/machine/pc.js';
import { DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_VGA } from '../../../../src/memory/index.js';
import type { DisplayStats } from '../../../../src/devices/vga/display/vga-display.js';
import { collectStats, formatStats } from '../../../../src/machine/stats.js';
import { formatDisplayInfo } from '../../../../src/devices/vga/display/display-info.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const PAGE = 4096;

/** Run a screen ROM to its final halt (the run ends: nothing can wake it). */
async function booted(rom: string): Promise<PcMachine> {
  const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms', `${rom}.bin`), '-display', 'none', '-serial', 'none', '-monitor', 'none', '-debugcon', 'null']));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await m.run(100_000_000)).toBe(1);
  } finally {
    err.mockRestore();
  }
  return m;
}

/** What one refresh did, as counter deltas. */
function refresh(m: PcMachine): DisplayStats {
  const d = m.display!;
  const before = { ...d.stats };
  d.update();
  const s = d.stats;
  return {
    refreshes: s.refreshes - before.refreshes,
    fullRedraws: s.fullRedraws - before.fullRedraws,
    scanlinesRedrawn: s.scanlinesRedrawn - before.scanlinesRedrawn,
    textCellsRedrawn: s.textCellsRedrawn - before.textCellsRedrawn,
    vramBytesScanned: s.vramBytesScanned - before.vramBytesScanned,
  };
}

describe('graphics refresh (mode 13h)', () => {
  it('the first refresh draws everything; one with no guest write draws nothing', async () => {
    const m = await booted('scr-vga13');
    const first = refresh(m);
    expect(first.fullRedraws).toBe(1);
    expect(first.scanlinesRedrawn).toBe(400);
    const again = refresh(m);
    expect(again).toEqual({ refreshes: 1, fullRedraws: 0, scanlinesRedrawn: 0, textCellsRedrawn: 0, vramBytesScanned: 0 });
  });

  it('a CPU store redraws the scanlines that touch its page, and only those', async () => {
    const m = await booted('scr-vga13');
    refresh(m);
    // Pixel (5, 100) of 320x200: vram byte 32005, page 7. Source lines k with
    // [320k, 320k+320) meeting [7*4096, 8*4096) are shown twice (double scan).
    m.cpu.mmu.st8(0xa0000 + 320 * 100 + 5, 0x33, m.cpu.mmuIdx);
    const lines = [...Array(200).keys()].filter((k) => 320 * k < 8 * PAGE && 320 * k + 320 > 7 * PAGE);
    const r = refresh(m);
    expect(r.fullRedraws).toBe(0);
    expect(r.scanlinesRedrawn).toBe(lines.length * 2);
    expect(r.vramBytesScanned).toBe(lines.length * 2 * 320);
    // The new colour is on screen: DAC entry 0x33 at (10..11, 200..201).
    const d = m.display!;
    const pal = m.vga!.palette;
    const c6 = (v: number) => (v << 2) | ((v & 1) << 1) | (v & 1);
    const want = (c6(pal[0x33 * 3]!) << 16) | (c6(pal[0x33 * 3 + 1]!) << 8) | c6(pal[0x33 * 3 + 2]!);
    expect(d.surface.data[200 * 640 + 10]).toBe(want);
    expect(d.surface.data[201 * 640 + 11]).toBe(want);
    expect(refresh(m).scanlinesRedrawn).toBe(0);
  });

  it('a palette change, a new start address or a split line redraws everything once', async () => {
    const m = await booted('scr-vga13');
    refresh(m);
    m.io.stb(0x3c8, 7);
    for (const v of [1, 2, 3]) m.io.stb(0x3c9, v);
    expect(refresh(m).fullRedraws).toBe(1);
    expect(refresh(m).fullRedraws).toBe(0);
    m.io.stb(0x3d4, 0x0d);
    m.io.stb(0x3d5, 0x50);
    expect(refresh(m).fullRedraws).toBe(1);
    m.io.stb(0x3d4, 0x18);
    m.io.stb(0x3d5, 0x20);
    expect(refresh(m).fullRedraws).toBe(1);
    expect(refresh(m).fullRedraws).toBe(0);
  });

  it('clears only the VGA bits of vram: CODE and MIGRATION bits of the same pages are untouched', async () => {
    const m = await booted('scr-vga13');
    const vga = m.vga!;
    const dirty = m.sys.dirty;
    const base = vga.vram.ramBlock!.offset;
    refresh(m);
    // A known mix: MIGRATION and CODE set on even pages, clear on odd ones, over the frame.
    const pages = 16;
    for (let p = 0; p < pages; p++) {
      const clients = (1 << DIRTY_MEMORY_MIGRATION) | (1 << DIRTY_MEMORY_CODE);
      if (p % 2 === 0) dirty.setRange(base + p * PAGE, PAGE, clients);
      else dirty.clearRange(base + p * PAGE, PAGE, clients);
      dirty.setRange(base + p * PAGE, PAGE, 1 << DIRTY_MEMORY_VGA);
    }
    const bits = (client: number) => [...Array(pages).keys()].map((p) => dirty.get(base + p * PAGE, PAGE, client));
    const code = bits(DIRTY_MEMORY_CODE);
    const migration = bits(DIRTY_MEMORY_MIGRATION);
    const r = refresh(m);
    expect(r.scanlinesRedrawn).toBe(400); // every visible page was VGA-dirty
    expect(bits(DIRTY_MEMORY_VGA).every((b) => !b)).toBe(true);
    expect(bits(DIRTY_MEMORY_CODE)).toEqual(code);
    expect(bits(DIRTY_MEMORY_MIGRATION)).toEqual(migration);
  });

  it('takes the VGA bits of the visible part of vram only', async () => {
    const m = await booted('scr-vga13');
    refresh(m);
    // A page far beyond the 64000-byte frame stays dirty for the VGA client.
    m.vga!.setDirty(0x100000, 1);
    refresh(m);
    expect(m.vga!.getDirty(0x100000, 1)).toBe(true);
  });
});

describe('text refresh (80x25)', () => {
  it('redraws only the cells whose character or attribute changed, and the cursor cells when it moves', async () => {
    const m = await booted('scr-text80');
    const first = refresh(m);
    expect(first.textCellsRedrawn).toBe(2000);
    expect(refresh(m).textCellsRedrawn).toBe(0);
    // Cell 1234: vram bytes 4*1234 (character, plane 0) and 4*1234+1 (attribute, plane 1).
    const vram = m.vga!.vramPtr;
    vram[4 * 1234] ^= 0xff;
    vram[4 * 1234 + 1] ^= 0x11;
    expect(refresh(m).textCellsRedrawn).toBe(1);
    m.io.stb(0x3d4, 0x0f);
    m.io.stb(0x3d5, 0x00); // the cursor leaves cell 410 for cell 256
    expect(refresh(m).textCellsRedrawn).toBe(2);
    expect(refresh(m).textCellsRedrawn).toBe(0);
  });

  it('the cursor blinks on guest time with QEMU period: its cell is redrawn at each phase change', async () => {
    const m = await booted('scr-text80');
    const d = m.display!;
    refresh(m);
    const cursorPixel = () => [...d.surface.data.subarray((5 * 16 + 13) * 720 + 10 * 9, (5 * 16 + 13) * 720 + 10 * 9 + 9)].join();
    const on = cursorPixel();
    m.clock.advanceTo(m.clock.nowNs + 267e6);
    expect(refresh(m).textCellsRedrawn).toBe(1);
    const off = cursorPixel();
    expect(off).not.toBe(on);
    m.clock.advanceTo(m.clock.nowNs + 267e6);
    expect(refresh(m).textCellsRedrawn).toBe(1);
    expect(cursorPixel()).toBe(on);
  });
});

describe('the refresh timer', () => {
  it('runs at 30 Hz of guest time and does not keep a halted guest alive', async () => {
    // scr-vbe32 draws 1.6 MB through the bank window: long enough for a refresh or more.
    const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/scr-vbe32.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'none', '-debugcon', 'null']));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await m.run(100_000_000)).toBe(1);
    } finally {
      err.mockRestore();
    }
    const refreshes = m.display!.stats.refreshes;
    expect(refreshes).toBeGreaterThan(0);
    expect(refreshes).toBe(Math.floor(m.clock.nowNs / m.display!.periodNs));
  });
});

describe('hostile register values', () => {
  it('a start address and pitch past the frame, a huge CRTC geometry: no exception, reads stay in vram', async () => {
    const m = await booted('scr-vga12');
    refresh(m);
    for (const [i, v] of [
      [0x11, 0x0c], // unlock CR0-7
      [0x0c, 0xff], [0x0d, 0xff], [0x13, 0xff], [0x01, 0xff], [0x12, 0xff], [0x07, 0x42], [0x09, 0x1f], [0x18, 0x00], [0x17, 0x00],
    ] as const) {
      m.io.stb(0x3d4, i);
      m.io.stb(0x3d5, v);
    }
    expect(() => refresh(m)).not.toThrow();
    expect([m.display!.surface.width, m.display!.surface.height]).toEqual([2048, 1024]);
  });

  it('the largest VBE mode registers (clamped as QEMU clamps them) and a text mode of odd sizes', async () => {
    const m = await booted('scr-vbe32');
    const vbe = (i: number, v: number) => {
      m.io.stw(0x1ce, i);
      m.io.stw(0x1cf, v);
    };
    vbe(1, 0xffff);
    vbe(2, 0xffff);
    vbe(3, 32);
    vbe(8, 0xffff);
    vbe(9, 0xffff);
    expect(() => refresh(m)).not.toThrow();
    // 16000 pixels wide at 4 bytes: vram holds 262 such lines.
    expect([m.display!.surface.width, m.display!.surface.height]).toEqual([16000, 262]);
    vbe(4, 0);
    m.io.stb(0x3ce, 6);
    m.io.stb(0x3cf, 0x0e); // text
    m.io.stb(0x3d4, 0x01);
    m.io.stb(0x3d5, 0xff);
    expect(() => refresh(m)).not.toThrow();
  });
});

describe('display counters', () => {
  it('reach --stats (table and JSON) and info display', async () => {
    const m = await booted('scr-text80');
    refresh(m);
    refresh(m);
    const stats = collectStats(m, 1);
    expect(stats.display).toEqual(m.display!.stats);
    expect(stats.display!.textCellsRedrawn).toBe(2000);
    expect(JSON.parse(JSON.stringify(stats)).display.refreshes).toBe(m.display!.stats.refreshes);
    expect(formatStats(stats)).toContain(`display: refreshes ${m.display!.stats.refreshes}, full redraws 1, scanlines redrawn 0, text cells redrawn 2,000, vram bytes scanned 8,000`);
    expect(formatDisplayInfo(m.display!)).toMatch(/^display: 720x400, text 80x25 cells of 9x16; refresh every 33\.333 ms of guest time\n {2}refreshes/);
  });
});
