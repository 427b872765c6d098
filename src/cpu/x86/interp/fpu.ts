// The x87 escapes (D8-DF) and wait/fwait. CR0.EM or CR0.TS gives #NM first (SDM 2.5). With
// the FPU attached (cpu.x87.present) every form runs as QEMU 7.2's translate.c dispatches it
// (register forms by ModRM, memory forms by ModRM.reg), with FCS:FIP and FDS:FDP recorded
// after the instruction completes, except for the control instructions QEMU exempts. Without
// it the escapes complete with no effect, as on a 386 with no 387: fninit changes nothing and
// fnstsw/fnstcw leave their destination as it was, which is what FPU-detection code looks
// for; each such escape is reported under -d unimp.

import { checkFpuAvailable } from '../control-regs.js';
import { CR0_NE_MASK, EXCP06_ILLOP, EXCP10_COPR, R_CS } from '../constants.js';
import { CPUID_CMOV, FEAT_1_EDX } from '../cpu-models.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { CC_C, CC_P, CC_Z } from '../flags.js';
import {
  OUT64,
  arithSt0Ft0,
  arithStnSt0,
  fabs,
  fbldValue,
  fbstBytes,
  fchs,
  fcom,
  fcomi,
  fistInt16,
  fistInt32,
  fprem,
  frndint,
  fscale,
  fsqrt,
  fstFloat32,
  ft0FromSt,
  ftst,
  fxam,
  fxch,
  fxtract,
  loadConstant,
  loadFloat32,
  loadFloat64,
  loadInt32,
  loadInt64,
  loadIntFt0,
  storeFloat64,
  storeInt64,
} from '../fpu/x87-ops.js';
import { FPUS_SE, SLOT_FT0, SLOT_TMP, type X87State } from '../fpu/x87-state.js';
import { f2xm1, fcos, fpatan, fptan, fsin, fsincos, fyl2x, fyl2xp1 } from '../fpu/x87-transcendental.js';
import { defineHandler } from './handlers.js';
import { ea } from './operands.js';

/** helper_fwait: a pending unmasked exception is #MF with CR0.NE, else FERR# (IRQ 13) unless IGNNE#. */
export function fpuCheckPending(cpu: X86CPU): void {
  const x = cpu.x87;
  if (!(x.fpus & FPUS_SE)) return;
  if (cpu.cr0 & CR0_NE_MASK) cpu.raise(EXCP10_COPR);
  if (!x.ignne) x.ferr?.(true);
}

defineHandler('fpu_esc', (cpu, i) => {
  checkFpuAvailable(cpu, false);
  if (!cpu.x87.present) {
    if (cpu.log?.unimp) {
      const modrm = (i.mod << 6) | (i.reg << 3) | i.rm;
      cpu.log.write(
        `x87 ${i.opcode.toString(16)} ${modrm.toString(16).padStart(2, '0')} at ` +
          `${cpu.segSel[R_CS]!.toString(16).padStart(4, '0')}:${i.eip.toString(16)}: no coprocessor, no effect\n`,
      );
    }
    return;
  }
  const op = ((i.opcode & 7) << 3) | i.reg;
  const updateFip = i.isMem ? memOp(cpu, i, op) : regOp(cpu, i, op);
  if (updateFip) {
    cpu.x87.fpcs = cpu.segSel[R_CS]!;
    cpu.x87.fpip = i.eip;
  }
});

// fwait: #NM only when both MP and TS are set; then any pending x87 exception is delivered.
defineHandler('fwait', (cpu) => {
  checkFpuAvailable(cpu, true);
  if (cpu.x87.present) fpuCheckPending(cpu);
});

// ---- memory operands (all accesses checked before the FPU state changes) ----

/** Read 8 bytes into RD64 (low, high): both halves are read before anything changes. */
const RD64 = new Int32Array(2);
function rd64(cpu: X86CPU, seg: number, off: number): void {
  const lin = cpu.linearRead(seg, off, 8);
  RD64[0] = cpu.ldLin32(lin);
  RD64[1] = cpu.ldLin32((lin + 4) | 0);
}
/** Read a floatx80 at a linear address into slot `dst`. */
function ld80(cpu: X86CPU, x: X87State, lin: number, dst: number): void {
  const lo = cpu.ldLin32(lin);
  const hi = cpu.ldLin32((lin + 4) | 0);
  x.se[dst] = cpu.ldLin16((lin + 8) | 0);
  x.hi[dst] = hi;
  x.lo[dst] = lo;
}
/** Check a store of `size` bytes (segment and pages) and return its linear address. */
function wrCheck(cpu: X86CPU, seg: number, off: number, size: number): number {
  return cpu.probeWrite(cpu.linearWrite(seg, off, size), size);
}
/** Store OUT64 (low, high). */
function st64(cpu: X86CPU, lin: number): void {
  cpu.stLin32(lin, OUT64[0]! | 0);
  cpu.stLin32((lin + 4) | 0, OUT64[1]! | 0);
}
/** Store slot `src` as a floatx80. */
function st80(cpu: X86CPU, x: X87State, lin: number, src: number): void {
  cpu.stLin32(lin, x.lo[src]! | 0);
  cpu.stLin32((lin + 4) | 0, x.hi[src]! | 0);
  cpu.stLin16((lin + 8) | 0, x.se[src]!);
}

