// --profile: the JSON and the self-contained HTML (uPlot inlined) of a run of roms/paging (paging,
// user mode, flushes) and roms/smc-next (code invalidations): series over guest time, hottest
// blocks, pages; the HTML is opened in headless Chromium (Debian's chromium through
// playwright-core; skipped with a message when it is not installed) and every chart must have
// drawn data and every table rows.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Profiler, type ProfileData } from '../../src/profile/profiler.js';
import { CHARTS } from '../../src/profile/profile-html.js';
import { writeProfile } from '../../src/profile/write-profile.js';
import { romCommandLine } from '../roms/rom-runner.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-profile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) ?? null;

async function profile(rom: string, engine: 'tcg' | 'interp' = 'tcg'): Promise<ProfileData> {
  const m = new PcMachine(parseArgs(romCommandLine(rom, engine)), { chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null) });
  const p = new Profiler(m, `tcg86 ${rom}`);
  await m.run(5e7);
  const data = p.report();
  m.shutdown();
  return data;
}

describe('--profile data', () => {
  it('has series over guest time that add up to the run, and the hottest blocks', async () => {
    const d = await profile('roms/paging');
    const s = d.series;
    const points = s.instructions!.length;
    expect(points).toBeGreaterThan(20);
    for (const [name, values] of Object.entries(s)) expect(values.length, name).toBe(points);
    // The instructions column is cumulative: it ends at the run's count.
    expect(s.instructions![points - 1]).toBe(d.header.icount);
    expect(d.header.icount).toBe(d.stats.icount);
    expect(s['TLB flushes']!.reduce((a, b) => a + b, 0)).toBe(Object.values(d.stats.tlbFlushCauses).reduce((a, b) => a + b, 0));
    expect(s.translations!.reduce((a, b) => a + b, 0)).toBe(d.stats.tb!.translations);
    // Rates are shares: hit + victim + miss = 1 wherever the index had lookups.
    s['TLB hit kernel']!.forEach((h, i) => {
      if (!Number.isNaN(h)) expect(h + s['TLB victim kernel']![i]! + s['TLB miss kernel']![i]!).toBeCloseTo(1, 9);
    });
    const top = d.hotBlocks[0]!;
    expect(top.retired).toBe(top.execs * top.insns);
    expect(top.share).toBeCloseTo(top.retired / d.header.icount, 12);
    expect(top.disas.length).toBe(top.insns);
    // A self-loop is entered once per iteration and left once per entry from the dispatcher.
    expect(top.selfLoop).toBe(true);
    const exits = Object.values(top.exits).reduce((a, b) => a + b, 0);
    expect(exits).toBeGreaterThan(0);
    expect(exits).toBeLessThanOrEqual(top.execs);
    expect(d.hotBlocks.every((b, i) => i === 0 || b.retired <= d.hotBlocks[i - 1]!.retired)).toBe(true);
    expect(d.tlbFillPages.length).toBeGreaterThan(0);
    expect(d.header.commandLine).toBe('tcg86 roms/paging');
  });

  it('names the pages whose code was invalidated and the instruction that wrote them', async () => {
    const d = await profile('roms/smc-next');
    expect(d.codeInvalidationPages.length).toBeGreaterThan(0);
    expect(d.codeInvalidationPages[0]!.writer).toMatch(/^0x[0-9a-f]{8}: mov[wl] %[a-z]+, \(%[a-z]+\)$/);
    expect(d.series['SMC events']!.reduce((a, b) => a + b, 0)).toBe(d.stats.tb!.smcEvents);
  });

  it('keeps a few hundred points at most, merging windows as the run grows', async () => {
    const d = await profile('roms/plugin-count', 'interp');
    expect(d.series.instructions!.length).toBeLessThanOrEqual(513);
    expect(d.series['interpreted share']!.every((v) => v === 1)).toBe(true);
    // Under the interpreter the hot table holds instructions, as blocks of one, with their counts.
    const top = d.hotBlocks[0]!;
    expect(top.interpreted).toBe(true);
    expect(top.insns).toBe(1);
    expect(top.retired).toBe(top.execs);
    expect(d.hotBlocks.reduce((a, b) => a + b.retired, 0)).toBeLessThanOrEqual(d.header.icount);
    expect(top.disas[0]).toMatch(/^[a-z]/);
  });
});

describe('--profile HTML in headless Chromium', () => {
  it.skipIf(CHROMIUM === null)('renders every chart with data and fills every table (skipped without /usr/bin/chromium)', async () => {
    const file = path.join(dir, 'profile.html');
    const d = await profile('roms/paging');
    const d2 = await profile('roms/smc-next');
    d.codeInvalidationPages = d2.codeInvalidationPages; // one page with every table filled
    expect(writeProfile(file, d)).toBeNull();
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      const charts = await page.evaluate(() => (globalThis as unknown as { __tcg86Charts: { id: string; points: number; canvas: boolean }[] }).__tcg86Charts);
      expect(errors).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(CHARTS.map((c) => c.id));
      for (const c of charts) {
        expect(c.canvas, c.id).toBe(true);
        expect(c.points, c.id).toBeGreaterThan(0);
      }
      for (const id of ['hot-blocks', 'tlb-pages', 'smc-pages']) {
        const rows = await page.locator(`#${id} tbody tr:not(.empty)`).count();
        expect(rows, id).toBeGreaterThan(0);
      }
      expect(await page.locator('header dd').first().textContent()).toBe('tcg86 roms/paging');
    } finally {
      await browser.close();
    }
  }, 60_000);
});

if (CHROMIUM === null) console.log('profile.test: /usr/bin/chromium is absent: the headless-browser check is skipped (apt-get install chromium)');
