// The translator's execution loop (QEMU's cpu_exec for TCG): take interrupts between blocks,
// find the block for CS:EIP through the jump cache, then the physical hash, translating on a
// miss; follow chained direct jumps; fall back to the interpreter for single steps, interrupt
// shadows, MMIO code, an instruction crossing out of a hot SMC page, and the last few
// instructions of a budget, so the instruction count at which anything happens is the same on
// both engines.

import { TBCache, jumpCacheHash } from '../../../softmmu/tb-maint.js';
import type { TranslationBlock } from '../../../softmmu/tb.js';
import { R_CS } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { GUEST_EXCEPTION } from '../exception.js';
import { TF_MASK } from '../flags.js';
import { deliverPendingException } from '../interrupts.js';
import { checkInterrupts, EXIT_BUDGET, EXIT_HALTED, EXIT_REQUESTED, Interpreter } from '../interp/index.js';
import { computeTbFlags } from './tb-flags.js';
import { EXIT_DYNAMIC } from './codegen.js';
import { blockTag, CF_NO_GOTO_TB, traceBlock } from '../exec-log.js';
import type { CpuLog } from '../cpu.js';
import { installCacheLogs } from './trace-smc.js';
import { codeRamAddr, translateBlock } from './translate.js';

/** Instructions the interpreter runs at a time where no block can be used (MMIO code, an instruction crossing out of a hot page). */
const INTERP_CHUNK = 64;

export class TcgEngine {
  private exitRequested = false;
  /** Counts TLB flushes: a block's dynDest is only good for the generation it was found in. */
  private flushGen = 0;
  /**
   * performance.now() after which run() returns early, so a slowly emulated guest still lets
   * the host in. Checked every 8 passes through the dispatcher (chained blocks do not come
   * back to it, and they are fast; handler exits such as a rep string chunk do).
   */
  hostDeadline = Infinity;
  private hostCheck = 8;
  readonly cache: TBCache;
  private readonly jumpCache: (TranslationBlock | null)[];
  private readonly interp = new Interpreter();
  /** The CPU log the cache's -d page / --trace-smc hooks were made for. */
  private hookedLog: CpuLog | null = null;

  /** Precise SMC: a write that invalidates the running block ends it right after the write. */
  private readonly currentInvalidated = (): void => {
    this.cpu.tbExit = 1;
  };

  /**
   * `shared`: the cache of another vCPU's engine (-smp). Blocks are keyed by physical
   * address and flags, so every vCPU uses one cache and one CODE bitmap, and a store by any
   * of them invalidates what the others run; each vCPU keeps its own jump cache.
   */
  constructor(readonly cpu: X86CPU, maxCodeBytes?: number, shared?: TBCache) {
    this.cache = shared ?? new TBCache(cpu.sys, maxCodeBytes);
    this.jumpCache = this.cache.newJumpCache();
    cpu.mmu.codeWriteHook = (ramAddr, size) => this.cache.invalidateRange(ramAddr, size, 'write');
    this.cache.onCurrentInvalidated = this.currentInvalidated;
    // A TLB flush may remap virtual pages: virtual-pc lookups must start afresh.
    cpu.mmu.tlb.onFlush = () => {
      this.jumpCache.fill(null);
      this.flushGen++;
    };
  }

  /** Set from outside (device callbacks) to leave run() after the current instruction. */
  get exitRequest(): boolean {
    return this.exitRequested;
  }
  set exitRequest(v: boolean) {
    this.exitRequested = v;
    // The interpreter may be running a stretch for us: it must stop at the same instruction;
    // chained blocks stop following each other once tbExit is set.
    if (v) {
      this.interp.exitRequest = true;
      this.cpu.tbExit = 1;
    }
  }

  /** Up to n instructions with the interpreter (its loop takes interrupts and exits as ours). */
  private interpret(cpu: X86CPU, n: number): void {
    const before = cpu.icount;
    this.interp.run(cpu, n, true);
    this.cache.stats.interpretedInsns += cpu.icount - before;
  }

