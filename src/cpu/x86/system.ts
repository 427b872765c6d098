// System instructions on descriptor tables: lgdt lidt sgdt sidt lldt sldt ltr str, and the
// selector probes lar lsl verr verw arpl (QEMU's helper_lldt/ltr/lar/lsl/verr/verw).

import {
  DESC_C_MASK,
  DESC_CS_MASK,
  DESC_FLAGS_MASK,
  DESC_P_MASK,
  DESC_R_MASK,
  DESC_S_MASK,
  DESC_W_MASK,
  EXCP06_ILLOP,
  EXCP0A_TSS,
  EXCP0B_NOSEG,
  EXCP0D_GPF,
} from './constants.js';
import type { X86CPU } from './cpu.js';
import type { Insn } from './decoder/index.js';
import { CC_Z } from './flags.js';
import { defineHandler } from './interp/handlers.js';
import { ea, readE16, rmwRead16, rmwWrite16, writeGv } from './interp/operands.js';
import { desc, descBase, descDpl, descLimit, loadDescriptor } from './seg.js';

/** Privileged instructions: CPL 0 in protected mode (V86 runs at CPL 3), #GP(0) otherwise. */
export function requireCpl0(cpu: X86CPU): void {
  if (cpu.pe && cpu.cpl !== 0) cpu.raise(EXCP0D_GPF, 0);
}

/** Instructions that exist only in protected mode proper: #UD in real and V86 mode. */
function requireProtected(cpu: X86CPU): void {
  if (!cpu.pe || cpu.vm86) cpu.raise(EXCP06_ILLOP);
}

/** Store a selector-sized result to Ew: 32 bits zero-extended into a register with o32. */
function writeEwSel(cpu: X86CPU, i: Insn, v: number): void {
  if (i.isMem) cpu.write16(i.seg, ea(cpu, i), v);
  else if (i.opsize === 32) cpu.regs[i.rm] = v;
  else cpu.setReg16(i.rm, v);
}

function setZF(cpu: X86CPU, z: boolean): void {
  cpu.setEflags(z ? CC_Z : 0, CC_Z);
}

// ---- GDTR / IDTR ----

function loadTableReg(cpu: X86CPU, i: Insn, idt: boolean): void {
  requireCpl0(cpu);
  const a = ea(cpu, i);
  const limit = cpu.read16(i.seg, a);
  let base = cpu.read32(i.seg, i.adsize === 32 ? (a + 2) >>> 0 : (a + 2) & 0xffff);
  // With a 16-bit operand only 24 bits of the base are loaded.
  if (i.opsize === 16) base &= 0xffffff;
  const t = idt ? cpu.idt : cpu.gdt;
  t.limit = limit;
  t.base = base | 0;
}

function storeTableReg(cpu: X86CPU, i: Insn, idt: boolean): void {
  const t = idt ? cpu.idt : cpu.gdt;
  const a = ea(cpu, i);
  // Check both parts before writing either, so a fault leaves memory unchanged.
  cpu.linearWrite(i.seg, i.adsize === 32 ? (a + 2) >>> 0 : (a + 2) & 0xffff, 4);
  cpu.write16(i.seg, a, t.limit);
  // QEMU stores all 32 bits, the top byte cleared with a 16-bit operand (as a 386 does).
  cpu.write32(i.seg, i.adsize === 32 ? (a + 2) >>> 0 : (a + 2) & 0xffff, i.opsize === 16 ? t.base & 0xffffff : t.base);
}

defineHandler('lgdt_Ms', (cpu, i) => loadTableReg(cpu, i, false));
defineHandler('lidt_Ms', (cpu, i) => loadTableReg(cpu, i, true));
defineHandler('sgdt_Ms', (cpu, i) => storeTableReg(cpu, i, false));
defineHandler('sidt_Ms', (cpu, i) => storeTableReg(cpu, i, true));

// ---- LDTR / TR ----

defineHandler('sldt_Ew', (cpu, i) => {
  requireProtected(cpu);
  writeEwSel(cpu, i, cpu.ldt.selector);
});

defineHandler('str_Ew', (cpu, i) => {
  requireProtected(cpu);
  writeEwSel(cpu, i, cpu.tr.selector);
});

defineHandler('lldt_Ew', (cpu, i) => {
  requireProtected(cpu);
  requireCpl0(cpu);
  loadLdt(cpu, readE16(cpu, i));
});

/** Load LDTR from a GDT selector (lldt and task switches): null clears it. */
export function loadLdt(cpu: X86CPU, selector: number, tsFault = false): void {
  const vec = tsFault ? EXCP0A_TSS : EXCP0D_GPF;
  const sel = selector & 0xfffc;
  if (sel === 0) {
    cpu.ldt.selector = selector;
    cpu.ldt.base = 0;
    cpu.ldt.limit = 0;
    cpu.ldt.flags = 0;
    return;
  }
  if (selector & 4 || !loadDescriptor(cpu, selector)) cpu.raise(vec, sel);
  const e2 = desc.e2;
  if (e2 & DESC_S_MASK || ((e2 >> 8) & 0xf) !== 2) cpu.raise(vec, sel);
  if (!(e2 & DESC_P_MASK)) cpu.raise(tsFault ? EXCP0A_TSS : EXCP0B_NOSEG, sel);
  cpu.ldt.selector = selector;
  cpu.ldt.base = descBase(desc.e1, e2) | 0;
  cpu.ldt.limit = descLimit(desc.e1, e2);
  cpu.ldt.flags = e2;
}

