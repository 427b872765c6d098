// --profile: samples the run's counters after every slice into windows of N guest instructions
// (N doubles, merging neighbours, whenever there would be more than MAX_POINTS windows, so any
// run ends with a few hundred points), counts block entries in the blocks' own code, TLB fills
// per page and code invalidations per page with their writer; `report()` gives the data the
// JSON and HTML profiles hold.

import * as os from 'node:os';
import type { PcMachine } from '../machine/pc.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import { storeWriter } from '../cpu/x86/tcg/trace-smc.js';
import type { TranslationBlock } from '../softmmu/tb.js';
import { FLUSH_CAUSE_NAMES } from '../softmmu/tlb.js';
import { collectStats, type RunStats } from '../machine/stats.js';

/** Windows kept before neighbours are merged (the series then have 256 to 512 points). */
const MAX_POINTS = 512;
const FIRST_WINDOW = 1 << 10;
const MMU_NAMES = ['kernel', 'user', 'phys'];

/**
 * Per-window counters, in this order (one Float64Array per window): instructions, host ms,
 * then per MMU index lookups, inline-or-helper hits, victim hits, misses, TLB size (the last
 * value, not a sum), then flushes, chained, predicted, jump cache, hash table, translations,
 * invalidations, SMC events, interpreted instructions.
 */
const PER_MMU = 5;
const MMU_BASE = 2;
const AFTER_MMU = MMU_BASE + 3 * PER_MMU;
export const SAMPLE_FIELDS = AFTER_MMU + 9;

export interface ProfileBlock {
  pc: number;
  execs: number;
  insns: number;
  /** execs × instructions in the block (a block left early retires fewer). */
  retired: number;
  share: number;
  translations: number;
  selfLoop: boolean;
  checked: boolean;
  /** Run by the interpreter, an instruction at a time (then insns is 1 and translations 0). */
  interpreted: boolean;
  disas: string[];
  /** Exits by kind, as EXIT_NAMES. */
  exits: Record<string, number>;
}

/** TranslationBlock.exits, by index. */
export const EXIT_NAMES = ['ret/indirect', 'to dispatcher', 'jump 0', 'jump 1', 'fault'] as const;

export interface ProfileData {
  header: { commandLine: string; engine: string; icount: number; wallSeconds: number; host: string; window: number; started: string };
  /** Column name -> values, one per window. */
  series: Record<string, number[]>;
  hotBlocks: ProfileBlock[];
  tlbFillPages: { page: number; mmu: string; fills: number }[];
  codeInvalidationPages: { page: number; invalidations: number; blocksDropped: number; writer: string }[];
  stats: RunStats;
}

interface PageInvalidations {
  invalidations: number;
  blocksDropped: number;
  writer: string;
}

export class Profiler {
  private window = FIRST_WINDOW;
  private readonly samples: Float64Array[] = [];
  /** The window being filled, and the counter values it started from. */
  private current = new Float64Array(SAMPLE_FIELDS);
  private readonly last = new Float64Array(SAMPLE_FIELDS);
  private readonly now = new Float64Array(SAMPLE_FIELDS);
  private windowEnd = FIRST_WINDOW;
  private readonly blocks: TranslationBlock[] = [];
  /** TLB fills by MMU index * 2^20 + virtual page number. */
  private readonly fills = new Map<number, number>();
  private readonly invalidations = new Map<number, PageInvalidations>();
  private readonly startMs = performance.now();
  private readonly started = new Date().toISOString();

  constructor(
    private readonly m: PcMachine,
    private readonly commandLine: string,
  ) {
    const cpu = m.cpu;
    cpu.profileBlocks = true;
    cpu.interpProfile = new Map();
    const engine = m.engine instanceof TcgEngine ? m.engine : null;
    if (engine) {
      const cache = engine.cache;
      cache.onBlockAdded = (tb) => this.blocks.push(tb);
      cache.profileInvalidateRange = (ramAddr, _len, cause, dropped) => {
        const page = ramAddr - (ramAddr % 4096);
        let p = this.invalidations.get(page);
        if (!p) {
          p = { invalidations: 0, blocksDropped: 0, writer: '' };
          this.invalidations.set(page, p);
        }
        p.invalidations++;
        p.blocksDropped += dropped.length;
        if (cause === 'write') {
          const w = storeWriter(cpu, cache);
          p.writer = `0x${w.linear.toString(16).padStart(8, '0')}: ${w.text}`;
        } else p.writer = cause === 'dma' ? 'a device (DMA)' : cause;
      };
    }
    // TLB fills by page: the target's fill function is wrapped (nothing changes without --profile).
    const mmu = cpu.mmu;
    const fill = mmu.fill;
    mmu.fill = (addr, access, mmuIdx) => {
      fill(addr, access, mmuIdx);
      const key = mmuIdx * 0x100000 + (addr >>> 12);
      this.fills.set(key, (this.fills.get(key) ?? 0) + 1);
    };
    m.onSlice = () => this.onSlice();
    m.sliceLimit = this.window;
    // The first window counts from zero: what machine creation did (boot flushes) is in it.
    this.last[1] = performance.now();
  }

