// X86CPU: the state plus everything an instruction needs to touch the machine: segmented
// memory accesses with limit and rights checks, the stack, implicit supervisor accesses,
// I/O ports, and raising guest exceptions. Handlers (interp/*) are written against this.

import type { InterpProfile } from './interp/interp-profile.js';
import type { AddressSpace, MemorySystem } from '../../memory/index.js';
import { SoftMMU } from '../../softmmu/ldst.js';
import { MMU_DATA_STORE } from '../../softmmu/tlb-flags.js';
import type { PluginHooks } from './plugin-hooks.js';
import { CPUX86State } from './cpu-state.js';
import {
  EXCP0C_STACK,
  EXCP0D_GPF,
  NB_MMU_MODES,
  R_CS,
  R_ESP,
  R_SS,
} from './constants.js';
import { Insn, type CodeReader } from './decoder/index.js';
import { GUEST_EXCEPTION } from './exception.js';
import { defaultCpuDefinition, type CpuDefinition } from './cpu-models.js';
import { CPU_VMSTATE } from './cpu-vmstate.js';

/** What the CPU asks of the interrupt controller (the PIC pair, or an APIC in front of it). */
export interface InterruptController {
  /** The INTR line is asserted. */
  hasInterrupt(): boolean;
  /** INTA cycle: the vector of the highest-priority pending interrupt. */
  acknowledge(): number;
}

/** Log categories of -d that the CPU writes to. */
export interface CpuLog {
  int: boolean;
  unimp: boolean;
  guestErrors: boolean;
  cpuReset: boolean;
  inAsm: boolean;
  outAsm: boolean;
  /** -d exec / -d cpu: a Trace line / the registers before each block entered. */
  exec: boolean;
  cpu: boolean;
  mmu: boolean;
  nochain: boolean;
  page: boolean;
  /** --trace-smc: one line per code invalidation. */
  traceSmc: boolean;
  /** -dfilter: is this guest (linear) address one the block logs should show? */
  inRange(addr: number): boolean;
  write(line: string): void;
}

export class X86CPU extends CPUX86State implements CodeReader {
  readonly mmu: SoftMMU;
  /** The decode record of the instruction being executed. */
  readonly insn = new Insn();
  /** Offset of the instruction after the current one (jumps overwrite it). */
  nextEip = 0;
  /** Linear address of the memory destination of a read-modify-write in progress. */
  rmwLin = 0;

  // ---- pending exception (set by raise, read by the cpu loop) ----
  excVector = 0;
  excError = 0;
  excHasError = false;
  /** Software interrupt (int n, int3, into): return address is nextEip, DPL is checked. */
  excIsInt = false;
  /** The exception being delivered, for double-fault decisions (-1: none). */
  oldException = -1;

  // ---- interrupt inputs ----
  pic: InterruptController | null = null;
  private intrLevel = false;
  private nmiLevel = false;
  /**
   * Set to 1 when translated code must leave its block at the next check: an interrupt line
   * rose, or the running block was invalidated by a write (precise SMC).
   */
  tbExit = 0;
  /** icount at which translated loops must stop (the engine's budget). */
  tbBudgetEnd = 0;
  /**
   * events at which the engine's current run() ends: a rep string instruction stops there
   * (each iteration counts as an instruction, as with QEMU's icount), so timers fire on time.
   */
  sliceEnd = 0;