/** Returns whether FIP is recorded; FDP is recorded here for the forms QEMU records it for. */
function memOp(cpu: X86CPU, i: Insn, op: number): boolean {
  const x = cpu.x87;
  const seg = i.seg;
  const off = ea(cpu, i);
  const low = op & 7;
  const group = op >> 3;
  if (group === 0 || group === 2 || group === 4 || group === 6) {
    // D8/DA/DC/DE: arithmetic with m32real, m32int, m64real, m16int.
    if (group === 0) loadFloat32(x, SLOT_FT0, cpu.read32(seg, off));
    else if (group === 2) loadIntFt0(x, cpu.read32(seg, off));
    else if (group === 4) {
      rd64(cpu, seg, off);
      loadFloat64(x, SLOT_FT0, RD64[0]!, RD64[1]!);
    } else loadIntFt0(x, (cpu.read16(seg, off) << 16) >> 16);
    arithSt0Ft0(x, low);
    if (low === 3) x.pop();
  } else {
    const sub = op >> 4; // 0: D9 (m32real), 1: DB (m32int), 2: DD (m64real), 3: DF (m16int)
    switch (op) {
      // Loads convert into the register below TOP, then push (QEMU's flds_ST0 family).
      case 0x08:
        loadFloat32(x, (x.top - 1) & 7, cpu.read32(seg, off));
        x.push();
        break;
      case 0x18:
        loadInt32(x, (x.top - 1) & 7, cpu.read32(seg, off));
        x.push();
        break;
      case 0x28:
        rd64(cpu, seg, off);
        loadFloat64(x, (x.top - 1) & 7, RD64[0]!, RD64[1]!);
        x.push();
        break;
      case 0x38:
        loadInt32(x, (x.top - 1) & 7, (cpu.read16(seg, off) << 16) >> 16);
        x.push();
        break;
      case 0x19:
      case 0x1a:
      case 0x1b: {
        const lin = wrCheck(cpu, seg, off, 4);
        cpu.stLin32(lin, fistInt32(x, op === 0x19));
        if (op !== 0x1a) x.pop();
        break;
      }
      case 0x29: {
        const lin = wrCheck(cpu, seg, off, 8);
        storeInt64(x, true);
        st64(cpu, lin);
        x.pop();
        break;
      }
      case 0x39:
      case 0x3a:
      case 0x3b: {
        const lin = wrCheck(cpu, seg, off, 2);
        cpu.stLin16(lin, fistInt16(x, op === 0x39));
        if (op !== 0x3a) x.pop();
        break;
      }
      case 0x0a:
      case 0x0b: {
        const lin = wrCheck(cpu, seg, off, 4);
        cpu.stLin32(lin, fstFloat32(x));
        if (op === 0x0b) x.pop();
        break;
      }
      case 0x2a:
      case 0x2b: {
        const lin = wrCheck(cpu, seg, off, 8);
        storeFloat64(x);
        st64(cpu, lin);
        if (op === 0x2b) x.pop();
        break;
      }
      case 0x0c:
        fldenv(cpu, seg, off, i.opsize === 32);
        return false;
      case 0x0d:
        x.setFpuc(cpu.read16(seg, off));
        return false;
      case 0x0e:
        fstenv(cpu, wrCheck(cpu, seg, off, i.opsize === 32 ? 28 : 14), i.opsize === 32);
        return false;
      case 0x0f:
        cpu.stLin16(wrCheck(cpu, seg, off, 2), x.fpuc);
        return false;
      case 0x1d:
        ld80(cpu, x, cpu.linearRead(seg, off, 10), (x.top - 1) & 7);
        x.push();
        break;
      case 0x1f:
        st80(cpu, x, wrCheck(cpu, seg, off, 10), x.phys(0));
        x.pop();
        break;
      case 0x2c:
        frstor(cpu, seg, off, i.opsize === 32);
        return false;
      case 0x2e: {
        const size = i.opsize === 32 ? 108 : 94;
        fsave(cpu, wrCheck(cpu, seg, off, size), i.opsize === 32);
        return false;
      }
      case 0x2f:
        cpu.stLin16(wrCheck(cpu, seg, off, 2), x.fsw);
        return false;
      case 0x3c: {
        const lin = cpu.linearRead(seg, off, 10);
        const bytes = new Uint8Array(10);
        for (let k = 0; k < 10; k++) bytes[k] = cpu.ldLin8((lin + k) | 0);
        const v = fbldValue(x, bytes);
        x.push();
        x.setSt(0, v);
        break;
      }
      case 0x3d:
        rd64(cpu, seg, off);
        loadInt64(x, (x.top - 1) & 7, RD64[0]!, RD64[1]!);
        x.push();
        break;
      case 0x3e: {
        // QEMU writes the sign byte (the last) first, then from the start: where the SDM is
        // silent its order decides which page faults first (CR2).
        const lin = cpu.linearWrite(seg, off, 10);
        cpu.probeWrite((lin + 9) | 0, 1);
        cpu.probeWrite(lin, 10);
        const bytes = fbstBytes(x);
        for (let k = 0; k < 10; k++) cpu.stLin8((lin + k) | 0, bytes[k]!);
        x.pop();
        break;
      }
      case 0x3f: {
        const lin = wrCheck(cpu, seg, off, 8);
        storeInt64(x, false);
        st64(cpu, lin);
        x.pop();
        break;
      }
      default:
        void sub;
        cpu.raise(EXCP06_ILLOP); // D9 /1, DB /4, DB /6, DD /5
    }
  }
  x.fpds = cpu.segSel[seg]!;
  x.fpdp = off;
  return true;
}