  /** The block for the current CS:EIP, translating it if needed; null: interpret instead. */
  private findBlock(cpu: X86CPU): TranslationBlock | null {
    const pc = cpu.eip;
    const csBase = cpu.segBase[R_CS]!;
    const flags = computeTbFlags(cpu);
    const h = jumpCacheHash((pc + csBase) | 0);
    const hit = this.jumpCache[h];
    if (hit && hit.pc === pc && hit.csBase === csBase && hit.flags === flags && !hit.invalid) {
      this.cache.stats.jumpCacheHits++;
      return hit;
    }
    if (pc > cpu.segLimit[R_CS]!) return null; // the interpreter raises #GP
    const lin = (csBase + pc) | 0;
    const ramAddr = codeRamAddr(cpu, lin); // may raise #PF: the fetch really happens
    if (ramAddr < 0) return null;
    this.lookupLin = lin;
    let tb = this.cache.lookup(ramAddr, pc, csBase, flags, this.page1Check);
    if (!tb) {
      // A page rewritten over and over gets checked blocks instead of write-protected ones.
      tb = translateBlock(cpu, flags, ramAddr, this.cache.isHotSmcPage(Math.floor(ramAddr / 4096)));
      if (!tb) return null;
      this.cache.insert(tb);
    }
    this.jumpCache[h] = tb;
    return tb;
  }

  /**
   * The linear pc of the lookup in progress, for page1Check. A closure over findBlock's locals
   * made V8 allocate a context on every findBlock call, jump-cache hits included.
   */
  private lookupLin = 0;
  private readonly page1Check = (tb: TranslationBlock): boolean => this.secondPageMatches(this.cpu, this.lookupLin, tb);

  /** A cached block spanning two pages is only valid if the second page maps where it did. */
  private secondPageMatches(cpu: X86CPU, lin: number, tb: TranslationBlock): boolean {
    const saved = cpu.cr2;
    try {
      return codeRamAddr(cpu, (lin & -4096) + 4096) === tb.ramAddr1;
    } catch (e) {
      if (e !== GUEST_EXCEPTION) throw e;
      cpu.cr2 = saved;
      return false;
    }
  }

