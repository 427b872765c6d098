// The architectural state of one x86 CPU (QEMU's CPUX86State): registers, lazy flags,
// segment descriptor caches with precomputed access bounds, control and table registers.

import { CC_OP_DYNAMIC, CC_OP_EFLAGS, computeAll, computeCF, type LazyFlags } from './cc.js';
import {
  CR0_ET_MASK,
  CR0_PE_MASK,
  CR0_PG_MASK,
  DESC_A_MASK,
  DESC_B_MASK,
  DESC_CS_MASK,
  DESC_E_MASK,
  DESC_P_MASK,
  DESC_R_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  MMU_KERNEL_IDX,
  MMU_PHYS_IDX,
  MMU_USER_IDX,
  R_CS,
  R_SS,
} from './constants.js';
import { CC_MASK, EFLAGS_FIXED, VM_MASK } from './flags.js';
import { CPUID_FP87, CPUID_MCA, CPUID_MCE, FEAT_1_EDX, defaultCpuDefinition, maxPhysAddr, microcodeRevision, type CpuDefinition } from './cpu-models.js';
import { X87State } from './fpu/x87-state.js';

/** Machine-check banks (QEMU's MCE_BANKS_DEF) and MCG_CAP for a model with MCE and MCA. */
export const MCE_BANKS = 10;
const MCG_CAP_WITH_MCA = 0x01000100 | MCE_BANKS; // MCG_SER_P | MCG_CTL_P | bank count

/** A system table register (GDTR/IDTR) or a system segment (LDTR/TR) cache. */
export class TableReg {
  selector = 0;
  base = 0;
  limit = 0;
  flags = 0;
}

export class CPUX86State implements LazyFlags {
  /** EAX ECX EDX EBX ESP EBP ESI EDI as int32. */
  readonly regs = new Int32Array(8);
  /** Offset of the current instruction in CS (unsigned). */
  eip = 0;
  /** EFLAGS without the six arithmetic flags (those are lazy). */
  eflags = EFLAGS_FIXED;
  ccOp = CC_OP_EFLAGS;
  ccDst = 0;
  ccSrc = 0;
  ccSrc2 = 0;

  readonly segSel = new Uint16Array(6);
  /** Segment bases as int32 bit patterns: linear = (base + offset) | 0. */
  readonly segBase = new Int32Array(6);
  /** Expanded limits (byte granular). */
  readonly segLimit = new Float64Array(6);
  readonly segFlags = new Int32Array(6);
  /** Valid offsets of an access: first byte >= segLo, last byte <= segHi. */
  readonly segLo = new Float64Array(6);
  readonly segHi = new Float64Array(6);
  /** Access rights of the cached segment in the current mode. */
  readonly segReadable = new Uint8Array(6);
  readonly segWritable = new Uint8Array(6);

  readonly gdt = new TableReg();
  readonly idt = new TableReg();
  readonly ldt = new TableReg();
  readonly tr = new TableReg();

  cr0 = CR0_ET_MASK;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  efer = 0;
  readonly dr = new Int32Array(8);

  /** Current privilege level. */
  cpl = 0;
  /** CS default size is 32-bit. */
  code32 = false;
  /** SS default size is 32-bit (ESP rather than SP). */
  ss32 = false;
  /** Soft-TLB index of ordinary data accesses in the current mode. */
  mmuIdx = MMU_PHYS_IDX;
  /** Physical address mask: bit 20 clear while the A20 gate is off. */
  a20Mask = -1;

  // Model-specific registers we model.
  tscOffset = 0;
  /**
   * Guest time spent halted (guest time = events << shift + idle time); the machine adds to it
   * when it skips ahead to the next timer. The TSC counts it too, as the PIT does.
   */
  idleNs = 0;
  /** Guest ns per instruction as a power of two (the machine's -icount shift); the TSC uses it. */
  tscShift = 3;
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;
  apicBase = 0xfee00900;
  pat = 0x0007040600070406n;
  /** IA32_MISC_ENABLE, all 64 bits (reset: fast strings, QEMU's MSR_IA32_MISC_ENABLE_DEFAULT). */
  miscEnable = 1n;
  /** IA32_BIOS_SIGN_ID: the microcode revision in the high half once CPUID ran. */
  biosSignId = 0n;
  debugCtl = 0n;
  perfCtl = 0n;
  readonly mtrrVar = new Array<bigint>(16).fill(0n);
  readonly mtrrFixed = new Array<bigint>(11).fill(0n);
  mtrrDefType = 0n;
  /** Machine-check architecture (QEMU's mcg_* and mce_banks: CTL, STATUS, ADDR, MISC per bank). */
  mcgCap = 0;
  mcgCtl = 0n;
  mcgStatus = 0n;
  readonly mceBanks = new Array<bigint>(MCE_BANKS * 4).fill(0n);

