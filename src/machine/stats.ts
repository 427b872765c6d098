// `--stats`: what the run did, as a table (stderr at exit) or JSON: guest instructions and
// MIPS, soft-TLB counters per MMU index, translated-block dispatch counters, memory core counters.

import type { PcMachine } from './pc.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import type { DisplayStats } from '../devices/vga/display/vga-display.js';

const MMU_NAMES = ['kernel', 'user', 'phys'];

export interface RunStats {
  engine: string;
  icount: number;
  wallSeconds: number;
  mips: number;
  tlb: {
    mmu: string;
    size: number;
    hits: number;
    misses: number;
    victimHits: number;
    fills: number;
    flushes: number;
    pageFlushes: number;
    resizes: number;
  }[];
  tlbInlineAccesses: number;
  /** 1 - misses / all accesses through the soft TLB (inline and helper paths). */
  tlbHitRate: number;
  tb: Record<string, number> | null;
  memory: { unassignedReads: number; unassignedWrites: number; romWritesDropped: number; renders: number };
  /** The VGA display's refresh counters (null without a VGA). */
  display: DisplayStats | null;
}

export function collectStats(m: PcMachine, wallSeconds: number): RunStats {
  const cpu = m.cpu;
  const tlb = cpu.mmu.tlb.tables.map((t, i) => ({
    mmu: MMU_NAMES[i] ?? String(i),
    size: t.size,
    hits: t.stats.hits,
    misses: t.stats.misses,
    victimHits: t.stats.victimHits,
    fills: t.stats.fills,
    flushes: t.stats.flushes,
    pageFlushes: t.stats.pageFlushes,
    resizes: t.stats.resizes,
  }));
  const misses = tlb.reduce((n, t) => n + t.misses, 0);
  const hits = tlb.reduce((n, t) => n + t.hits + t.victimHits, 0);
  const total = hits + misses + cpu.tlbInline;
  let tb: Record<string, number> | null = null;
  if (m.engine instanceof TcgEngine) {
    const c = m.engine.cache;
    tb = { ...c.stats, blocks: c.blockCount, codeBytes: c.codeBytes, codePages: c.codePages };
  }
  const as = m.memory.stats;
  return {
    engine: m.config.engine,
    icount: cpu.icount,
    wallSeconds,
    mips: wallSeconds > 0 ? cpu.icount / wallSeconds / 1e6 : 0,
    tlb,
    tlbInlineAccesses: cpu.tlbInline,
    tlbHitRate: total > 0 ? 1 - misses / total : 1,
    tb,
    memory: { ...as, renders: m.sys.renderCount },
    display: m.display ? { ...m.display.stats } : null,
  };
}

export function formatStats(s: RunStats): string {
  const lines: string[] = [];
  const n = (v: number) => v.toLocaleString('en-US');
  lines.push(`tcg86 statistics (${s.engine} engine)`);
  lines.push(`  guest instructions   ${n(s.icount)}`);
  lines.push(`  wall time            ${s.wallSeconds.toFixed(3)} s`);
  lines.push(`  guest MIPS           ${s.mips.toFixed(1)}`);
  lines.push(`  soft TLB hit rate    ${(s.tlbHitRate * 100).toFixed(3)} %  (inline accesses ${n(s.tlbInlineAccesses)})`);
  // Columns wide enough for counts in the hundreds of millions (with separators).
  const head = ['size', 'hits', 'misses', 'victim', 'fills', 'flushes', 'pageflush', 'resizes'];
  const width = [6, 14, 14, 12, 14, 10, 11, 9];
  lines.push('  TLB   ' + head.map((h, k) => h.padStart(width[k]!)).join(''));
  for (const t of s.tlb) {
    const cells = [String(t.size), n(t.hits), n(t.misses), n(t.victimHits), n(t.fills), n(t.flushes), n(t.pageFlushes), n(t.resizes)];
    lines.push(`  ${t.mmu.padEnd(6)}` + cells.map((c, k) => c.padStart(width[k]!)).join(''));
  }
  if (s.tb) {
    lines.push('  translated blocks');
    for (const [k, v] of Object.entries(s.tb)) lines.push(`    ${k.padEnd(22)}${n(v).padStart(14)}`);
  }
  lines.push(`  memory: unassigned reads ${n(s.memory.unassignedReads)}, writes ${n(s.memory.unassignedWrites)}, ROM writes dropped ${n(s.memory.romWritesDropped)}, flat-view renders ${n(s.memory.renders)}`);
  if (s.display) {
    const d = s.display;
    lines.push(
      `  display: refreshes ${n(d.refreshes)}, full redraws ${n(d.fullRedraws)}, scanlines redrawn ${n(d.scanlinesRedrawn)}, ` +
        `text cells redrawn ${n(d.textCellsRedrawn)}, vram bytes scanned ${n(d.vramBytesScanned)}`,
    );
  }
  return lines.join('\n') + '\n';
}
