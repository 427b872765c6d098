// The x87 register file as QEMU 7.2 keeps it (CPUX86State fpregs/fpstt/fptags/fpus/fpuc and
// the last-instruction pointers), with the status-word bookkeeping QEMU's fpu_helper.c does:
// exception flags merged after an operation, SE/B when one is unmasked, the tag word built from
// the register contents for fnstenv/fnsave. Registers live in typed arrays (sign+exponent and
// the two significand halves) so the fast softfloat (fx80-*.ts) works on them in place.

import { EXP_MAX, F80_ZERO, FloatStatus, RC_NEAREST, f80, type F80 } from './floatx80.js';
import { setSlotF80, slotF80 } from './fx80-arith.js';

/** Slots of the register arrays past the eight registers: QEMU's FT0, and a scratch slot. */
export const SLOT_FT0 = 8;
export const SLOT_TMP = 9;

export const FPUS_IE = 0x01;
export const FPUS_DE = 0x02;
export const FPUS_ZE = 0x04;
export const FPUS_OE = 0x08;
export const FPUS_UE = 0x10;
export const FPUS_PE = 0x20;
export const FPUS_SF = 0x40;
export const FPUS_SE = 0x80;
export const FPUS_B = 0x8000;
export const FPUS_C0 = 0x0100;
export const FPUS_C1 = 0x0200;
export const FPUS_C2 = 0x0400;
export const FPUS_C3 = 0x4000;
/** The six exception masks of the control word. */
export const FPUC_EM = 0x3f;

export class X87State {
  /**
   * The FPU is attached: escapes run on it. Off, they complete with no effect (a 386 without a
   * 387), which is the machine's default until CPUID reports the FPU.
   */
  present = false;
  /** Sign+exponent of physical registers R0-R7, then FT0 and a scratch slot (SLOT_FT0, SLOT_TMP). */
  readonly se = new Uint16Array(10);
  /** Significand bits 63-32 of each slot (int32: read with >>> 0 for the unsigned value). */
  readonly hi = new Int32Array(10);
  /** Significand bits 31-0 of each slot. */
  readonly lo = new Int32Array(10);
  /**
   * R0-R7 as F80 values (reading allocates; assigning an element stores it): for migration,
   * dumps and the BigInt paths, not for hot code.
   */
  readonly regs: F80[] = new Proxy(new Array<F80>(8).fill(F80_ZERO), {
    get: (t, k, recv) => (typeof k === 'string' && k.length === 1 && k >= '0' && k <= '7' ? slotF80(this, +k) : Reflect.get(t, k, recv)),
    set: (t, k, v: F80, recv) => {
      if (typeof k === 'string' && k.length === 1 && k >= '0' && k <= '7') {
        setSlotF80(this, +k, v);
        return true;
      }
      return Reflect.set(t, k, v, recv);
    },
  });
  /** TOP: physical register of ST(0). */
  top = 0;
  /** 1 = empty, per physical register (QEMU's fptags; the valid/zero/special split is derived). */
  readonly tags = new Uint8Array(8).fill(1);
  /** Status word without TOP (bits 13-11 are kept in `top`). */
  fpus = 0;
  fpuc = 0x37f;
  /** FCS:FIP and FDS:FDP as QEMU records them (offsets, selectors); the opcode is not kept. */
  fpip = 0;
  fpcs = 0;
  fpdp = 0;
  fpds = 0;
  /** QEMU's FT0 (slot SLOT_FT0): the memory or ST(i) operand of the current two-operand instruction. */
  get ft0(): F80 {
    return slotF80(this, SLOT_FT0);
  }
  set ft0(v: F80) {
    setSlotF80(this, SLOT_FT0, v);
  }
  /** softfloat state derived from the control word (QEMU's fp_status). */
  readonly status = new FloatStatus();
  /** IGNNE# asserted by a write to port F0 (QEMU's HF2_IGNNE): FERR# no longer raises IRQ 13. */
  ignne = false;
  /** FERR# wired to IRQ 13 of the PIC by the board (raise = true, lower = false). */
  ferr: ((level: boolean) => void) | null = null;

