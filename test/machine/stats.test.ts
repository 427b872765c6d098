// --stats reads as rates: per-MMU-index lookups split into inline hits, helper hits, victim hits
// and misses that add up, flushes counted by cause (a ROM with a known number of each), dispatch
// shares that add up, and '-' instead of a rate where there was nothing to count.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { collectStats, formatRate, formatStats, type RunStats } from '../../src/machine/stats.js';
import { romCommandLine } from '../roms/rom-runner.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-stats-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Real mode at F000:0000: two CR3 writes, CR4.PSE set and cleared, one invlpg, A20 off and on
 * through port 0x92, then exit(0).
 */
const FLUSH_ROM = [
  0x0f, 0x20, 0xd8, // mov eax, cr3
  0x0f, 0x22, 0xd8, // mov cr3, eax
  0x0f, 0x22, 0xd8, // mov cr3, eax
  0x0f, 0x20, 0xe0, // mov eax, cr4
  0x0c, 0x10, // or al, 0x10
  0x0f, 0x22, 0xe0, // mov cr4, eax
  0x24, 0xef, // and al, 0xef
  0x0f, 0x22, 0xe0, // mov cr4, eax
  0x0f, 0x01, 0x3e, 0x00, 0x00, // invlpg [0]
  0xb0, 0x00, 0xe6, 0x92, // mov al, 0; out 0x92, al
  0xb0, 0x02, 0xe6, 0x92, // mov al, 2; out 0x92, al
  0xb0, 0x00, 0xe6, 0xf4, // mov al, 0; out 0xf4, al
];

function rom(name: string, code: number[]): string {
  const image = new Uint8Array(0x10000);
  image.set(code, 0);
  image.set([0xea, 0x00, 0x00, 0x00, 0xf0], 0xfff0);
  const p = path.join(dir, name);
  fs.writeFileSync(p, image);
  return p;
}

async function run(args: string[]): Promise<RunStats> {
  const m = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null) });
  try {
    await m.run(50_000_000);
    return collectStats(m, 0.5);
  } finally {
    m.shutdown();
  }
}

const quiet = ['-display', 'none', '-serial', 'none', '-monitor', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'];

describe('--stats', () => {
  it.each(['interp', 'tcg'])('counts TLB flushes by cause (%s)', async (engine) => {
    const s = await run(['-bios', rom('flush.bin', FLUSH_ROM), ...quiet, '--engine', engine]);
    expect(s.tlbFlushCauses['CR3 write']).toBe(2);
    expect(s.tlbFlushCauses['CR0/CR4']).toBe(2);
    expect(s.tlbFlushCauses['invlpg']).toBe(1);
    expect(s.tlbFlushCauses['A20']).toBe(2);
    expect(s.tlbFlushCauses['RAM resize']).toBe(0);
    // Real mode: only the phys index is used; the others print no rate.
    const kernel = s.tlb.find((t) => t.mmu === 'kernel')!;
    expect(kernel.accesses).toBe(0);
    expect(kernel.hitRate).toBeNull();
    const text = formatStats(s);
    expect(text).toMatch(/\n {2}kernel +64 +0 +- +- +- +- +-\n/);
    expect(text).toContain('TLB flushes          CR3 write 2, CR0/CR4 2, invlpg 1, A20 2,');
  });

  it.each(['interp', 'tcg'] as const)('splits every lookup into inline hits, helper hits, victim hits and misses (%s)', async (engine) => {
    const s = await run(romCommandLine('roms/paging', engine));
    let lookups = 0;
    for (const t of s.tlb) {
      expect(t.accesses).toBe(t.inlineHits + t.hits + t.victimHits + t.misses);
      if (t.accesses === 0) continue;
      lookups += t.accesses;
      expect(t.hitRate! + t.victimRate! + t.missRate!).toBeCloseTo(1, 12);
      expect(t.fillsPerMinsn).toBeCloseTo((t.fills * 1e6) / s.icount, 9);
      if (engine === 'interp') expect(t.inlineAccesses).toBe(0);
    }
    expect(s.tlbHitRate).toBeCloseTo(1 - s.tlb.reduce((k, t) => k + t.misses, 0) / lookups, 12);
    // The ROM runs paged kernel code: translated code reaches the kernel index inline.
    if (engine === 'tcg') expect(s.tlb[0]!.inlineHits).toBeGreaterThan(0);
    expect(s.tlbFlushCauses['CR3 write']).toBeGreaterThan(0);
  });

  it('gives dispatch shares that add up, blocks per second and the interpreted share', async () => {
    const s = await run(romCommandLine('roms/paging', 'tcg'));
    const d = s.dispatch!;
    expect(d.entries).toBe(d.chained + d.predicted + d.jumpCache + d.hashTable + d.translations);
    expect(d.chainedShare! + d.predictedShare! + d.jumpCacheShare! + d.hashTableShare! + d.translationShare!).toBeCloseTo(1, 12);
    expect(d.translations).toBe(s.tb!.translations);
    expect(d.blocksPerSecond).toBeCloseTo(d.entries / 0.5, 6);
    expect(s.interpretedShare).toBeCloseTo(s.tb!.interpretedInsns / s.icount, 12);
    const text = formatStats(s);
    expect(text).toMatch(/block dispatch +[\d,]+ block entries, [\d.]+ kblocks\/s\n +chained [\d.]+ %, predicted ret\/indirect [\d.]+ %, jump cache [\d.]+ %, hash table [\d.]+ %, new translation [\d.]+ %/);
    expect(text).toMatch(/interpreted +[\d.]+ % of guest instructions/);
    // phys has accesses here (the ROM starts with paging off): the note on QEMU's index is shown.
    expect(text).toContain('(phys: accesses with paging off; QEMU 7.2 files them under its kernel index');
  });

  it('has a line in docs/STATS.md for every counter', async () => {
    const s = await run(romCommandLine('roms/paging', 'tcg'));
    const doc = fs.readFileSync(path.join(import.meta.dirname, '../../docs/STATS.md'), 'utf8');
    const keys = [
      ...Object.keys(s).filter((k) => k !== 'engine' && k !== 'tlb' && k !== 'tb' && k !== 'display' && k !== 'memory' && k !== 'dispatch'),
      ...Object.keys(s.tlb[0]!).filter((k) => k !== 'mmu').map((k) => `tlb[].${k}`),
      ...Object.keys(s.dispatch!).filter((k) => k.endsWith('Share') || k === 'entries' || k === 'blocksPerSecond').map((k) => `dispatch.${k}`),
      ...Object.keys(s.memory).map((k) => (k === 'unassignedReads' ? 'memory.unassignedReads' : k === 'romWritesDropped' ? 'memory.romWritesDropped' : k === 'renders' ? 'memory.renders' : k)),
    ];
    for (const k of keys) expect(doc, k).toContain('`' + k + '`');
    for (const k of Object.keys(s.tb!)) expect(doc, k).toContain('**' + k + '**');
    for (const k of Object.keys(s.tlbFlushCauses)) expect(doc, k).toContain('**' + k + '**');
  });

  it('prints rates with enough digits for tiny runs', () => {
    expect(formatRate(0.0001234)).toBe('0.0001234');
    expect(formatRate(0.02791)).toBe('0.02791');
    expect(formatRate(298.69)).toBe('298.7');
    expect(formatRate(12345.6)).toBe('12346');
    expect(formatRate(0)).toBe('0');
  });
});