  /** INTR asserted (kept in sync by the interrupt controller's output line). */
  get interruptRequest(): boolean {
    return this.intrLevel;
  }
  set interruptRequest(level: boolean) {
    // Only a rising edge can make an interrupt newly deliverable inside a block (IF changes
    // end blocks by themselves).
    if (level && !this.intrLevel) this.tbExit = 1;
    this.intrLevel = level;
  }
  get nmiPending(): boolean {
    return this.nmiLevel;
  }
  set nmiPending(pending: boolean) {
    this.nmiLevel = pending;
    if (pending) this.tbExit = 1;
  }
  /** NMIs blocked until the next iret. */
  nmiBlocked = false;
  /** One-instruction interrupt shadow after sti / mov ss / pop ss. */
  inhibitIrq = false;
  halted = false;
  /**
   * An application processor after reset or INIT: halted until a start-up IPI (QEMU's
   * wait_for_sipi). Interrupts do not wake it; the machine's scheduler skips it.
   */
  waitForSipi = false;
  /** The CPU index (QEMU's cpu_index; also its initial APIC ID). 0 is the boot processor. */
  cpuIndex = 0;
  /** -smp topology: cores per package and threads per core (CPUID's leaves 1, 4, 0xB). */
  topoCores = 1;
  topoThreads = 1;
  /**
   * Events retired by the other vCPUs (-smp): the machine sets it when this CPU is scheduled,
   * so guest time (events of every CPU, plus idle time) reads the same from any of them.
   */
  otherEvents = 0;
  /** Instructions retired since reset (guest time derives from it). */
  icount = 0;
  /**
   * Exceptions and interrupts delivered since reset. Guest time and engine budgets count them
   * too, so a guest stuck delivering faults without retiring anything still moves time on
   * (timers fire, limits trip) instead of hanging the host.
   */
  deliveries = 0;

  /** Instructions plus deliveries: what budgets and guest time are measured in. */
  get events(): number {
    return this.icount + this.deliveries;
  }

  /**
   * While a translated block runs, icount is only added at its exits: this holds how many of
   * its instructions came before the one now calling out (a handler or a slow-path access),
   * so device time and the TSC see the same count as on the interpreter. 0 between blocks.
   */
  tbInsn = 0;

  /** Instructions retired up to the current one, exact in the middle of a translated block. */
  get liveIcount(): number {
    return this.icount + this.tbInsn;
  }

  log: CpuLog | null = null;
  /** --profile: blocks count their own entries (TranslationBlock.execCount) and keep their disassembly. */
  profileBlocks = false;
  /** --profile: the interpreter counts the instructions it runs here (null otherwise). */
  interpProfile: InterpProfile | null = null;
  /** Loaded plugins' hooks (-plugin); null without plugins. */
  plugins: PluginHooks | null = null;
  /** Told when the guest writes IA32_APIC_BASE (the machine forwards it to the local APIC). */
  onApicBaseWrite: ((value: number) => void) | null = null;
  /** PAUSE (F3 90) was executed: with -smp the machine ends this CPU's turn (QEMU's helper_pause). */
  onPause: (() => void) | null = null;
  /** Called for a machine reset request (triple fault without -no-reboot, 8042/port 92 reset). */
  onShutdown: ((reason: string) => void) | null = null;

  constructor(
    readonly sys: MemorySystem,
    /** Physical memory as the CPU sees it. */
    readonly memory: AddressSpace,
    /** The I/O port space. */
    readonly io: AddressSpace,
    /** The -cpu model (QEMU's qemu32 without the features tcg86 lacks by default). */
    def: CpuDefinition = defaultCpuDefinition(),
  ) {
    super();
    this.mmu = new SoftMMU(sys, memory, NB_MMU_MODES);
    this.setCpuDefinition(def);
    this.resetState();
    sys.vmstate.register(CPU_VMSTATE, this);
  }

  reset(): void {
    this.resetState();
    if (this.log?.mmu) this.log.write(`CR0 update: CR0=0x${(this.cr0 >>> 0).toString(16).padStart(8, '0')}\n`); // as QEMU's x86_cpu_reset
    this.oldException = -1;
    this.interruptRequest = false;
    this.nmiPending = false;
    this.nmiBlocked = false;
    this.inhibitIrq = false;
    this.halted = false;
    this.waitForSipi = false;
    this.mmu.tlb.flushAll();
  }

  /**
   * A start-up IPI (QEMU's apic_sipi + cpu_x86_load_seg_cache_sipi): a processor waiting for
   * one starts in real mode at vector:0000 (CS = vector << 8, IP = 0); otherwise it is ignored.
   */
  startup(vector: number): void {
    if (!this.waitForSipi) return;
    this.waitForSipi = false;
    this.halted = false;
    this.eip = 0;
    this.loadSegCache(R_CS, (vector & 0xff) << 8, (vector & 0xff) << 12, this.segLimit[R_CS]!, this.segFlags[R_CS]!);
    this.updateAllSegAccess();
  }

  // ---- exceptions ----

