// Bit instructions: bt bts btr btc (register offset or imm8; a register offset reaches
// memory beyond the operand), bsf bsr, setcc, cmovcc, bswap.

import { CC_OP_DYNAMIC, CC_OP_EFLAGS, CC_OP_LOGIC, CC_OP_SAR, qemuCondEval, testCondition } from '../cc.js';
import { EXCP06_ILLOP } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { CPUID_CMOV, FEAT_1_EDX } from '../cpu-models.js';
import type { Insn } from '../decoder/index.js';
import { CC_C } from '../flags.js';
import { defineHandler } from './handlers.js';
import { ea, readE16, readE32, readEv, writeE8, writeGv } from './operands.js';

const BT = 0;
const BTS = 1;
const BTR = 2;
const BTC = 3;

/**
 * Flags after bt*: CF = the tested bit, ZF unchanged (SDM); OF SF AF PF are undefined and
 * follow QEMU: after a known flag producer it keeps CC_DST and switches to CC_OP_SAR of that
 * producer's width with CC_SRC = value >> offset (so ZF comes out unchanged), otherwise (the
 * producer was in an earlier TB, or EFLAGS are eager) it replaces only CF in the computed EFLAGS. `shifted` is the operand shifted right by the offset.
 */
function setBitFlags(cpu: X86CPU, shifted: number): void {
  const op = cpu.ccOp;
  // QEMU knows the producer statically only within its TB (cc.ts CC_OP_DYNAMIC).
  if (op !== CC_OP_EFLAGS && !(op & CC_OP_DYNAMIC)) {
    cpu.ccOp = CC_OP_SAR + ((op - 1) % 3);
    cpu.ccSrc = shifted;
  } else {
    cpu.setEflags(shifted & 1 ? CC_C : 0, CC_C);
  }
}

function applyBit(op: number, v: number, mask: number): number {
  return op === BTS ? v | mask : op === BTR ? v & ~mask : v ^ mask;
}

/**
 * bt* E, offset. `offset` is the raw bit offset; `fromReg` says it came from a register,
 * in which case a memory operand is addressed at EA + (signed offset >> 4 or 5) * size,
 * wrapped to the address size (SDM BT: the bit string may extend beyond the operand).
 */
function bitOp(cpu: X86CPU, i: Insn, op: number, offset: number, fromReg: boolean): void {
  const size = i.opsize === 32 ? 4 : 2;
  const bits = size * 8;
  const n = offset & (bits - 1);
  const mask = 1 << n;
  if (!i.isMem) {
    const r = i.rm;
    const v = size === 4 ? cpu.regs[r]! : cpu.regs[r]! & 0xffff;
    setBitFlags(cpu, v >>> n);
    if (op === BT) return;
    if (size === 4) cpu.regs[r] = applyBit(op, v, mask);
    else cpu.setReg16(r, applyBit(op, v, mask));
    return;
  }
  let off = ea(cpu, i);
  if (fromReg) {
    const signed = size === 4 ? offset | 0 : (offset << 16) >> 16;
    off += (signed >> (size === 4 ? 5 : 4)) * size;
    off = i.adsize === 32 ? off >>> 0 : off & 0xffff;
  }
  if (op === BT) {
    const v = size === 4 ? cpu.read32(i.seg, off) : cpu.read16(i.seg, off);
    setBitFlags(cpu, v >>> n);
    return;
  }
  const lin = cpu.linearWrite(i.seg, off, size);
  const v = size === 4 ? cpu.ldLin32(lin) : cpu.ldLin16(lin);
  cpu.probeWrite(lin, size);
  if (size === 4) cpu.stLin32(lin, applyBit(op, v, mask));
  else cpu.stLin16(lin, applyBit(op, v, mask));
  setBitFlags(cpu, v >>> n);
}

for (const [name, op] of [
  ['bt', BT],
  ['bts', BTS],
  ['btr', BTR],
  ['btc', BTC],
] as const) {
  defineHandler(`${name}_Ev_Gv`, (cpu, i) => bitOp(cpu, i, op, cpu.regs[i.reg]!, true));
  defineHandler(`${name}_Ev_Ib`, (cpu, i) => bitOp(cpu, i, op, i.imm, false));
}

// ---- bsf / bsr: flags of a logic op on the source (only ZF is defined); a zero source
// leaves the destination unchanged, as real hardware and QEMU do ----

function bitScan(cpu: X86CPU, i: Insn, reverse: boolean): void {
  const s = i.opsize === 32 ? 2 : 1;
  const v = s === 2 ? readE32(cpu, i) : readE16(cpu, i);
  cpu.ccOp = CC_OP_LOGIC + s;
  cpu.ccDst = v;
  if (v === 0) return;
  const idx = reverse ? 31 - Math.clz32(v) : 31 - Math.clz32(v & -v);
  writeGv(cpu, i, idx);
}
defineHandler('bsf_Gv_Ev', (cpu, i) => bitScan(cpu, i, false));
defineHandler('bsr_Gv_Ev', (cpu, i) => bitScan(cpu, i, true));

// ---- setcc / cmovcc: the condition is the opcode's low nibble ----

defineHandler('setcc_Eb', (cpu, i) => {
  const c = testCondition(cpu, i.opcode & 15);
  qemuCondEval(cpu, i.opcode & 15);
  writeE8(cpu, i, c ? 1 : 0);
});
// #UD on a model without CMOV (QEMU checks the CPUID bit when translating). The source is
// read (and may fault) whether or not the move happens.
defineHandler('cmovcc_Gv_Ev', (cpu, i) => {
  if (!(cpu.features[FEAT_1_EDX]! & CPUID_CMOV)) cpu.raise(EXCP06_ILLOP);
  const v = readEv(cpu, i);
  const c = testCondition(cpu, i.opcode & 15);
  qemuCondEval(cpu, i.opcode & 15);
  if (c) writeGv(cpu, i, v);
});

// bswap: always the whole 32-bit register (QEMU ignores a 66 prefix; 16-bit is undefined).
defineHandler('bswap_Zv', (cpu, i) => {
  const v = cpu.regs[i.reg]!;
  cpu.regs[i.reg] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
});
