// Segmentation: descriptor fetch from the GDT/LDT, the protected-mode checks of a segment
// register load (QEMU's load_segment / helper_load_seg, with the SDM's error codes), and the
// instructions that load or store segment registers (mov Sw, push/pop Sw, lds..lgs).

import {
  DESC_A_MASK,
  DESC_C_MASK,
  DESC_CS_MASK,
  DESC_G_MASK,
  DESC_P_MASK,
  DESC_R_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  EXCP0B_NOSEG,
  EXCP0C_STACK,
  EXCP0D_GPF,
  R_CS,
  R_ESP,
  R_SS,
} from './constants.js';
import type { X86CPU } from './cpu.js';
import type { Insn } from './decoder/index.js';
import { defineHandler } from './interp/handlers.js';
import { ea, readE16, writeGv } from './interp/operands.js';

/** The last descriptor fetched by loadDescriptor (one reused record: no allocation). */
export const desc = { e1: 0, e2: 0, addr: 0 };

/**
 * Read the 8-byte descriptor named by `selector` into `desc`. False when the selector lies
 * beyond its table's limit, or names the LDT while LDTR is null.
 */
export function loadDescriptor(cpu: X86CPU, selector: number): boolean {
  const index = selector & 0xfff8;
  let base: number;
  if (selector & 4) {
    if ((cpu.ldt.selector & 0xfffc) === 0) return false;
    if (index + 7 > cpu.ldt.limit) return false;
    base = cpu.ldt.base;
  } else {
    if (index + 7 > cpu.gdt.limit) return false;
    base = cpu.gdt.base;
  }
  const addr = (base + index) | 0;
  desc.addr = addr;
  desc.e1 = cpu.ldKernel32(addr);
  desc.e2 = cpu.ldKernel32(addr + 4);
  return true;
}

export function descBase(e1: number, e2: number): number {
  return ((e1 >>> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000)) >>> 0;
}

/** Byte-granular limit (4 KiB granularity expanded). */
export function descLimit(e1: number, e2: number): number {
  const raw = (e1 & 0xffff) | (e2 & 0x000f0000);
  return e2 & DESC_G_MASK ? ((raw << 12) | 0xfff) >>> 0 : raw;
}

export function descDpl(e2: number): number {
  return (e2 >> 13) & 3;
}

/** Set the accessed bit of the descriptor last fetched (the CPU writes it on every load). */
export function markAccessed(cpu: X86CPU): void {
  if (!(desc.e2 & DESC_A_MASK)) {
    desc.e2 |= DESC_A_MASK;
    cpu.stKernel32(desc.addr + 4, desc.e2);
  }
}

/**
 * Set the accessed bit of the descriptor at `addr` in memory and return e2 with it. The CPU
 * does this on every segment load (far transfers, gates, task switches included); QEMU only
 * on mov/pop loads. Done after the checks and before anything commits, so a fault writing it
 * is precise.
 */
export function setAccessed(cpu: X86CPU, addr: number, e2: number): number {
  if (e2 & DESC_A_MASK) return e2;
  e2 |= DESC_A_MASK;
  cpu.stKernel32(addr + 4, e2);
  return e2;
}

/** Load the segment cache from the descriptor in `desc`. */
export function loadCacheFromDesc(cpu: X86CPU, seg: number, selector: number): void {
  cpu.loadSegCache(seg, selector, descBase(desc.e1, desc.e2), descLimit(desc.e1, desc.e2), desc.e2);
}

/**
 * Load segment register `seg` (not CS) as mov/pop/lxs do, with every protected-mode check:
 * null rules, type, RPL/DPL/CPL, presence (#NP, or #SS for SS), accessed bit.
 */
export function loadSeg(cpu: X86CPU, seg: number, selector: number): void {
  selector &= 0xffff;
  if (!cpu.pe || cpu.vm86) {
    cpu.loadSegReal(seg, selector);
    return;
  }
  const cpl = cpu.cpl;
  const sel = selector & 0xfffc;
  if (sel === 0) {
    // A null selector may sit in DS/ES/FS/GS (any use then faults); never in SS.
    if (seg === R_SS) cpu.raise(EXCP0D_GPF, 0);
    cpu.loadSegCache(seg, selector, 0, 0, 0);
    return;
  }
  const err = sel;
  if (!loadDescriptor(cpu, selector)) cpu.raise(EXCP0D_GPF, err);
  const e2 = desc.e2;
  if (!(e2 & DESC_S_MASK)) cpu.raise(EXCP0D_GPF, err);
  const rpl = selector & 3;
  const dpl = descDpl(e2);
  if (seg === R_SS) {
    if (rpl !== cpl || dpl !== cpl) cpu.raise(EXCP0D_GPF, err);
    if (e2 & DESC_CS_MASK || !(e2 & DESC_W_MASK)) cpu.raise(EXCP0D_GPF, err);
  } else {
    // Execute-only code cannot be read; data and non-conforming code need DPL >= max(CPL, RPL).
    if ((e2 & (DESC_CS_MASK | DESC_R_MASK)) === DESC_CS_MASK) cpu.raise(EXCP0D_GPF, err);
    if (!(e2 & DESC_CS_MASK) || !(e2 & DESC_C_MASK)) {
      if (dpl < cpl || dpl < rpl) cpu.raise(EXCP0D_GPF, err);
    }
  }
  if (!(e2 & DESC_P_MASK)) cpu.raise(seg === R_SS ? EXCP0C_STACK : EXCP0B_NOSEG, err);
  markAccessed(cpu);
  loadCacheFromDesc(cpu, seg, selector);
}