  /** Abandon the current instruction with a fault (eip stays at the instruction). */
  raise(vector: number, errorCode?: number): never {
    this.excVector = vector;
    this.excError = errorCode ?? 0;
    this.excHasError = errorCode !== undefined;
    this.excIsInt = false;
    throw GUEST_EXCEPTION;
  }

  /** A software interrupt or trap: delivered with return address nextEip. */
  raiseSoftwareInt(vector: number): never {
    this.excVector = vector;
    this.excError = 0;
    this.excHasError = false;
    this.excIsInt = true;
    throw GUEST_EXCEPTION;
  }

  // ---- code fetch (the decoder's CodeReader) ----

  readCode8(eip: number): number {
    if (eip > this.segLimit[R_CS]!) this.raise(EXCP0D_GPF, 0);
    return this.mmu.ldCode8((this.segBase[R_CS]! + eip) | 0, this.mmuIdx);
  }

  // ---- segmented data accesses ----

  /** Check an access of `size` bytes at offset `off` of segment `seg`; returns the linear address. */
  linearRead(seg: number, off: number, size: number): number {
    off >>>= 0;
    if (!this.segReadable[seg] || off < this.segLo[seg]! || off + size - 1 > this.segHi[seg]!) this.segFault(seg);
    return (this.segBase[seg]! + off) | 0;
  }

  linearWrite(seg: number, off: number, size: number): number {
    off >>>= 0;
    if (!this.segWritable[seg] || off < this.segLo[seg]! || off + size - 1 > this.segHi[seg]!) this.segFault(seg);
    return (this.segBase[seg]! + off) | 0;
  }

  /** The fault of an access outside segment `seg`: #SS(0) for SS, else #GP(0). */
  segFault(seg: number): never {
    this.raise(seg === R_SS ? EXCP0C_STACK : EXCP0D_GPF, 0);
  }

  read8(seg: number, off: number): number {
    return this.mmu.ld8(this.linearRead(seg, off, 1), this.mmuIdx);
  }
  read16(seg: number, off: number): number {
    return this.mmu.ld16(this.linearRead(seg, off, 2), this.mmuIdx);
  }
  /** 32-bit read as int32. */
  read32(seg: number, off: number): number {
    return this.mmu.ld32(this.linearRead(seg, off, 4), this.mmuIdx);
  }
  write8(seg: number, off: number, v: number): void {
    this.mmu.st8(this.linearWrite(seg, off, 1), v, this.mmuIdx);
  }
  write16(seg: number, off: number, v: number): void {
    this.mmu.st16(this.linearWrite(seg, off, 2), v, this.mmuIdx);
  }
  write32(seg: number, off: number, v: number): void {
    this.mmu.st32(this.linearWrite(seg, off, 4), v, this.mmuIdx);
  }

  /**
   * Make sure `size` bytes at linear `lin` can be written in the current mode (page faults
   * raised now, for both pages of a crossing access); returns lin.
   */
  probeWrite(lin: number, size: number): number {
    this.mmu.probe(lin, MMU_DATA_STORE, this.mmuIdx);
    if (((lin ^ (lin + size - 1)) & -4096) !== 0) this.mmu.probe((lin + size - 1) & -4096, MMU_DATA_STORE, this.mmuIdx);
    return lin;
  }

  // ---- linear accesses in the current mode (after a linearRead/linearWrite check) ----

  ldLin8(lin: number): number {
    return this.mmu.ld8(lin, this.mmuIdx);
  }
  ldLin16(lin: number): number {
    return this.mmu.ld16(lin, this.mmuIdx);
  }
  ldLin32(lin: number): number {
    return this.mmu.ld32(lin, this.mmuIdx);
  }
  stLin8(lin: number, v: number): void {
    this.mmu.st8(lin, v, this.mmuIdx);
  }
  stLin16(lin: number, v: number): void {
    this.mmu.st16(lin, v, this.mmuIdx);
  }
  stLin32(lin: number, v: number): void {
    this.mmu.st32(lin, v, this.mmuIdx);
  }

  // ---- implicit supervisor accesses (descriptor tables, TSS, IDT): linear, no segment ----