defineHandler('ltr_Ew', (cpu, i) => {
  requireProtected(cpu);
  requireCpl0(cpu);
  const selector = readE16(cpu, i);
  const sel = selector & 0xfffc;
  if (sel === 0) cpu.raise(EXCP0D_GPF, 0);
  if (selector & 4 || !loadDescriptor(cpu, selector)) cpu.raise(EXCP0D_GPF, sel);
  const e2 = desc.e2;
  const type = (e2 >> 8) & 0xf;
  // Only an available 286 (1) or 386 (9) TSS.
  if (e2 & DESC_S_MASK || (type !== 1 && type !== 9)) cpu.raise(EXCP0D_GPF, sel);
  if (!(e2 & DESC_P_MASK)) cpu.raise(EXCP0B_NOSEG, sel);
  cpu.tr.selector = selector;
  cpu.tr.base = descBase(desc.e1, e2) | 0;
  cpu.tr.limit = descLimit(desc.e1, e2);
  cpu.tr.flags = e2;
  cpu.stKernel32(desc.addr + 4, e2 | (2 << 8)); // mark the TSS busy
});

// ---- selector probes: never fault on the selector, report through ZF ----

/** Fetch the descriptor for lar/lsl/verr/verw: false for null or beyond the table. */
function probe(cpu: X86CPU, selector: number): boolean {
  return (selector & 0xfffc) !== 0 && loadDescriptor(cpu, selector);
}

/** Privilege rule of the probes: conforming code always passes, others need DPL >= CPL, RPL. */
function probeVisible(cpu: X86CPU, selector: number, e2: number): boolean {
  if ((e2 & (DESC_S_MASK | DESC_CS_MASK | DESC_C_MASK)) === (DESC_S_MASK | DESC_CS_MASK | DESC_C_MASK)) return true;
  const dpl = descDpl(e2);
  return dpl >= cpu.cpl && dpl >= (selector & 3);
}

// System descriptor types lar reports: TSSs (available/busy), LDT, call/task gates.
const LAR_SYS_TYPES = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 9) | (1 << 11) | (1 << 12);
// lsl: only the types that have a limit (TSSs and the LDT).
const LSL_SYS_TYPES = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 9) | (1 << 11);

defineHandler('lar_Gv_Ew', (cpu, i) => {
  requireProtected(cpu);
  const selector = readE16(cpu, i);
  let ok = probe(cpu, selector);
  const e2 = desc.e2;
  if (ok && !(e2 & DESC_S_MASK) && !((LAR_SYS_TYPES >> ((e2 >> 8) & 0xf)) & 1)) ok = false;
  if (ok && !probeVisible(cpu, selector, e2)) ok = false;
  if (ok) writeGv(cpu, i, e2 & DESC_FLAGS_MASK);
  setZF(cpu, ok);
});

defineHandler('lsl_Gv_Ew', (cpu, i) => {
  requireProtected(cpu);
  const selector = readE16(cpu, i);
  let ok = probe(cpu, selector);
  const e2 = desc.e2;
  if (ok && !(e2 & DESC_S_MASK) && !((LSL_SYS_TYPES >> ((e2 >> 8) & 0xf)) & 1)) ok = false;
  if (ok && !probeVisible(cpu, selector, e2)) ok = false;
  if (ok) writeGv(cpu, i, descLimit(desc.e1, e2) | 0);
  setZF(cpu, ok);
});

defineHandler('verr_Ew', (cpu, i) => {
  requireProtected(cpu);
  const selector = readE16(cpu, i);
  let ok = probe(cpu, selector);
  const e2 = desc.e2;
  if (ok && !(e2 & DESC_S_MASK)) ok = false;
  if (ok && e2 & DESC_CS_MASK && !(e2 & DESC_R_MASK)) ok = false;
  if (ok && !probeVisible(cpu, selector, e2)) ok = false;
  setZF(cpu, ok);
});

defineHandler('verw_Ew', (cpu, i) => {
  requireProtected(cpu);
  const selector = readE16(cpu, i);
  let ok = probe(cpu, selector);
  const e2 = desc.e2;
  if (ok && (!(e2 & DESC_S_MASK) || e2 & DESC_CS_MASK || !(e2 & DESC_W_MASK))) ok = false;
  if (ok && !probeVisible(cpu, selector, e2)) ok = false;
  setZF(cpu, ok);
});

defineHandler('arpl_Ew_Gw', (cpu, i) => {
  requireProtected(cpu);
  const dst = rmwRead16(cpu, i);
  const src = cpu.regs[i.reg]! & 3;
  if ((dst & 3) < src) {
    rmwWrite16(cpu, i, (dst & ~3) | src);
    setZF(cpu, true);
  } else {
    setZF(cpu, false);
  }
});
