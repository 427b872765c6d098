// `--stats`: what the run did, as a table (stderr at exit) or JSON: guest instructions and
// MIPS, soft-TLB rates and counters per MMU index, flushes by cause, block dispatch shares and
// counters, memory core and display counters. docs/STATS.md explains every line.

import type { PcMachine } from './pc.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import { FLUSH_CAUSE_NAMES } from '../softmmu/tlb.js';
import type { DisplayStats } from '../devices/vga/display/vga-display.js';

const MMU_NAMES = ['kernel', 'user', 'phys'];

/** One MMU index's soft TLB: counters, and rates over every lookup (null when there was none). */
export interface TlbIndexStats {
  mmu: string;
  size: number;
  /** Helper-path lookups that found the entry (flagged entries included). */
  hits: number;
  misses: number;
  victimHits: number;
  fills: number;
  flushes: number;
  pageFlushes: number;
  resizes: number;
  /** Accesses translated code made through its inline check, and those it served itself. */
  inlineAccesses: number;
  inlineHits: number;
  /** Every lookup: inline hits + helper hits + victim hits + misses. */
  accesses: number;
  /** (inline hits + helper hits) / accesses: found in the main table. */
  hitRate: number | null;
  /** victim hits / accesses. */
  victimRate: number | null;
  /** misses / accesses: a page walk each. */
  missRate: number | null;
  /** fills per million guest instructions. */
  fillsPerMinsn: number | null;
}

/** How translated blocks were entered (tcg engine): counts and shares of all entries. */
export interface DispatchStats {
  entries: number;
  chained: number;
  predicted: number;
  jumpCache: number;
  hashTable: number;
  translations: number;
  /** Shares of `entries` (0 to 1), null with no entry. */
  chainedShare: number | null;
  predictedShare: number | null;
  jumpCacheShare: number | null;
  hashTableShare: number | null;
  translationShare: number | null;
  blocksPerSecond: number | null;
}