  ldKernel8(lin: number): number {
    return this.mmu.ld8(lin | 0, this.kernelMmuIdx);
  }
  ldKernel16(lin: number): number {
    return this.mmu.ld16(lin | 0, this.kernelMmuIdx);
  }
  ldKernel32(lin: number): number {
    return this.mmu.ld32(lin | 0, this.kernelMmuIdx);
  }
  stKernel8(lin: number, v: number): void {
    this.mmu.st8(lin | 0, v, this.kernelMmuIdx);
  }
  stKernel16(lin: number, v: number): void {
    this.mmu.st16(lin | 0, v, this.kernelMmuIdx);
  }
  stKernel32(lin: number, v: number): void {
    this.mmu.st32(lin | 0, v, this.kernelMmuIdx);
  }

  // ---- registers ----

  getReg8(r: number): number {
    return r < 4 ? this.regs[r]! & 0xff : (this.regs[r - 4]! >> 8) & 0xff;
  }
  setReg8(r: number, v: number): void {
    if (r < 4) this.regs[r] = (this.regs[r]! & ~0xff) | (v & 0xff);
    else this.regs[r - 4] = (this.regs[r - 4]! & ~0xff00) | ((v & 0xff) << 8);
  }
  getReg16(r: number): number {
    return this.regs[r]! & 0xffff;
  }
  setReg16(r: number, v: number): void {
    this.regs[r] = (this.regs[r]! & ~0xffff) | (v & 0xffff);
  }

  // ---- the stack (SS, with ESP or SP by SS's B bit) ----

  /** Push with the current stack size; `opsize` 16 or 32 is the operand size. */
  push(v: number, opsize: number): void {
    if (opsize === 32) this.push32(v);
    else this.push16(v);
  }
  push16(v: number): void {
    const sp = this.ss32 ? (this.regs[R_ESP]! - 2) | 0 : (this.regs[R_ESP]! - 2) & 0xffff;
    this.write16(R_SS, sp, v);
    this.setSP(sp);
  }
  push32(v: number): void {
    const sp = this.ss32 ? (this.regs[R_ESP]! - 4) | 0 : (this.regs[R_ESP]! - 4) & 0xffff;
    this.write32(R_SS, sp, v);
    this.setSP(sp);
  }
  pop16(): number {
    const sp = this.ss32 ? this.regs[R_ESP]! : this.regs[R_ESP]! & 0xffff;
    const v = this.read16(R_SS, sp);
    this.setSP(sp + 2);
    return v;
  }
  pop32(): number {
    const sp = this.ss32 ? this.regs[R_ESP]! : this.regs[R_ESP]! & 0xffff;
    const v = this.read32(R_SS, sp);
    this.setSP(sp + 4);
    return v;
  }
  /** Read the stack `offset` bytes above the top without popping. */
  peek16(offset: number): number {
    return this.read16(R_SS, this.ss32 ? (this.regs[R_ESP]! + offset) | 0 : (this.regs[R_ESP]! + offset) & 0xffff);
  }
  peek32(offset: number): number {
    return this.read32(R_SS, this.ss32 ? (this.regs[R_ESP]! + offset) | 0 : (this.regs[R_ESP]! + offset) & 0xffff);
  }
  /** Set ESP, or only SP on a 16-bit stack. */
  setSP(sp: number): void {
    if (this.ss32) this.regs[R_ESP] = sp;
    else this.regs[R_ESP] = (this.regs[R_ESP]! & ~0xffff) | (sp & 0xffff);
  }
  /** Adjust the stack pointer by n bytes in the current stack size. */
  addSP(n: number): void {
    this.setSP(this.ss32 ? (this.regs[R_ESP]! + n) | 0 : (this.regs[R_ESP]! + n) & 0xffff);
  }

  // ---- I/O ports (permission checks are the caller's: see io.ts) ----

  portIn(port: number, size: number): number {
    const v = size === 1 ? this.io.ldub(port) : size === 2 ? this.io.lduw(port) : this.io.ldl(port);
    return v;
  }
  portOut(port: number, value: number, size: number): void {
    if (size === 1) this.io.stb(port, value & 0xff);
    else if (size === 2) this.io.stw(port, value & 0xffff);
    else this.io.stl(port, value >>> 0);
  }
}
