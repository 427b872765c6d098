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
import { codeRamAddr, translateBlock } from './translate.js';

/** Instructions the interpreter runs at a time where no block can be used (MMIO code, an instruction crossing out of a hot page). */
const INTERP_CHUNK = 64;

export class TcgEngine {
  private exitRequested = false;
  readonly cache: TBCache;
  private readonly jumpCache: (TranslationBlock | null)[];
  private readonly interp = new Interpreter();

  constructor(readonly cpu: X86CPU, maxCodeBytes?: number) {
    this.cache = new TBCache(cpu.sys, maxCodeBytes);
    this.jumpCache = this.cache.newJumpCache();
    cpu.mmu.codeWriteHook = (ramAddr, size) => this.cache.invalidateRange(ramAddr, size, 'write');
    // Precise SMC: a write that invalidates the running block ends it right after the write.
    this.cache.onCurrentInvalidated = () => (cpu.tbExit = 1);
    // A TLB flush may remap virtual pages: virtual-pc lookups must start afresh.
    cpu.mmu.tlb.onFlush = () => this.jumpCache.fill(null);
  }

  /** Set from outside (device callbacks) to leave run() after the current instruction. */
  get exitRequest(): boolean {
    return this.exitRequested;
  }
  set exitRequest(v: boolean) {
    this.exitRequested = v;
    // The interpreter may be running a stretch for us: it must stop at the same instruction.
    if (v) this.interp.exitRequest = true;
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
    const stats = cache.stats;
    let prev: TranslationBlock | null = null;
    let prevSlot = -1;
    this.exitRequested = false;
    while (cpu.events < end) {
      if (this.exitRequested) return EXIT_REQUESTED;
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
      if (prev && prevSlot >= 0) {
        const chained: TranslationBlock | null = prev.jmpDest[prevSlot] ?? null;
        if (chained && !chained.invalid && chained.pc === cpu.eip) {
          tb = chained;
          stats.chainFollows++;
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
        if (tb && prev && prevSlot >= 0 && prev.jmpTargetPc[prevSlot] === tb.pc && !prev.invalid && tb.page1 < 0 && sameVirtualPage(prev, tb)) {
          cache.link(prev, prevSlot, tb);
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
      cpu.tbExit = 0;
      cpu.tbBudgetEnd = end - cpu.deliveries; // blocks count instructions only
      cache.current = tb;
      cache.currentInvalidated = false;
      tb.execCount++;
      try {
        prevSlot = tb.fn!(cpu);
        prev = tb;
      } catch (e) {
        cache.current = null;
        cpu.tbInsn = 0; // the block added what it ran to icount
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