  /** The x87 FPU (QEMU's fpregs, fpstt, fptags, fpus, fpuc, fpip...), present when CPUID has `fpu`. */
  readonly x87 = new X87State();

  // ---- the CPU model (QEMU keeps it in CPUX86State too; a reset leaves it alone) ----
  /** The -cpu definition CPUID answers from. */
  def: CpuDefinition = defaultCpuDefinition();
  /**
   * The feature words as CPUID reports them and the instruction and register checks see them
   * now: the definition's, less APIC once the guest disables the local APIC (as QEMU).
   */
  readonly features = Uint32Array.from(this.def.features);
  /** MAXPHYADDR: physical-address bits a PAE entry may use; the rest are reserved. */
  physAddrBits = maxPhysAddr(this.def);

  /** Take a CPU definition (at creation): features, address width, machine-check banks (QEMU's mce_init). */
  setCpuDefinition(def: CpuDefinition): void {
    this.def = def;
    this.features.set(def.features);
    this.physAddrBits = maxPhysAddr(def);
    const f = def.features[FEAT_1_EDX]!;
    this.x87.present = (f & CPUID_FP87) !== 0;
    const family = (def.version >> 8) & 0xf;
    this.mcgCap = family >= 6 && f & CPUID_MCE && f & CPUID_MCA ? MCG_CAP_WITH_MCA : 0;
    this.mcgCtl = this.mcgCap ? 0xffffffffffffffffn : 0n;
    this.mceBanks.fill(0n);
    if (this.mcgCap) for (let b = 0; b < MCE_BANKS; b++) this.mceBanks[b * 4] = 0xffffffffffffffffn;
  }

  /** EFLAGS with the arithmetic flags computed. */
  getEflags(): number {
    return (this.eflags | computeAll(this)) >>> 0;
  }

  /** Set the bits of `mask` from `value` (arithmetic flags become eager). */
  setEflags(value: number, mask: number): void {
    const cur = this.getEflags();
    const v = ((cur & ~mask) | (value & mask)) >>> 0;
    this.ccSrc = v & CC_MASK;
    this.ccOp = CC_OP_EFLAGS;
    this.eflags = ((v & ~CC_MASK) | EFLAGS_FIXED) >>> 0;
  }

  /**
   * Here QEMU's translator ends a TB and forgets its static CC_OP (cc.ts CC_OP_DYNAMIC): the
   * flags QEMU leaves undefined after bt* then come out as QEMU's (bits.ts).
   */
  markTbEnd(): void {
    this.ccOp |= CC_OP_DYNAMIC;
  }

  getCF(): number {
    return computeCF(this);
  }

  get pe(): boolean {
    return (this.cr0 & CR0_PE_MASK) !== 0;
  }

  get vm86(): boolean {
    return (this.eflags & VM_MASK) !== 0;
  }

  get paging(): boolean {
    return (this.cr0 & CR0_PG_MASK) !== 0;
  }

  /** Recompute the data MMU index after CPL, CR0.PG or VM changes. */
  updateMmuIdx(): void {
    this.mmuIdx = !this.paging ? MMU_PHYS_IDX : this.cpl === 3 ? MMU_USER_IDX : MMU_KERNEL_IDX;
  }

  /** MMU index for implicit supervisor accesses (descriptor tables, TSS, IDT). */
  get kernelMmuIdx(): number {
    return this.paging ? MMU_KERNEL_IDX : MMU_PHYS_IDX;
  }

  /**
   * Load a segment descriptor cache (QEMU's cpu_x86_load_seg_cache) and derive the offset
   * bounds and rights used by every access through it.
   */
  loadSegCache(seg: number, selector: number, base: number, limit: number, flags: number): void {
    this.segSel[seg] = selector;
    this.segBase[seg] = base | 0;
    this.segLimit[seg] = limit >>> 0;
    this.segFlags[seg] = flags;
    this.updateSegAccess(seg);
    if (seg === R_CS) this.code32 = (flags & DESC_B_MASK) !== 0;
    else if (seg === R_SS) this.ss32 = (flags & DESC_B_MASK) !== 0;
  }