  constructor() {
    this.reset();
  }

  /** The state after a CPU reset (QEMU's x86_cpu_reset): fninit's, registers cleared. */
  reset(): void {
    this.se.fill(0);
    this.hi.fill(0);
    this.lo.fill(0);
    this.fninit();
    this.ignne = false;
  }

  fninit(): void {
    this.fpus = 0;
    this.top = 0;
    this.fpcs = 0;
    this.fpds = 0;
    this.fpip = 0;
    this.fpdp = 0;
    this.setFpuc(0x37f);
    this.tags.fill(1);
  }

  /** cpu_set_fpuc: the control word, and the rounding mode and precision it selects. */
  setFpuc(v: number): void {
    this.fpuc = v & 0xffff;
    this.status.rounding = (v >> 10) & 3;
    const pc = (v >> 8) & 3;
    this.status.precision = pc === 0 ? 24 : pc === 2 ? 53 : 64;
  }

  /** cpu_set_fpus: TOP from bits 13-11, B follows SE; clearing SE deasserts FERR# (IGNNE off). */
  setFpus(v: number): void {
    this.top = (v >> 11) & 7;
    this.fpus = v & ~0x3800 & ~FPUS_B & 0xffff;
    if (this.fpus & FPUS_SE) this.fpus |= FPUS_B;
    else this.ignne = false;
  }

  /** fnstsw: the status word with TOP. */
  get fsw(): number {
    return (this.fpus & ~0x3800) | ((this.top & 7) << 11);
  }

  /** The physical register (slot) of ST(i). */
  phys(i: number): number {
    return (this.top + i) & 7;
  }
  /** ST(i) as an F80 (allocates: cold paths). */
  st(i: number): F80 {
    return slotF80(this, (this.top + i) & 7);
  }
  setSt(i: number, v: F80): void {
    setSlotF80(this, (this.top + i) & 7, v);
  }
  /** Copy slot `src` to slot `dst`. */
  copy(dst: number, src: number): void {
    this.se[dst] = this.se[src]!;
    this.hi[dst] = this.hi[src]!;
    this.lo[dst] = this.lo[src]!;
  }

  push(): void {
    this.top = (this.top - 1) & 7;
    this.tags[this.top] = 0;
  }
  pop(): void {
    this.tags[this.top] = 1;
    this.top = (this.top + 1) & 7;
  }

  /** fpu_set_exception: record flags; SE and B when any recorded exception is unmasked. */
  setException(mask: number): void {
    this.fpus |= mask;
    if (this.fpus & ~this.fpuc & FPUC_EM) this.fpus |= FPUS_SE | FPUS_B;
  }

  /** Start an operation whose softfloat flags are reported (save_exception_flags). */
  begin(): void {
    this.status.flags = 0;
  }
  /** merge_exception_flags: report the flags the operation raised. */
  merge(): void {
    this.setException(this.status.flags);
  }

  /** The full tag word (2 bits per register) as fnstenv/fnsave store it. */
  get fullTagWord(): number {
    let tw = 0;
    for (let i = 7; i >= 0; i--) {
      tw <<= 2;
      if (this.tags[i]) tw |= 3;
      else {
        const exp = this.se[i]! & 0x7fff;
        if (exp === 0 && (this.hi[i]! | this.lo[i]!) === 0) tw |= 1;
        else if (exp === 0 || exp === EXP_MAX || this.hi[i]! >= 0) tw |= 2;
      }
    }
    return tw;
  }

  /** The abridged tag byte of fxsave and `info registers` (bit set = valid). */
  get abridgedTag(): number {
    let t = 0;
    for (let i = 0; i < 8; i++) if (!this.tags[i]) t |= 1 << i;
    return t;
  }
}

export { RC_NEAREST, f80 };
