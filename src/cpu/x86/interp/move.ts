// Data movement without segment/control registers: mov forms, movzx/movsx, lea, xchg, xlat,
// cbw/cwde/cwd/cdq, lahf/sahf, flag bit ops (cmc clc stc cld std salc), nop, and the 486/586
// exchanges cmpxchg, xadd, cmpxchg8b. LOCK needs nothing: one CPU, one instruction at a time.

import { EXCP06_ILLOP, R_EAX, R_EBX, R_ECX, R_EDX } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { CPUID_CX8, FEAT_1_EDX } from '../cpu-models.js';
import type { Insn } from '../decoder/index.js';
import { CC_A, CC_C, CC_P, CC_S, CC_Z, DF_MASK } from '../flags.js';
import { aluOp } from './alu.js';
import { defineHandler } from './handlers.js';
import {
  ea,
  readE16,
  readE32,
  readE8,
  readEv,
  rmwRead16,
  rmwRead32,
  rmwRead8,
  rmwWrite16,
  rmwWrite32,
  rmwWrite8,
  writeE8,
  writeEv,
  writeGv,
} from './operands.js';

// ---- mov ----

defineHandler('mov_Eb_Gb', (cpu, i) => writeE8(cpu, i, cpu.getReg8(i.reg)));
defineHandler('mov_Ev_Gv', (cpu, i) => writeEv(cpu, i, cpu.regs[i.reg]!));
defineHandler('mov_Gb_Eb', (cpu, i) => cpu.setReg8(i.reg, readE8(cpu, i)));
defineHandler('mov_Gv_Ev', (cpu, i) => writeGv(cpu, i, readEv(cpu, i)));
// moffs forms: the decoder made them memory operands (disp only) with the segment in i.seg.
defineHandler('mov_AL_Ob', (cpu, i) => cpu.setReg8(0, readE8(cpu, i)));
defineHandler('mov_eAX_Ov', (cpu, i) => {
  if (i.opsize === 32) cpu.regs[R_EAX] = readE32(cpu, i);
  else cpu.setReg16(R_EAX, readE16(cpu, i));
});
defineHandler('mov_Ob_AL', (cpu, i) => writeE8(cpu, i, cpu.regs[R_EAX]!));
defineHandler('mov_Ov_eAX', (cpu, i) => writeEv(cpu, i, cpu.regs[R_EAX]!));
defineHandler('mov_Zb_Ib', (cpu, i) => cpu.setReg8(i.reg, i.imm));
defineHandler('mov_Zv_Iv', (cpu, i) => writeGv(cpu, i, i.imm));
defineHandler('mov_Eb_Ib', (cpu, i) => writeE8(cpu, i, i.imm));
defineHandler('mov_Ev_Iz', (cpu, i) => writeEv(cpu, i, i.imm));

defineHandler('movzx_Gv_Eb', (cpu, i) => writeGv(cpu, i, readE8(cpu, i)));
defineHandler('movzx_Gv_Ew', (cpu, i) => writeGv(cpu, i, readE16(cpu, i)));
defineHandler('movsx_Gv_Eb', (cpu, i) => writeGv(cpu, i, (readE8(cpu, i) << 24) >> 24));
defineHandler('movsx_Gv_Ew', (cpu, i) => writeGv(cpu, i, (readE16(cpu, i) << 16) >> 16));

// lea: the offset wrapped to the address size, then truncated to the operand size.
defineHandler('lea_Gv_M', (cpu, i) => writeGv(cpu, i, ea(cpu, i)));

// ---- xchg: the memory operand is checked for writing before either side changes ----

defineHandler('xchg_Eb_Gb', (cpu, i) => {
  const e = rmwRead8(cpu, i);
  rmwWrite8(cpu, i, cpu.getReg8(i.reg));
  cpu.setReg8(i.reg, e);
});
defineHandler('xchg_Ev_Gv', (cpu, i) => {
  if (i.opsize === 32) {
    const e = rmwRead32(cpu, i);
    rmwWrite32(cpu, i, cpu.regs[i.reg]!);
    cpu.regs[i.reg] = e;
  } else {
    const e = rmwRead16(cpu, i);
    rmwWrite16(cpu, i, cpu.regs[i.reg]!);
    cpu.setReg16(i.reg, e);
  }
});
defineHandler('xchg_Zv_eAX', (cpu, i) => {
  const a = cpu.regs[R_EAX]!;
  if (i.opsize === 32) {
    cpu.regs[R_EAX] = cpu.regs[i.reg]!;
    cpu.regs[i.reg] = a;
  } else {
    cpu.setReg16(R_EAX, cpu.regs[i.reg]!);
    cpu.setReg16(i.reg, a);
  }
});

// 90: nothing to do. F3 90 = pause: with -smp the CPU gives up its turn, as QEMU's
// helper_pause does (the translator calls this handler for it: rep-prefixed ops are not inline).
defineHandler('nop', (cpu, i) => {
  if (i.rep === 1 && cpu.onPause !== null) cpu.onPause();
});
// Multi-byte NOP / hint NOPs and prefetches: the memory operand is never accessed (no fault).
defineHandler('nop_Ev', () => {});
defineHandler('prefetch_M', () => {});

// xlat: AL = [seg:(E)BX + AL], the sum wrapped to the address size.
defineHandler('xlat', (cpu, i) => {
  const off = cpu.regs[R_EBX]! + (cpu.regs[R_EAX]! & 0xff);
  cpu.setReg8(0, cpu.read8(i.seg, i.adsize === 32 ? off >>> 0 : off & 0xffff));
});

// ---- sign extension of the accumulator ----