/** fnstenv/fnsave's environment: 32-bit or 16-bit layout (QEMU uses the protected-mode one in every mode). */
function fstenv(cpu: X86CPU, lin: number, data32: boolean): void {
  const x = cpu.x87;
  const words = [x.fpuc, x.fsw, x.fullTagWord, x.fpip, x.fpcs, x.fpdp, x.fpds];
  for (let k = 0; k < 7; k++) {
    if (data32) cpu.stLin32((lin + k * 4) | 0, words[k]! | 0);
    else cpu.stLin16((lin + k * 2) | 0, words[k]! & 0xffff);
  }
}

/** fldenv: control word, status word (TOP, B), tags (empty or not); the pointers are not loaded. */
function fldenv(cpu: X86CPU, seg: number, off: number, data32: boolean): void {
  const lin = cpu.linearRead(seg, off, data32 ? 28 : 14);
  loadEnv(cpu, lin, data32);
}
function loadEnv(cpu: X86CPU, lin: number, data32: boolean): void {
  const x = cpu.x87;
  const step = data32 ? 4 : 2;
  const fpuc = cpu.ldLin16(lin);
  const fpus = cpu.ldLin16((lin + step) | 0);
  let tag = cpu.ldLin16((lin + 2 * step) | 0);
  x.setFpuc(fpuc);
  x.setFpus(fpus);
  for (let k = 0; k < 8; k++) {
    x.tags[k] = (tag & 3) === 3 ? 1 : 0;
    tag >>= 2;
  }
}

function fsave(cpu: X86CPU, lin: number, data32: boolean): void {
  const x = cpu.x87;
  fstenv(cpu, lin, data32);
  const base = lin + (data32 ? 28 : 14);
  for (let k = 0; k < 8; k++) st80(cpu, x, (base + k * 10) | 0, x.phys(k));
  x.fninit();
}

function frstor(cpu: X86CPU, seg: number, off: number, data32: boolean): void {
  const x = cpu.x87;
  const envSize = data32 ? 28 : 14;
  const lin = cpu.linearRead(seg, off, envSize + 80);
  // Read everything first (into the scratch slot's worth of locals): a fault leaves the FPU as it was.
  const words = new Int32Array(24);
  for (let k = 0; k < 8; k++) {
    const a = (lin + envSize + k * 10) | 0;
    words[k * 3] = cpu.ldLin32(a);
    words[k * 3 + 1] = cpu.ldLin32((a + 4) | 0);
    words[k * 3 + 2] = cpu.ldLin16((a + 8) | 0);
  }
  loadEnv(cpu, lin, data32);
  for (let k = 0; k < 8; k++) {
    const p = x.phys(k);
    x.lo[p] = words[k * 3]!;
    x.hi[p] = words[k * 3 + 1]!;
    x.se[p] = words[k * 3 + 2]!;
  }
}

// ---- register forms ----