  /** The run's counters now, in SAMPLE_FIELDS order (cumulative; TLB size as it is). */
  private read(out: Float64Array): void {
    const m = this.m;
    const cpu = m.cpu;
    out[0] = cpu.icount;
    out[1] = performance.now();
    cpu.mmu.tlb.tables.forEach((t, i) => {
      const s = t.stats;
      const inlineHits = Math.max(0, t.inlineAccesses - t.inlineSlow);
      const o = MMU_BASE + i * PER_MMU;
      out[o] = inlineHits + s.hits + s.victimHits + s.misses;
      out[o + 1] = inlineHits + s.hits;
      out[o + 2] = s.victimHits;
      out[o + 3] = s.misses;
      out[o + 4] = t.size;
    });
    let flushes = 0;
    for (const v of cpu.mmu.tlb.flushCauses) flushes += v;
    out[AFTER_MMU] = flushes;
    if (m.engine instanceof TcgEngine) {
      const s = m.engine.cache.stats;
      out[AFTER_MMU + 1] = s.chainFollows;
      out[AFTER_MMU + 2] = s.dynamicHits;
      out[AFTER_MMU + 3] = s.jumpCacheHits;
      out[AFTER_MMU + 4] = s.hashHits;
      out[AFTER_MMU + 5] = s.translations;
      out[AFTER_MMU + 6] = s.invalidationsWrite + s.invalidationsDma + s.invalidationsFlush;
      out[AFTER_MMU + 7] = s.smcEvents;
      out[AFTER_MMU + 8] = s.interpretedInsns;
    } else {
      out[AFTER_MMU + 8] = cpu.icount;
    }
  }

  /** After a slice: add what changed to the current window; close it at its end. */
  private onSlice(): void {
    const now = this.now;
    const last = this.last;
    const cur = this.current;
    this.read(now);
    for (let k = 0; k < SAMPLE_FIELDS; k++) {
      if (k >= MMU_BASE && k < AFTER_MMU && (k - MMU_BASE) % PER_MMU === 4) cur[k] = now[k]!; // TLB size: the latest
      else cur[k] = cur[k]! + now[k]! - last[k]!;
      last[k] = now[k]!;
    }
    if (now[0]! >= this.windowEnd) this.closeWindow();
  }

  private closeWindow(): void {
    this.samples.push(this.current);
    this.current = new Float64Array(SAMPLE_FIELDS);
    this.windowEnd = this.last[0]! + this.window;
    if (this.samples.length > MAX_POINTS) {
      // Merge neighbours: half the points, windows twice as long.
      for (let i = 0; i < this.samples.length / 2; i++) {
        const a = this.samples[2 * i]!;
        const b = this.samples[2 * i + 1];
        if (b) for (let k = 0; k < SAMPLE_FIELDS; k++) a[k] = (k - MMU_BASE) % PER_MMU === 4 && k >= MMU_BASE && k < AFTER_MMU ? b[k]! : a[k]! + b[k]!;
        this.samples[i] = a;
      }
      this.samples.length = Math.ceil(this.samples.length / 2);
      this.window *= 2;
      this.m.sliceLimit = this.window;
    }
  }