defineHandler('cbw', (cpu, i) => {
  if (i.opsize === 32) cpu.regs[R_EAX] = (cpu.regs[R_EAX]! << 16) >> 16; // cwde
  else cpu.setReg16(R_EAX, (cpu.regs[R_EAX]! << 24) >> 24);
});
defineHandler('cwd', (cpu, i) => {
  if (i.opsize === 32) cpu.regs[R_EDX] = cpu.regs[R_EAX]! >> 31; // cdq
  else cpu.setReg16(R_EDX, (cpu.regs[R_EAX]! << 16) >> 31);
});

// ---- flags ----

const SAHF_MASK = CC_S | CC_Z | CC_A | CC_P | CC_C;

// lahf: AH = SF ZF 0 AF 0 PF 1 CF.
// QEMU's lahf computes EFLAGS into its CC_OP (a later bt* in the TB sees CC_OP_EFLAGS).
defineHandler('lahf', (cpu) => {
  cpu.setEflags(cpu.getEflags(), 0);
  cpu.setReg8(4, (cpu.getEflags() & SAHF_MASK) | 2);
});
defineHandler('sahf', (cpu) => cpu.setEflags(cpu.regs[R_EAX]! >> 8, SAHF_MASK));
defineHandler('cmc', (cpu) => cpu.setEflags(cpu.getEflags() ^ CC_C, CC_C));
defineHandler('clc', (cpu) => cpu.setEflags(0, CC_C));
defineHandler('stc', (cpu) => cpu.setEflags(CC_C, CC_C));
defineHandler('cld', (cpu) => {
  cpu.eflags &= ~DF_MASK;
});
defineHandler('std', (cpu) => {
  cpu.eflags |= DF_MASK;
});
// salc (undocumented): AL = CF ? FF : 00, flags unchanged.
defineHandler('salc', (cpu) => cpu.setReg8(0, cpu.getCF() ? 0xff : 0));

// ---- cmpxchg: flags of cmp accumulator, dest; the destination is written either way ----

defineHandler('cmpxchg_Eb_Gb', (cpu, i) => {
  const d = rmwRead8(cpu, i);
  const a = cpu.regs[R_EAX]! & 0xff;
  aluOp(cpu, 7, a, d, 0);
  if (a === d) rmwWrite8(cpu, i, cpu.getReg8(i.reg));
  else {
    rmwWrite8(cpu, i, d);
    cpu.setReg8(0, d);
  }
});
defineHandler('cmpxchg_Ev_Gv', (cpu, i) => {
  if (i.opsize === 32) {
    const d = rmwRead32(cpu, i);
    const a = cpu.regs[R_EAX]!;
    aluOp(cpu, 7, a, d, 2);
    if (a === d) rmwWrite32(cpu, i, cpu.regs[i.reg]!);
    else {
      rmwWrite32(cpu, i, d);
      cpu.regs[R_EAX] = d;
    }
  } else {
    const d = rmwRead16(cpu, i);
    const a = cpu.regs[R_EAX]! & 0xffff;
    aluOp(cpu, 7, a, d, 1);
    if (a === d) rmwWrite16(cpu, i, cpu.regs[i.reg]!);
    else {
      rmwWrite16(cpu, i, d);
      cpu.setReg16(R_EAX, d);
    }
  }
});

// ---- xadd: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (so xadd r, r leaves the sum) ----

defineHandler('xadd_Eb_Gb', (cpu, i) => {
  const d = rmwRead8(cpu, i);
  const sum = aluOp(cpu, 0, d, cpu.getReg8(i.reg), 0);
  cpu.setReg8(i.reg, d);
  rmwWrite8(cpu, i, sum);
});
defineHandler('xadd_Ev_Gv', (cpu, i) => {
  if (i.opsize === 32) {
    const d = rmwRead32(cpu, i);
    const sum = aluOp(cpu, 0, d, cpu.regs[i.reg]!, 2);
    cpu.regs[i.reg] = d;
    rmwWrite32(cpu, i, sum);
  } else {
    const d = rmwRead16(cpu, i);
    const sum = aluOp(cpu, 0, d, cpu.regs[i.reg]! & 0xffff, 1);
    cpu.setReg16(i.reg, d);
    rmwWrite16(cpu, i, sum);
  }
});

// ---- cmpxchg8b m64: compare EDX:EAX; equal -> store ECX:EBX, ZF=1; else load EDX:EAX, ZF=0.
// Only ZF changes (QEMU's helper_cmpxchg8b); the memory is written back in both cases.

function cmpxchg8b(cpu: X86CPU, i: Insn): void {
  // #UD on a model without CX8, before any access (QEMU checks the CPUID bit when translating).
  if (!(cpu.features[FEAT_1_EDX]! & CPUID_CX8)) cpu.raise(EXCP06_ILLOP);
  const lin = cpu.linearWrite(i.seg, ea(cpu, i), 8);
  const lo = cpu.ldLin32(lin);
  const hi = cpu.ldLin32((lin + 4) | 0);
  const fl = cpu.getEflags();
  if (lo === cpu.regs[R_EAX] && hi === cpu.regs[R_EDX]) {
    cpu.stLin32(lin, cpu.regs[R_EBX]!);
    cpu.stLin32((lin + 4) | 0, cpu.regs[R_ECX]!);
    cpu.setEflags(fl | CC_Z, CC_Z);
  } else {
    cpu.stLin32(lin, lo);
    cpu.stLin32((lin + 4) | 0, hi);
    cpu.regs[R_EAX] = lo;
    cpu.regs[R_EDX] = hi;
    cpu.setEflags(fl & ~CC_Z, CC_Z);
  }
}
defineHandler('cmpxchg8b_Mq', cmpxchg8b);
