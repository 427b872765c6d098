// TranslationBlock: a run of guest code translated once and kept with what identifies it
// (physical start, virtual pc, CS base, mode flags), the pages it was made from, and its
// direct-jump links to other blocks (QEMU's TranslationBlock).

/** A compiled block: runs guest code, leaves cpu state exact, returns the exit slot taken (or -1). */
export type TBFunction = (cpu: unknown) => number;

export class TranslationBlock {
  /** Compiled code; null once invalidated. */
  fn: TBFunction | null = null;
  invalid = false;
  /** Serial number given when the cache takes the block (traces and profiles name it by it). */
  id = 0;
  /** Offset in CS of each guest instruction, in order (the generated code's EIPS). */
  eips: readonly number[] = [];
  /** Times the block was entered, counted by its own code only under --profile (cpu.profileBlocks). */
  execCount = 0;
  /** Its instructions' disassembly, kept only under --profile. */
  disas: readonly string[] | null = null;
  /** --profile: exits by kind: ret/indirect, to the dispatcher (handler, budget, mode change), direct exit 0, direct exit 1, fault. */
  exits: Float64Array | null = null;
  /** Guest instructions in the block (one pass through it, for icount budgeting). */
  insnCount = 0;
  /** Blocks reached through direct exit slot 0/1 (chaining); checked for validity on use. */
  readonly jmpDest: (TranslationBlock | null)[] = [null, null];
  /** Virtual pc targeted by exit slot 0/1 (-1: no direct target). */
  readonly jmpTargetPc: number[] = [-1, -1];
  /**
   * The block an inline ret / indirect jump of this block led to last time (a one-entry
   * prediction, checked against the pc and valid only while dynGen is the engine's TLB flush
   * generation). Not a link: an invalidated target is simply not taken.
   */
  dynDest: TranslationBlock | null = null;
  dynGen = 0;
  /** Blocks whose exit slots point at this one, so invalidation can unlink them. */
  readonly incoming: TranslationBlock[] = [];
  /** Size of the generated source, counted against the code cache budget. */
  codeSize = 0;
  /** Generated JavaScript source, kept for `-d out_asm`-style inspection and tests. */
  source = '';
  /**
   * A checked block (made from a page rewritten too often to protect): it is not
   * write-protected; instead its guest bytes are compared with `snap` wherever `fixed` is 1
   * before it runs and after each of its own stores. Immediates it reads from RAM at run time
   * are the bytes left out (fixed 0), so patching them does not cost a new translation.
   */
  checked = false;
  snap: Uint8Array | null = null;
  fixed: Uint8Array | null = null;

  constructor(
    /** Virtual pc (offset in CS) of the first instruction. */
    readonly pc: number,
    readonly csBase: number,
    /** CPU mode bits that change translation. */
    readonly flags: number,
    /** ram_addr of the first byte. */
    readonly ramAddr: number,
    /** Bytes of guest code covered. */
    readonly size: number,
    /** ram_addr page index (ram_addr >>> 12) of the first byte, and of the second page or -1. */
    readonly page0: number,
    readonly page1: number,
    /** ram_addr of the first byte on the second page (for the overlap test), or -1. */
    readonly ramAddr1: number,
  ) {}

  /** A checked block: are the bytes it depends on still what it was made from? */
  codeMatches(ram: Uint8Array): boolean {
    const snap = this.snap!;
    const fixed = this.fixed!;
    const base = this.ramAddr;
    for (let k = 0; k < snap.length; k++) if (fixed[k] !== 0 && ram[base + k] !== snap[k]) return false;
    return true;
  }

  /** Does [start, end) of ram_addr space overlap the guest bytes this block was made from? */
  overlaps(start: number, end: number): boolean {
    if (this.page1 < 0) return start < this.ramAddr + this.size && end > this.ramAddr;
    const firstLen = 4096 - (this.ramAddr & 0xfff);
    if (start < this.ramAddr + firstLen && end > this.ramAddr) return true;
    const rest = this.size - firstLen;
    return start < this.ramAddr1 + rest && end > this.ramAddr1;
  }
}