  run(cpu: X86CPU, budget: number): number {
    // The budget counts delivered events too (see X86CPU.deliveries), so a fault loop ends it.
    const end = cpu.events + budget;
    cpu.sliceEnd = end;
    const cache = this.cache;
    // The vCPU that runs now is the one a store into its own block must stop (-smp).
    cache.onCurrentInvalidated = this.currentInvalidated;
    const stats = cache.stats;
    let prev: TranslationBlock | null = null;
    let prevSlot = -1;
    this.exitRequested = false;
    // -d exec/cpu trace every block entered except through a chained jump (as QEMU's
    // cpu_tb_exec and lookup_tb_ptr); -d nochain makes no links, so that is every block.
    const log = cpu.log;
    if (log !== this.hookedLog) {
      this.hookedLog = log;
      installCacheLogs(cpu, cache);
    }
    const trace = log !== null && (log.exec || log.cpu);
    const chain = log === null || !log.nochain;
    let viaChain = false;
    while (cpu.events < end) {
      if (this.exitRequested) return EXIT_REQUESTED;
      if (--this.hostCheck === 0) {
        this.hostCheck = 8;
        if (performance.now() > this.hostDeadline) return EXIT_REQUESTED;
      }
      if ((cpu.interruptRequest || cpu.nmiPending) && !cpu.inhibitIrq && checkInterrupts(cpu)) {
        prev = null;
        continue;
      }
      if (cpu.halted) return EXIT_HALTED;
      if (cpu.inhibitIrq || cpu.eflags & TF_MASK) {
        this.interpret(cpu, 1);
        prev = null;
        continue;
      }
      let tb: TranslationBlock | null = null;
      viaChain = false;
      if (prev && prevSlot >= 0) {
        const chained: TranslationBlock | null = prev.jmpDest[prevSlot] ?? null;
        if (chained && !chained.invalid && chained.pc === cpu.eip) {
          tb = chained;
          viaChain = true;
          stats.chainFollows++;
        }
      } else if (prev && prevSlot === EXIT_DYNAMIC) {
        // An inline ret or indirect jump: same mode bits and CS as prev, so the block found
        // for this target last time is still the one, unless the TLB was flushed since.
        const d: TranslationBlock | null = prev.dynDest;
        if (d !== null && d.pc === cpu.eip && !d.invalid && prev.dynGen === this.flushGen) {
          tb = d;
          stats.dynamicHits++;
        }
      }
      if (!tb) {
        try {
          tb = this.findBlock(cpu);
        } catch (e) {
          if (e !== GUEST_EXCEPTION) throw e;
          deliverPendingException(cpu);
          prev = null;
          continue;
        }
        // As QEMU, never chain into a block spanning two pages: its second page's mapping can
        // change without invalidating it (only a lookup checks it).
        if (tb && chain && prev && prevSlot >= 0 && prev.jmpTargetPc[prevSlot] === tb.pc && !prev.invalid && tb.page1 < 0 && sameVirtualPage(prev, tb)) {
          cache.link(prev, prevSlot, tb);
        } else if (tb && prev && prevSlot === EXIT_DYNAMIC && tb.page1 < 0 && !prev.invalid) {
          prev.dynDest = tb;
          prev.dynGen = this.flushGen;
        }
      }
      if (!tb || cpu.events + tb.insnCount > end) {
        // No block (code in MMIO, an instruction crossing out of a hot page): a stretch of interpreted
        // instructions, not one, so the lookup cost is not paid per instruction.
        this.interpret(cpu, tb ? 1 : Math.min(INTERP_CHUNK, end - cpu.events));
        prev = null;
        continue;
      }
      if (tb.checked && !tb.codeMatches(cpu.mmu.ram)) {
        // A checked block whose code changed since it was made (its page is not protected).
        stats.checkedChanged++;
        cache.invalidate(tb, 'write');
        prev = null;
        continue;
      }
      if (trace && !viaChain) traceBlock(cpu, blockTag(tb.id), chain ? 0 : CF_NO_GOTO_TB);
      cpu.tbExit = 0;
      cpu.tbBudgetEnd = end - cpu.deliveries; // blocks count instructions only
      cache.current = tb;
      cache.currentInvalidated = false;
      try {
        // Follow chained and predicted blocks without the checks above: nothing they test can
        // change while cpu.tbExit stays 0 (an interrupt line rising, an exit request and a
        // write to the running block's code set it; mode changes, halt and IF changes leave
        // through the handler exit, -1).
        for (;;) {
          prevSlot = tb.fn!(cpu);
          prev = tb;
          if (cpu.tbExit !== 0 || cache.currentInvalidated) break;
          let next: TranslationBlock | null;
          let predicted = true;
          if (prevSlot >= 0) next = tb.jmpDest[prevSlot]!;
          else if (prevSlot === EXIT_DYNAMIC) {
            next = tb.dynGen === this.flushGen ? tb.dynDest : null;
            if (next === null || next.pc !== cpu.eip) {
              // Mispredicted (a ret to another call site): the jump cache, with the mode bits
              // of the block that just ran, as findBlock would compute them.
              predicted = false;
              next = this.jumpCache[jumpCacheHash((tb.csBase + cpu.eip) | 0)]!;
              if (next === null || next.pc !== cpu.eip || next.csBase !== tb.csBase || next.flags !== tb.flags) break;
            }
          } else break;
          if (next === null || next.invalid || next.pc !== cpu.eip || next.checked || cpu.icount + next.insnCount > cpu.tbBudgetEnd) break;
          if (prevSlot >= 0) stats.chainFollows++;
          else if (predicted) stats.dynamicHits++;
          else {
            stats.jumpCacheHits++;
            if (next.page1 < 0) {
              tb.dynDest = next;
              tb.dynGen = this.flushGen;
            }
          }
          if (trace && prevSlot < 0) traceBlock(cpu, blockTag(next.id), chain ? 0 : CF_NO_GOTO_TB);
          cpu.tbInsn = 0;
          cache.current = tb = next;
        }
      } catch (e) {
        cache.current = null;
        cpu.tbInsn = 0; // the block added what it ran to icount
        cpu.plugins?.afterInsn(); // a handler that faulted leaves no instruction to report to
        if (e !== GUEST_EXCEPTION) throw e;
        if (cpu.excIsInt) cpu.icount++;
        deliverPendingException(cpu);
        prev = null;
        continue;
      }
      cache.current = null;
      cpu.tbInsn = 0;
      if (cache.currentInvalidated) prev = null;
    }
    return EXIT_BUDGET;
  }
}

/** QEMU chains only within one guest page: another page's mapping may change under the link. */
function sameVirtualPage(a: TranslationBlock, b: TranslationBlock): boolean {
  return a.csBase === b.csBase && ((a.csBase + a.pc) & -4096) === ((b.csBase + b.pc) & -4096);
}