/**
 * After a return to an outer privilege level: a data segment register (or non-conforming
 * code) whose DPL is below the new CPL becomes null, so the outer level cannot use it.
 */
export function validateSegAfterPrivDrop(cpu: X86CPU, seg: number): void {
  const sel = cpu.segSel[seg]!;
  if ((sel & 0xfffc) === 0) return;
  const flags = cpu.segFlags[seg]!;
  const dpl = (flags >> 13) & 3;
  const conformingCode = (flags & (DESC_CS_MASK | DESC_C_MASK)) === (DESC_CS_MASK | DESC_C_MASK);
  if (!conformingCode && dpl < cpu.cpl) cpu.loadSegCache(seg, 0, 0, 0, 0);
}

// ---- instructions ----

function movSwEw(cpu: X86CPU, i: Insn): void {
  const sel = readE16(cpu, i);
  loadSeg(cpu, i.reg, sel);
}

// mov to CS has no decoder row (#UD there); mov to SS is its own op.
defineHandler('mov_Sw_Ew', movSwEw);

defineHandler('mov_SS_Ew', (cpu, i) => {
  movSwEw(cpu, i);
  cpu.inhibitIrq = true;
});

defineHandler('mov_Ew_Sw', (cpu, i) => {
  const v = cpu.segSel[i.reg]!;
  // A register destination with a 32-bit operand gets the selector zero-extended (P6 and
  // QEMU); memory always takes 16 bits.
  if (i.isMem) cpu.write16(i.seg, ea(cpu, i), v);
  else if (i.opsize === 32) cpu.regs[i.rm] = v;
  else cpu.setReg16(i.rm, v);
});

function pushSeg(seg: number): void {
  defineHandler(`push_${SEG_OPERAND[seg]}`, (cpu, i) => cpu.push(cpu.segSel[seg]!, i.opsize));
}

function popSeg(seg: number): void {
  defineHandler(`pop_${SEG_OPERAND[seg]}`, (cpu, i) => {
    // The load may fault: ESP moves only once it succeeded. The new ESP is computed with the
    // stack size in effect before the load (SDM POP: pop ss with a 16-bit SS wraps SP even
    // when the new SS is 32-bit, and keeps ESP's top half).
    const sel = i.opsize === 32 ? cpu.peek32(0) : cpu.peek16(0);
    const n = i.opsize === 32 ? 4 : 2;
    const esp = cpu.regs[R_ESP]!;
    const newEsp = cpu.ss32 ? (esp + n) | 0 : (esp & ~0xffff) | ((esp + n) & 0xffff);
    loadSeg(cpu, seg, sel);
    cpu.regs[R_ESP] = newEsp;
    if (seg === R_SS) cpu.inhibitIrq = true;
  });
}

const SEG_OPERAND = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const;
for (const s of [0, 1, 2, 3, 4, 5]) pushSeg(s);
for (const s of [0, 2, 3, 4, 5]) popSeg(s);

/** lds/les/lss/lfs/lgs: offset then selector from memory; the register is written last. */
function loadFarPointer(seg: number): (cpu: X86CPU, i: Insn) => void {
  return (cpu, i) => {
    const a = ea(cpu, i);
    const off = i.opsize === 32 ? cpu.read32(i.seg, a) : cpu.read16(i.seg, a);
    const next = i.adsize === 32 ? (a + (i.opsize >> 3)) >>> 0 : (a + (i.opsize >> 3)) & 0xffff;
    const sel = cpu.read16(i.seg, next);
    loadSeg(cpu, seg, sel);
    writeGv(cpu, i, off);
  };
}

defineHandler('les_Gz_Mp', loadFarPointer(0));
defineHandler('lds_Gz_Mp', loadFarPointer(3));
defineHandler('lss_Gz_Mp', loadFarPointer(R_SS));
defineHandler('lfs_Gz_Mp', loadFarPointer(4));
defineHandler('lgs_Gz_Mp', loadFarPointer(5));