function regOp(cpu: X86CPU, i: Insn, op: number): boolean {
  const x = cpu.x87;
  const rm = i.rm;
  switch (op) {
    case 0x00:
    case 0x01:
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x07:
      ft0FromSt(x, rm);
      arithSt0Ft0(x, op & 7);
      return true;
    case 0x20:
    case 0x21:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x27:
      arithStnSt0(x, op & 7, rm);
      return true;
    case 0x30:
    case 0x31:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
      arithStnSt0(x, op & 7, rm);
      x.pop();
      return true;
    case 0x02:
    case 0x22:
      ft0FromSt(x, rm);
      fcom(x, false);
      return true;
    case 0x03:
    case 0x23:
    case 0x32:
      ft0FromSt(x, rm);
      fcom(x, false);
      x.pop();
      return true;
    case 0x08: // fld st(i)
      x.copy((x.top - 1) & 7, x.phys(rm));
      x.push();
      return true;
    case 0x09:
    case 0x29:
    case 0x39:
      fxch(x, rm);
      return true;
    case 0x0a:
      if (rm !== 0) break;
      fpuCheckPending(cpu); // fnop checks for pending exceptions, as QEMU does
      return false;
    case 0x0c:
      if (rm === 0) fchs(x);
      else if (rm === 1) fabs(x);
      else if (rm === 4) ftst(x);
      else if (rm === 5) fxam(x);
      else break;
      return true;
    case 0x0d:
      if (rm === 7) break;
      {
        loadConstant(x, (x.top - 1) & 7, rm);
        x.push();
      }
      return true;
    case 0x0e:
      if (rm === 0) f2xm1(x);
      else if (rm === 1) fyl2x(x);
      else if (rm === 2) fptan(x);
      else if (rm === 3) fpatan(x);
      else if (rm === 4) fxtract(x);
      else if (rm === 5) fprem(x, false);
      else if (rm === 6) fdecstp(x);
      else fincstp(x);
      return true;
    case 0x0f:
      if (rm === 0) fprem(x, true);
      else if (rm === 1) fyl2xp1(x);
      else if (rm === 2) fsqrt(x);
      else if (rm === 3) fsincos(x);
      else if (rm === 4) frndint(x);
      else if (rm === 5) fscale(x);
      else if (rm === 6) fsin(x);
      else fcos(x);
      return true;
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13:
    case 0x18:
    case 0x19:
    case 0x1a:
    case 0x1b: {
      if (!(cpu.features[FEAT_1_EDX]! & CPUID_CMOV)) break;
      const fl = cpu.getEflags();
      const c = op & 3;
      let cond = c === 0 ? fl & CC_C : c === 1 ? fl & CC_Z : c === 2 ? fl & (CC_C | CC_Z) : fl & CC_P;
      if (op & 8) cond = cond ? 0 : 1;
      if (cond) x.copy(x.phys(0), x.phys(rm));
      return true;
    }
    case 0x15:
      if (rm !== 1) break;
      ft0FromSt(x, 1);
      fcom(x, true);
      x.pop();
      x.pop();
      return true;
    case 0x1c:
      if (rm === 2) x.fpus &= 0x7f00;
      else if (rm === 3) x.fninit();
      else if (rm > 4) break;
      // feni, fdisi, fsetpm: 8087/287 controls, no operation on a 387 and later.
      return rm !== 2 && rm !== 3;
    case 0x1d:
    case 0x1e:
    case 0x3d:
    case 0x3e: {
      if (!(cpu.features[FEAT_1_EDX]! & CPUID_CMOV)) break;
      ft0FromSt(x, rm);
      const img = fcomi(x, (op & 7) === 5);
      cpu.setEflags(img, CC_Z | CC_P | CC_C);
      if (op >= 0x38) x.pop();
      return true;
    }
    case 0x28:
      x.tags[(x.top + rm) & 7] = 1;
      return true;
    case 0x38: // ffreep
      x.tags[(x.top + rm) & 7] = 1;
      x.pop();
      return true;
    case 0x2a:
      x.copy(x.phys(rm), x.phys(0));
      return true;
    case 0x0b:
    case 0x2b:
    case 0x3a:
    case 0x3b:
      x.copy(x.phys(rm), x.phys(0));
      x.pop();
      return true;
    case 0x2c:
    case 0x2d:
      ft0FromSt(x, rm);
      fcom(x, true);
      if (op === 0x2d) x.pop();
      return true;
    case 0x33:
      if (rm !== 1) break;
      ft0FromSt(x, 1);
      fcom(x, false);
      x.pop();
      x.pop();
      return true;
    case 0x3c:
      if (rm !== 0) break;
      cpu.setReg16(0, x.fsw);
      return true;
  }
  cpu.raise(EXCP06_ILLOP);
}

function fdecstp(x: X86CPU['x87']): void {
  x.top = (x.top - 1) & 7;
  x.fpus &= ~0x4700;
}
function fincstp(x: X86CPU['x87']): void {
  x.top = (x.top + 1) & 7;
  x.fpus &= ~0x4700;
}