  /** Everything the profile shows, as of now (the last, partial window included). */
  report(): ProfileData {
    this.onSlice();
    const windows = this.current[0]! > 0 ? [...this.samples, this.current] : [...this.samples];
    const series: Record<string, number[]> = {};
    const col = (name: string, f: (s: Float64Array) => number | null) => (series[name] = windows.map((s) => f(s) ?? NaN));
    let insnEnd = 0;
    col('instructions', (s) => (insnEnd += s[0]!));
    col('MIPS', (s) => (s[1]! > 0 ? s[0]! / s[1]! / 1000 : null));
    MMU_NAMES.forEach((name, i) => {
      const o = MMU_BASE + i * PER_MMU;
      col(`TLB hit ${name}`, (s) => (s[o]! > 0 ? s[o + 1]! / s[o]! : null));
      col(`TLB victim ${name}`, (s) => (s[o]! > 0 ? s[o + 2]! / s[o]! : null));
      col(`TLB miss ${name}`, (s) => (s[o]! > 0 ? s[o + 3]! / s[o]! : null));
      col(`TLB size ${name}`, (s) => s[o + 4]!);
    });
    col('TLB flushes', (s) => s[AFTER_MMU]!);
    const entries = (s: Float64Array) => s[AFTER_MMU + 1]! + s[AFTER_MMU + 2]! + s[AFTER_MMU + 3]! + s[AFTER_MMU + 4]! + s[AFTER_MMU + 5]!;
    ['chained', 'predicted', 'jump cache', 'hash table', 'new translation'].forEach((name, j) =>
      col(`dispatch ${name}`, (s) => (entries(s) > 0 ? s[AFTER_MMU + 1 + j]! / entries(s) : null)),
    );
    col('translations', (s) => s[AFTER_MMU + 5]!);
    col('invalidations', (s) => s[AFTER_MMU + 6]!);
    col('SMC events', (s) => s[AFTER_MMU + 7]!);
    col('interpreted share', (s) => (s[0]! > 0 ? s[AFTER_MMU + 8]! / s[0]! : null));
    const wallSeconds = (performance.now() - this.startMs) / 1000;
    const stats = collectStats(this.m, wallSeconds);
    return {
      header: {
        commandLine: this.commandLine,
        engine: this.m.config.engine,
        icount: this.m.cpu.icount,
        wallSeconds,
        host: `${os.hostname()} (${os.type()} ${os.release()} ${os.arch()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version})`,
        window: this.window,
        started: this.started,
      },
      series,
      hotBlocks: this.hotBlocks(stats.icount),
      tlbFillPages: [...this.fills].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([key, fills]) => ({ page: (key % 0x100000) * 4096, mmu: MMU_NAMES[Math.floor(key / 0x100000)] ?? '?', fills })),
      codeInvalidationPages: [...this.invalidations]
        .sort((a, b) => b[1].invalidations - a[1].invalidations)
        .slice(0, 30)
        .map(([page, p]) => ({ page, ...p })),
      stats,
    };
  }

  /** Blocks by guest address (translations of one address summed), most instructions first. */
  private hotBlocks(icount: number): ProfileBlock[] {
    const byPc = new Map<string, ProfileBlock>();
    for (const tb of this.blocks) {
      if (tb.execCount === 0) continue;
      const pc = (tb.csBase + tb.pc) >>> 0;
      const key = `${pc}:${tb.insnCount}`;
      let b = byPc.get(key);
      if (!b) {
        const exits: Record<string, number> = {};
        for (const name of EXIT_NAMES) exits[name] = 0;
        b = { pc, execs: 0, insns: tb.insnCount, retired: 0, share: 0, translations: 0, selfLoop: tb.source.includes('continue L;'), checked: tb.checked, interpreted: false, disas: [...(tb.disas ?? [])], exits };
        byPc.set(key, b);
      }
      if (tb.exits) EXIT_NAMES.forEach((name, k) => (b!.exits[name]! += tb.exits![k]!));
      b.execs += tb.execCount;
      b.retired += tb.execCount * tb.insnCount;
      b.translations++;
    }
    // Interpreted code counts as blocks of one instruction, so the table shows where the
    // interpreter's time goes too (all of it under --engine interp).
    for (const [pc, e] of this.m.cpu.interpProfile ?? []) {
      const exits: Record<string, number> = {};
      for (const name of EXIT_NAMES) exits[name] = 0;
      byPc.set(`i${pc}`, { pc, execs: e.execs, insns: 1, retired: e.execs, share: 0, translations: 0, selfLoop: false, checked: false, interpreted: true, disas: [e.disas], exits });
    }
    const list = [...byPc.values()].sort((a, b) => b.retired - a.retired).slice(0, 50);
    for (const b of list) b.share = icount > 0 ? b.retired / icount : 0;
    return list;
  }
}
