// `--stats`: what the run did, as a table (stderr at exit) or JSON: guest instructions and
// MIPS, soft-TLB counters per MMU index, translated-block dispatch counters, memory core counters.

import type { PcMachine } from './pc.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';

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
  lines.push('  TLB     size      hits    misses   victim     fills  flushes  pageflush  resizes');
  for (const t of s.tlb) {
    lines.push(
      `  ${t.mmu.padEnd(6)}${String(t.size).padStart(5)}${n(t.hits).padStart(10)}${n(t.misses).padStart(10)}${n(t.victimHits).padStart(9)}${n(t.fills).padStart(10)}${n(t.flushes).padStart(9)}${n(t.pageFlushes).padStart(11)}${n(t.resizes).padStart(9)}`,
    );
  }
  if (s.tb) {
    lines.push('  translated blocks');
    for (const [k, v] of Object.entries(s.tb)) lines.push(`    ${k.padEnd(22)}${n(v).padStart(14)}`);
  }
  lines.push(`  memory: unassigned reads ${n(s.memory.unassignedReads)}, writes ${n(s.memory.unassignedWrites)}, ROM writes dropped ${n(s.memory.romWritesDropped)}, flat-view renders ${n(s.memory.renders)}`);
  return lines.join('\n') + '\n';
}