  updateSegAccess(seg: number): void {
    const flags = this.segFlags[seg]!;
    const limit = this.segLimit[seg]!;
    const realish = !this.pe || this.vm86;
    if (realish) {
      // Real and V86 mode: every segment reads and writes, within its cached limit.
      this.segReadable[seg] = 1;
      this.segWritable[seg] = 1;
      this.segLo[seg] = 0;
      this.segHi[seg] = limit;
      return;
    }
    const present = (flags & DESC_P_MASK) !== 0 && (flags & DESC_S_MASK) !== 0;
    const code = (flags & DESC_CS_MASK) !== 0;
    this.segReadable[seg] = present && (!code || (flags & DESC_R_MASK) !== 0) ? 1 : 0;
    this.segWritable[seg] = present && !code && (flags & DESC_W_MASK) !== 0 ? 1 : 0;
    if (!code && flags & DESC_E_MASK) {
      this.segLo[seg] = limit + 1;
      this.segHi[seg] = flags & DESC_B_MASK ? 0xffffffff : 0xffff;
    } else {
      this.segLo[seg] = 0;
      this.segHi[seg] = limit;
    }
  }

  /** Real-mode style segment load: base = selector << 4, limit and rights kept. */
  loadSegReal(seg: number, selector: number): void {
    selector &= 0xffff;
    this.segSel[seg] = selector;
    this.segBase[seg] = selector << 4;
    if (this.vm86) {
      // V86 loads set the whole cache: 64 KiB, present, writable, DPL 3.
      this.segLimit[seg] = 0xffff;
      this.segFlags[seg] = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK | (3 << 13) | (seg === R_CS ? DESC_CS_MASK | DESC_R_MASK : 0);
      if (seg === R_CS) this.code32 = false;
      if (seg === R_SS) this.ss32 = false;
    }
    this.updateSegAccess(seg);
  }

  /** Recompute every segment's bounds after a mode switch (PE or VM changed). */
  updateAllSegAccess(): void {
    for (let s = 0; s < 6; s++) this.updateSegAccess(s);
  }

  resetState(): void {
    this.regs.fill(0);
    this.regs[2] = this.def.version; // EDX: family, model and stepping, as QEMU sets it at reset
    this.eip = 0xfff0;
    this.eflags = EFLAGS_FIXED;
    this.ccOp = CC_OP_EFLAGS;
    this.ccSrc = 0;
    this.ccDst = 0;
    this.ccSrc2 = 0;
    this.cr0 = CR0_ET_MASK | (1 << 29) | (1 << 30); // ET, NW, CD set at reset
    this.cr2 = 0;
    this.cr3 = 0;
    this.cr4 = 0;
    this.efer = 0;
    this.dr.fill(0);
    this.dr[6] = 0xffff0ff0;
    this.dr[7] = 0x400;
    this.cpl = 0;
    const data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;
    this.loadSegCache(R_CS, 0xf000, 0xffff0000, 0xffff, DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_A_MASK);
    for (const s of [0, 2, 3, 4, 5]) this.loadSegCache(s, 0, 0, 0xffff, data);
    this.gdt.base = 0;
    this.gdt.limit = 0xffff;
    this.idt.base = 0;
    this.idt.limit = 0xffff;
    this.ldt.selector = 0;
    this.ldt.base = 0;
    this.ldt.limit = 0xffff;
    this.ldt.flags = DESC_P_MASK | (2 << 8);
    this.tr.selector = 0;
    this.tr.base = 0;
    this.tr.limit = 0xffff;
    this.tr.flags = DESC_P_MASK | (11 << 8);
    this.tscOffset = 0;
    this.sysenterCs = 0;
    this.sysenterEsp = 0;
    this.sysenterEip = 0;
    this.mcgStatus = 0n;
    this.biosSignId = microcodeRevision(this.def.isAmd);
    this.miscEnable = 1n;
    this.pat = 0x0007040600070406n;
    this.debugCtl = 0n;
    this.perfCtl = 0n;
    this.x87.reset();
    this.updateMmuIdx();
  }
}
