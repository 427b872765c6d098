// The MMX instructions (SDM vol. 1 ch. 9, vol. 2): checks in the SDM's order (no MMX in CPUID
// or CR0.EM: #UD; CR0.TS: #NM; a pending unmasked x87 exception: #MF or FERR#), the operands
// read before any state changes, then TOP = 0 and all tags valid, and the result written.
// Lanes are computed in place in one 16-byte scratch buffer (destination in bytes 0-7, source
// in 8-15) through typed-array views, so no per-lane allocation.

import { CR0_EM_MASK, CR0_TS_MASK, EXCP06_ILLOP, EXCP07_PREX } from '../constants.js';
import { CPUID_MMX, FEAT_1_EDX } from '../cpu-models.js';
import type { X86CPU } from '../cpu.js';
import type { Insn } from '../decoder/index.js';
import { mmxEmms, mmxEnter, mmxGet, mmxSet } from '../fpu/mmx-regs.js';
import { FPUS_SE } from '../fpu/x87-state.js';
import { fpuCheckPending } from './fpu.js';
import { defineHandler } from './handlers.js';
import { ea, readE32, writeE32 } from './operands.js';

const buf = new ArrayBuffer(32);
const q = new BigUint64Array(buf);
const u8 = new Uint8Array(buf);
const u8c = new Uint8ClampedArray(buf);
const i8 = new Int8Array(buf);
const u16 = new Uint16Array(buf);
const i16 = new Int16Array(buf);
const u32 = new Uint32Array(buf);
const i32 = new Int32Array(buf);
/** Bytes 16-23: where pack/unpack build their result before it replaces the destination. */
const T8 = 16;

/**
 * #UD without MMX or with CR0.EM, #NM with CR0.TS (EM first: SDM vol. 3 table 12-1), #UD for
 * the 66/F2/F3 forms (SSE encodings; tcg86 has no SSE), then a pending x87 exception.
 */
function mmxCheck(cpu: X86CPU, i: Insn): void {
  if (!(cpu.features[FEAT_1_EDX]! & CPUID_MMX) || cpu.cr0 & CR0_EM_MASK) cpu.raise(EXCP06_ILLOP);
  if (cpu.cr0 & CR0_TS_MASK) cpu.raise(EXCP07_PREX);
  if (i.rep !== 0 || (i.opsize === 32) !== cpu.code32) cpu.raise(EXCP06_ILLOP);
  if (cpu.x87.fpus & FPUS_SE) fpuCheckPending(cpu);
}

/** The Q operand into q[1]: an MMX register or 8 bytes of memory (4 for the low unpacks, zero-extended). */
function loadQ(cpu: X86CPU, i: Insn, size: number): void {
  if (!i.isMem) {
    q[1] = mmxGet(cpu.x87, i.rm);
    return;
  }
  const lin = cpu.linearRead(i.seg, ea(cpu, i), size);
  u32[2] = cpu.ldLin32(lin);
  u32[3] = size === 8 ? cpu.ldLin32((lin + 4) | 0) : 0;
}

/** A shift count from q[1], clamped to 64 (every count above a lane's width acts the same). */
function countQ(): number {
  return u32[3] !== 0 || u32[2]! > 64 ? 64 : u32[2]!;
}