export interface RunStats {
  engine: string;
  icount: number;
  wallSeconds: number;
  mips: number;
  tlb: TlbIndexStats[];
  tlbInlineAccesses: number;
  /** 1 - misses / all lookups through the soft TLB (inline and helper paths; victim hits are hits). */
  tlbHitRate: number;
  /** Whole-TLB flushes by cause (CR3 write, CR0/CR4, invlpg, A20, memory map, RAM resize, other). */
  tlbFlushCauses: Record<string, number>;
  /** Share of guest instructions run by the interpreter (1 on the interp engine). */
  interpretedShare: number | null;
  dispatch: DispatchStats | null;
  tb: Record<string, number> | null;
  memory: { unassignedReads: number; unassignedWrites: number; romWritesDropped: number; renders: number };
  /** The VGA display's refresh counters (null without a VGA). */
  display: DisplayStats | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function collectStats(m: PcMachine, wallSeconds: number): RunStats {
  // -smp: the instructions of every vCPU, and each MMU index's TLB figures summed over the
  // vCPUs (size: the largest table).
  const icount = m.totalIcount;
  const tlb = m.cpu.mmu.tlb.tables.map((_, i): TlbIndexStats => {
    const tables = m.cpus.map((c) => c.mmu.tlb.tables[i]!);
    const sum = (f: (t: (typeof tables)[number]) => number) => tables.reduce((n, t) => n + f(t), 0);
    const hits = sum((t) => t.stats.hits);
    const misses = sum((t) => t.stats.misses);
    const victimHits = sum((t) => t.stats.victimHits);
    const fills = sum((t) => t.stats.fills);
    const inlineAccesses = sum((t) => t.inlineAccesses);
    // An inline access that missed its compare is looked up again by the helper, which counts it.
    const inlineHits = sum((t) => Math.max(0, t.inlineAccesses - t.inlineSlow));
    const accesses = inlineHits + hits + victimHits + misses;
    return {
      mmu: MMU_NAMES[i] ?? String(i),
      size: Math.max(...tables.map((t) => t.size)),
      hits,
      misses,
      victimHits,
      fills,
      flushes: sum((t) => t.stats.flushes),
      pageFlushes: sum((t) => t.stats.pageFlushes),
      resizes: sum((t) => t.stats.resizes),
      inlineAccesses,
      inlineHits,
      accesses,
      hitRate: ratio(inlineHits + hits, accesses),
      victimRate: ratio(victimHits, accesses),
      missRate: ratio(misses, accesses),
      fillsPerMinsn: icount > 0 ? (fills * 1e6) / icount : null,
    };
  });
  const misses = tlb.reduce((n, t) => n + t.misses, 0);
  const total = tlb.reduce((n, t) => n + t.accesses, 0);
  const tlbFlushCauses: Record<string, number> = {};
  FLUSH_CAUSE_NAMES.forEach((name, k) => (tlbFlushCauses[name] = m.cpus.reduce((n, c) => n + c.mmu.tlb.flushCauses[k]!, 0)));
  let tb: Record<string, number> | null = null;
  let dispatch: DispatchStats | null = null;
  let interpretedShare: number | null = icount > 0 ? 1 : null;
  if (m.engine instanceof TcgEngine) {
    const c = m.engine.cache;
    const s = c.stats;
    tb = { ...s, blocks: c.blockCount, codeBytes: c.codeBytes, codePages: c.codePages };
    const entries = s.chainFollows + s.dynamicHits + s.jumpCacheHits + s.hashHits + s.translations;
    dispatch = {
      entries,
      chained: s.chainFollows,
      predicted: s.dynamicHits,
      jumpCache: s.jumpCacheHits,
      hashTable: s.hashHits,
      translations: s.translations,
      chainedShare: ratio(s.chainFollows, entries),
      predictedShare: ratio(s.dynamicHits, entries),
      jumpCacheShare: ratio(s.jumpCacheHits, entries),
      hashTableShare: ratio(s.hashHits, entries),
      translationShare: ratio(s.translations, entries),
      blocksPerSecond: ratio(entries, wallSeconds),
    };
    interpretedShare = ratio(s.interpretedInsns, icount);
  }
  const as = m.memory.stats;
  return {
    engine: m.config.engine,
    icount,
    wallSeconds,
    mips: wallSeconds > 0 ? icount / wallSeconds / 1e6 : 0,
    tlb,
    tlbInlineAccesses: tlb.reduce((n, t) => n + t.inlineAccesses, 0),
    tlbHitRate: total > 0 ? 1 - misses / total : 1,
    tlbFlushCauses,
    interpretedShare,
    dispatch,
    tb,
    memory: { ...as, renders: m.sys.renderCount },
    display: m.display ? { ...m.display.stats } : null,
  };
}

const n = (v: number): string => v.toLocaleString('en-US');

/** A rate with four significant digits at least, so tiny runs do not read 0.0. */
export function formatRate(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return v.toFixed(0);
  return v.toPrecision(4);
}

/** A share as a percentage, or '-' when there was nothing to share. */
function pct(v: number | null, digits = 2): string {
  return v === null ? '-' : (v * 100).toFixed(digits) + ' %';
}

/** A host rate (per second) with a k/M suffix. */
function perSecond(v: number | null): string {
  if (v === null) return '-';
  if (v >= 1e6) return formatRate(v / 1e6) + ' M';
  if (v >= 1e3) return formatRate(v / 1e3) + ' k';
  return formatRate(v) + ' ';
}

function table(head: string[], width: number[], rows: string[][], indent: string): string[] {
  const line = (cells: string[]) => indent + cells.map((c, k) => (k === 0 ? c.padEnd(width[0]!) : c.padStart(width[k]!))).join('');
  return [line(head), ...rows.map(line)];
}

export function formatStats(s: RunStats): string {
  const lines: string[] = [];
  lines.push(`tcg86 statistics (${s.engine} engine)`);
  lines.push(`  guest instructions   ${n(s.icount)}`);
  lines.push(`  wall time            ${s.wallSeconds < 1 ? (s.wallSeconds * 1000).toFixed(1) + ' ms' : s.wallSeconds.toFixed(3) + ' s'}`);
  lines.push(`  guest MIPS           ${s.wallSeconds > 0 && s.icount > 0 ? formatRate(s.mips) : '-'}`);
  if (s.dispatch) lines.push(`  interpreted          ${pct(s.interpretedShare)} of guest instructions (${n(s.tb?.interpretedInsns ?? 0)})`);
  const total = s.tlb.reduce((k, t) => k + t.accesses, 0);
  const victims = s.tlb.reduce((k, t) => k + t.victimHits, 0);
  lines.push(
    total > 0
      ? `  soft TLB hit rate    ${(s.tlbHitRate * 100).toFixed(3)} %  (${n(total)} lookups; victim TLB ${pct(victims / total, 3)}; inline accesses ${n(s.tlbInlineAccesses)})`
      : '  soft TLB hit rate    - (no access)',
  );
  // Rates first (what a person reads), then the raw counters they come from.
  const rateRows = s.tlb.map((t) => [
    t.mmu,
    String(t.size),
    n(t.accesses),
    pct(t.hitRate, 3),
    pct(t.victimRate, 3),
    pct(t.missRate, 3),
    pct(t.accesses > 0 ? t.inlineHits / t.accesses : null, 1),
    t.accesses > 0 && t.fillsPerMinsn !== null ? formatRate(t.fillsPerMinsn) : '-',
  ]);
  lines.push(...table(['TLB', 'size', 'lookups', 'hit', 'victim', 'miss', 'inline', 'fills/Minsn'], [8, 8, 16, 11, 11, 11, 9, 13], rateRows, '  '));
  const countRows = s.tlb.map((t) => [t.mmu, n(t.inlineAccesses), n(t.hits), n(t.victimHits), n(t.misses), n(t.fills), n(t.flushes), n(t.pageFlushes), n(t.resizes)]);
  lines.push(
    ...table(['counts', 'inline', 'helper hits', 'victim', 'misses', 'fills', 'flushes', 'pageflush', 'resizes'], [8, 16, 14, 12, 12, 12, 10, 11, 9], countRows, '  '),
  );
  const phys = s.tlb.find((t) => t.mmu === 'phys');
  if (phys && phys.accesses > 0) {
    lines.push('  (phys: accesses with paging off; QEMU 7.2 files them under its kernel index MMU_KNOSMAP_IDX, or user at CPL 3)');
  }
  lines.push('  TLB flushes          ' + Object.entries(s.tlbFlushCauses).map(([k, v]) => `${k} ${n(v)}`).join(', '));
  const d = s.dispatch;
  if (d) {
    lines.push(`  block dispatch       ${n(d.entries)} block entries, ${perSecond(d.blocksPerSecond)}blocks/s`);
    lines.push(
      `    chained ${pct(d.chainedShare)}, predicted ret/indirect ${pct(d.predictedShare)}, jump cache ${pct(d.jumpCacheShare)}, ` +
        `hash table ${pct(d.hashTableShare)}, new translation ${pct(d.translationShare)}`,
    );
  }
  if (s.tb) {
    lines.push('  translated blocks');
    for (const [k, v] of Object.entries(s.tb)) lines.push(`    ${k.padEnd(22)}${n(v).padStart(14)}`);
  }
  lines.push(`  memory: unassigned reads ${n(s.memory.unassignedReads)}, writes ${n(s.memory.unassignedWrites)}, ROM writes dropped ${n(s.memory.romWritesDropped)}, flat-view renders ${n(s.memory.renders)}`);
  if (s.display) {
    const v = s.display;
    lines.push(
      `  display: refreshes ${n(v.refreshes)}, full redraws ${n(v.fullRedraws)}, scanlines redrawn ${n(v.scanlinesRedrawn)}, ` +
        `text cells redrawn ${n(v.textCellsRedrawn)}, vram bytes scanned ${n(v.vramBytesScanned)}`,
    );
  }
  return lines.join('\n') + '\n';
}