function sat(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Copy the 8 result bytes built at T8 into the destination (bytes 0-7). */
function takeT8(): void {
  u8.copyWithin(0, T8, T8 + 8);
}

function defBinary(name: string, memSize: number, fn: () => void): void {
  defineHandler(`${name}_Pq_Q${memSize === 4 ? 'd' : 'q'}`, (cpu, i) => {
    mmxCheck(cpu, i);
    loadQ(cpu, i, memSize);
    const x = cpu.x87;
    q[0] = mmxGet(x, i.reg);
    fn();
    mmxEnter(x);
    mmxSet(x, i.reg, q[0]!);
  });
}

// ---- unpack and pack ----
defBinary('punpcklbw', 4, () => {
  for (let k = 0; k < 4; k++) (u8[T8 + 2 * k] = u8[k]!), (u8[T8 + 2 * k + 1] = u8[8 + k]!);
  takeT8();
});
defBinary('punpckhbw', 8, () => {
  for (let k = 0; k < 4; k++) (u8[T8 + 2 * k] = u8[4 + k]!), (u8[T8 + 2 * k + 1] = u8[12 + k]!);
  takeT8();
});
defBinary('punpcklwd', 4, () => {
  u16[11] = u16[5]!;
  u16[10] = u16[1]!;
  u16[9] = u16[4]!;
  u16[8] = u16[0]!;
  takeT8();
});
defBinary('punpckhwd', 8, () => {
  u16[8] = u16[2]!;
  u16[9] = u16[6]!;
  u16[10] = u16[3]!;
  u16[11] = u16[7]!;
  takeT8();
});
defBinary('punpckldq', 4, () => {
  u32[1] = u32[2]!;
});
defBinary('punpckhdq', 8, () => {
  u32[0] = u32[1]!;
  u32[1] = u32[3]!;
});
defBinary('packsswb', 8, () => {
  for (let k = 0; k < 4; k++) (i8[T8 + k] = sat(i16[k]!, -128, 127)), (i8[T8 + 4 + k] = sat(i16[4 + k]!, -128, 127));
  takeT8();
});
defBinary('packuswb', 8, () => {
  for (let k = 0; k < 4; k++) (u8[T8 + k] = sat(i16[k]!, 0, 255)), (u8[T8 + 4 + k] = sat(i16[4 + k]!, 0, 255));
  takeT8();
});
defBinary('packssdw', 8, () => {
  i16[8] = sat(i32[0]!, -32768, 32767);
  i16[9] = sat(i32[1]!, -32768, 32767);
  i16[10] = sat(i32[2]!, -32768, 32767);
  i16[11] = sat(i32[3]!, -32768, 32767);
  takeT8();
});

// ---- compares ----
defBinary('pcmpeqb', 8, () => {
  for (let k = 0; k < 8; k++) u8[k] = u8[k] === u8[8 + k] ? 0xff : 0;
});
defBinary('pcmpeqw', 8, () => {
  for (let k = 0; k < 4; k++) u16[k] = u16[k] === u16[4 + k] ? 0xffff : 0;
});
defBinary('pcmpeqd', 8, () => {
  for (let k = 0; k < 2; k++) i32[k] = i32[k] === i32[2 + k] ? -1 : 0;
});
defBinary('pcmpgtb', 8, () => {
  for (let k = 0; k < 8; k++) i8[k] = i8[k]! > i8[8 + k]! ? -1 : 0;
});
defBinary('pcmpgtw', 8, () => {
  for (let k = 0; k < 4; k++) i16[k] = i16[k]! > i16[4 + k]! ? -1 : 0;
});
defBinary('pcmpgtd', 8, () => {
  for (let k = 0; k < 2; k++) i32[k] = i32[k]! > i32[2 + k]! ? -1 : 0;
});

// ---- add and subtract: wrapping, signed and unsigned saturation ----
defBinary('paddb', 8, () => {
  for (let k = 0; k < 8; k++) u8[k] = u8[k]! + u8[8 + k]!;
});
defBinary('paddw', 8, () => {
  for (let k = 0; k < 4; k++) u16[k] = u16[k]! + u16[4 + k]!;
});
defBinary('paddd', 8, () => {
  for (let k = 0; k < 2; k++) u32[k] = u32[k]! + u32[2 + k]!;
});
defBinary('psubb', 8, () => {
  for (let k = 0; k < 8; k++) u8[k] = u8[k]! - u8[8 + k]!;
});
defBinary('psubw', 8, () => {
  for (let k = 0; k < 4; k++) u16[k] = u16[k]! - u16[4 + k]!;
});
defBinary('psubd', 8, () => {
  for (let k = 0; k < 2; k++) u32[k] = u32[k]! - u32[2 + k]!;
});
defBinary('paddsb', 8, () => {
  for (let k = 0; k < 8; k++) i8[k] = sat(i8[k]! + i8[8 + k]!, -128, 127);
});
defBinary('paddsw', 8, () => {
  for (let k = 0; k < 4; k++) i16[k] = sat(i16[k]! + i16[4 + k]!, -32768, 32767);
});
defBinary('psubsb', 8, () => {
  for (let k = 0; k < 8; k++) i8[k] = sat(i8[k]! - i8[8 + k]!, -128, 127);
});
defBinary('psubsw', 8, () => {
  for (let k = 0; k < 4; k++) i16[k] = sat(i16[k]! - i16[4 + k]!, -32768, 32767);
});
// Uint8ClampedArray stores clamp to 0-255 (the values are integers, so no rounding happens).
defBinary('paddusb', 8, () => {
  for (let k = 0; k < 8; k++) u8c[k] = u8[k]! + u8[8 + k]!;
});
defBinary('psubusb', 8, () => {
  for (let k = 0; k < 8; k++) u8c[k] = u8[k]! - u8[8 + k]!;
});
defBinary('paddusw', 8, () => {
  for (let k = 0; k < 4; k++) u16[k] = sat(u16[k]! + u16[4 + k]!, 0, 0xffff);
});
defBinary('psubusw', 8, () => {
  for (let k = 0; k < 4; k++) u16[k] = sat(u16[k]! - u16[4 + k]!, 0, 0xffff);
});

// ---- multiply ----
defBinary('pmullw', 8, () => {
  for (let k = 0; k < 4; k++) i16[k] = Math.imul(i16[k]!, i16[4 + k]!);
});
defBinary('pmulhw', 8, () => {
  for (let k = 0; k < 4; k++) i16[k] = Math.imul(i16[k]!, i16[4 + k]!) >> 16;
});
// The sum of two products wraps: 2 * (-32768 * -32768) is 0x80000000, as the SDM shows.
defBinary('pmaddwd', 8, () => {
  const lo = Math.imul(i16[0]!, i16[4]!) + Math.imul(i16[1]!, i16[5]!);
  const hi = Math.imul(i16[2]!, i16[6]!) + Math.imul(i16[3]!, i16[7]!);
  i32[0] = lo;
  i32[1] = hi;
});

// ---- logic ----
defBinary('pand', 8, () => {
  u32[0] &= u32[2]!;
  u32[1] &= u32[3]!;
});
defBinary('pandn', 8, () => {
  u32[0] = ~u32[0]! & u32[2]!;
  u32[1] = ~u32[1]! & u32[3]!;
});
defBinary('por', 8, () => {
  u32[0] |= u32[2]!;
  u32[1] |= u32[3]!;
});
defBinary('pxor', 8, () => {
  u32[0] ^= u32[2]!;
  u32[1] ^= u32[3]!;
});

// ---- shifts: the count is the whole 64-bit source; past the lane width psrl/psll give 0 and
// psra fills with the sign ----
function psrlw(n: number): void {
  for (let k = 0; k < 4; k++) u16[k] = n > 15 ? 0 : u16[k]! >>> n;
}
function psraw(n: number): void {
  const s = n > 15 ? 15 : n;
  for (let k = 0; k < 4; k++) i16[k] = i16[k]! >> s;
}
function psllw(n: number): void {
  for (let k = 0; k < 4; k++) u16[k] = n > 15 ? 0 : u16[k]! << n;
}
function psrld(n: number): void {
  for (let k = 0; k < 2; k++) u32[k] = n > 31 ? 0 : u32[k]! >>> n;
}
function psrad(n: number): void {
  const s = n > 31 ? 31 : n;
  for (let k = 0; k < 2; k++) i32[k] = i32[k]! >> s;
}
function pslld(n: number): void {
  for (let k = 0; k < 2; k++) u32[k] = n > 31 ? 0 : u32[k]! << n;
}
function psrlq(n: number): void {
  q[0] = n > 63 ? 0n : q[0]! >> BigInt(n);
}
function psllq(n: number): void {
  q[0] = n > 63 ? 0n : q[0]! << BigInt(n); // the array store keeps the low 64 bits
}
const SHIFTS: readonly [string, (n: number) => void][] = [
  ['psrlw', psrlw], ['psraw', psraw], ['psllw', psllw], ['psrld', psrld],
  ['psrad', psrad], ['pslld', pslld], ['psrlq', psrlq], ['psllq', psllq],
];
for (const [name, fn] of SHIFTS) {
  defBinary(name, 8, () => fn(countQ()));
  // 0F 71-73 /r ib: the register form only (the decoder makes a memory form #UD).
  defineHandler(`${name}_Nq_Ib`, (cpu, i) => {
    mmxCheck(cpu, i);
    const x = cpu.x87;
    q[0] = mmxGet(x, i.rm);
    fn(i.imm & 0xff);
    mmxEnter(x);
    mmxSet(x, i.rm, q[0]!);
  });
}

// ---- moves ----
defineHandler('movd_Pq_Ed', (cpu, i) => {
  mmxCheck(cpu, i);
  const v = readE32(cpu, i);
  mmxEnter(cpu.x87);
  mmxSet(cpu.x87, i.reg, BigInt(v >>> 0));
});
defineHandler('movd_Ed_Pq', (cpu, i) => {
  mmxCheck(cpu, i);
  q[0] = mmxGet(cpu.x87, i.reg);
  writeE32(cpu, i, i32[0]!);
  mmxEnter(cpu.x87);
});
defineHandler('movq_Pq_Qq', (cpu, i) => {
  mmxCheck(cpu, i);
  loadQ(cpu, i, 8);
  mmxEnter(cpu.x87);
  mmxSet(cpu.x87, i.reg, q[1]!);
});
defineHandler('movq_Qq_Pq', (cpu, i) => {
  mmxCheck(cpu, i);
  const x = cpu.x87;
  const v = mmxGet(x, i.reg);
  if (i.isMem) {
    const lin = cpu.probeWrite(cpu.linearWrite(i.seg, ea(cpu, i), 8), 8);
    q[0] = v;
    cpu.stLin32(lin, i32[0]!);
    cpu.stLin32((lin + 4) | 0, i32[1]!);
    mmxEnter(x);
  } else {
    mmxEnter(x);
    mmxSet(x, i.rm, v);
  }
});

defineHandler('emms', (cpu, i) => {
  mmxCheck(cpu, i);
  mmxEmms(cpu.x87);
});
