// Fuzzer: ROMs that jump into random bytes (copied to RAM, so they may rewrite themselves) in real
// mode, 32-bit PM or PM+paging, with random IVT/IDT/GDT/page tables; run on both engines for a
// bounded number of instructions and compare the final machine state. Used by fuzz.test.ts and
// scripts/fuzz.mjs.

import { parseArgs } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { Timer } from '../../src/devices/clock.js';
import { Rng } from '../difftest/gen.js';
import { ROM_ARGS, writeTempRom } from '../difftest/run.js';

export type FuzzMode = 'real' | 'pm' | 'paging';
export const FUZZ_MODES: readonly FuzzMode[] = ['real', 'pm', 'paging'];

const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const CODE = 0x3000;
const CODE_LEN = 0x400;
const GDT = 0x500;
const IDT = 0x1000;
const PD = 0xa000;
const PT = 0xb000;

/** Random bytes biased towards real instruction starts, prefixes and modrm bytes. */
function randomCode(r: Rng, n: number): number[] {
  const hot = [0x0f, 0x66, 0x67, 0xf3, 0xf2, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0, 0xcd, 0xcf, 0xca, 0xcb, 0x9a, 0xea, 0x8e, 0x8c, 0xe9, 0xeb, 0xc3, 0xe2, 0xe6, 0xee, 0xe4, 0xec, 0x9d, 0x9c, 0xfa, 0xfb, 0xf4, 0x0f,
    // x87 escapes and fwait; 0F above also starts the MMX and fxsave/fxrstor forms.
    0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x9b];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.chance(0.15) ? r.pick(hot) : r.int(256));
  return out;
}

function descriptor(r: Rng): number[] {
  if (r.chance(0.3)) return Array.from({ length: 8 }, () => r.int(256));
  const base = r.chance(0.6) ? 0 : r.pick([0x1000, 0x3000, r.u32() & 0xfffff]);
  const limit = r.chance(0.6) ? 0xfffff : r.int(0x100000);
  const access = r.pick([0x9a, 0x9b, 0x92, 0x93, 0x96, 0x98, 0x9e, 0x90, 0xfa, 0xf2, 0x89, 0x82, 0x84, 0x85, 0x8c, 0x12, 0x1a, r.int(256)]);
  const flags = r.pick([0xc, 0x4, 0x8, 0x0, r.int(16)]);
  return [limit & 0xff, (limit >> 8) & 0xff, base & 0xff, (base >> 8) & 0xff, (base >> 16) & 0xff, access, (flags << 4) | ((limit >> 16) & 0xf), base >>> 24];
}

/** The fuzz ROM for (seed, mode). */
export function fuzzRom(seed: number, mode: FuzzMode): Uint8Array {
  const r = new Rng((Math.imul(seed, 0x2545f491) ^ (FUZZ_MODES.indexOf(mode) + 1) * 0x6b43a9b5) >>> 0);
  const chunks: { dst: number; data: number[] }[] = [];
  chunks.push({ dst: CODE, data: randomCode(r, CODE_LEN) });
  // Real-mode IVT: mostly into the random code, some garbage.
  const ivt: number[] = [];
  for (let v = 0; v < 256; v++) ivt.push(...(r.chance(0.8) ? [...le16(r.int(CODE_LEN)), ...le16(CODE >> 4)] : le32(r.u32())));
  chunks.push({ dst: 0, data: ivt });
  // GDT: 0x08 flat code, 0x10 flat data (used by the setup), then random descriptors.
  const gdt = [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x9b, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x93, 0xcf, 0];
  for (let i = 3; i < 32; i++) gdt.push(...descriptor(r));
  chunks.push({ dst: GDT, data: gdt });
  // IDT: gates into the random code, some with odd selectors/types, some garbage.
  const idt: number[] = [];
  for (let v = 0; v < 256; v++) {
    if (r.chance(0.2)) idt.push(...Array.from({ length: 8 }, () => r.int(256)));
    else {
      const off = r.chance(0.9) ? CODE + r.int(CODE_LEN) : r.u32();
      const sel = r.chance(0.85) ? 0x08 : r.int(32) * 8 + r.int(4);
      const type = r.pick([0x8e, 0x8e, 0x8f, 0xee, 0x86, 0x85, 0x0e, 0x8c]);
      idt.push(...le16(off), ...le16(sel), 0, type, ...le16(off >>> 16));
    }
  }
  chunks.push({ dst: IDT, data: idt });
  if (mode === 'paging') {
    const pd = [...le32(PT | 7)];
    for (let i = 1; i < 4; i++) pd.push(...le32(r.chance(0.5) ? 0 : r.u32()));
    chunks.push({ dst: PD, data: pd });
    const pt: number[] = [];
    for (let i = 0; i < 16; i++) {
      const keep = i === 3 || i === 0xa || i === 0xb ? 1 : r.chance(0.85) ? 1 : 0;
      const flags = keep ? 1 | (r.chance(0.7) ? 2 : 0) | (r.chance(0.5) ? 4 : 0) : r.int(8) & ~1;
      const frame = r.chance(0.9) ? i : r.int(16);
      pt.push(...le32((frame << 12) | flags));
    }
    chunks.push({ dst: PT, data: pt });
    const hi: number[] = [];
    for (let i = 0xf0; i < 0x100; i++) hi.push(...le32((i << 12) | 3));
    chunks.push({ dst: PT + 0xf0 * 4, data: hi });
  }

  const c: number[] = [];
  const e = (...b: number[]) => c.push(...b.map((x) => x & 0xff));
  e(0xfa, 0xfc, 0x31, 0xc0, 0x8e, 0xd0, 0xbc, ...le16(0x2f00), 0xb8, 0x00, 0xf0, 0x8e, 0xd8);
  const fix: [number, number][] = [];
  chunks.forEach((ch, i) => {
    e(0xb8, ...le16(ch.dst >> 4), 0x8e, 0xc0, 0xbf, ...le16(ch.dst & 15), 0xbe);
    fix.push([c.length, i]);
    e(0, 0, 0xb9, ...le16(ch.data.length), 0xf3, 0xa4);
  });
  e(0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xc0);
  const regs = () => {
    const o32 = mode === 'real' ? [0x66] : [];
    e(...o32, 0x68, ...le32(r.u32() & 0xcd5), ...o32, 0x9d); // random arithmetic flags and DF
    for (let i = 0; i < 8; i++) if (i !== 4) e(...o32, 0xb8 + i, ...le32(r.value()));
  };
  if (mode === 'real') {
    regs();
    e(0xea, ...le16(0), ...le16(CODE >> 4)); // jmp 0300:0000
  } else {
    e(0x2e, 0x0f, 0x01, 0x16);
    const gdtrAt = c.length;
    e(0, 0, 0x2e, 0x0f, 0x01, 0x1e);
    const idtrAt = c.length;
    e(0, 0);
    e(0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea);
    const pmAt = c.length;
    e(0, 0, 0, 0, 0x08, 0x00);
    const pm = c.length;
    e(0xb8, 0x10, 0, 0, 0, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0, 0x8e, 0xe8, 0x8e, 0xd0, 0xbc, ...le32(0x2f00));
    if (mode === 'paging') e(0xb8, ...le32(PD), 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xc0, 0x0d, ...le32(r.chance(0.5) ? 0x80010000 : 0x80000000), 0x0f, 0x22, 0xc0);
    regs();
    e(0xe9);
    const rel = c.length;
    e(0, 0, 0, 0);
    le32((CODE - (0xf0000 + rel + 4)) >>> 0).forEach((b, i) => (c[rel + i] = b));
    le32(0xf0000 + pm).forEach((b, i) => (c[pmAt + i] = b));
    const gdtr = c.length;
    e(...le16(32 * 8 - 1), ...le32(GDT));
    const idtr = c.length;
    e(...le16(r.chance(0.8) ? 256 * 8 - 1 : r.int(256 * 8)), ...le32(IDT));
    c[gdtrAt] = gdtr & 0xff;
    c[gdtrAt + 1] = gdtr >> 8;
    c[idtrAt] = idtr & 0xff;
    c[idtrAt + 1] = idtr >> 8;
  }
  const offs = chunks.map((ch) => {
    const o = c.length;
    c.push(...ch.data);
    return o;
  });
  for (const [at, i] of fix) {
    c[at] = offs[i]! & 0xff;
    c[at + 1] = offs[i]! >> 8;
  }
  const rom = new Uint8Array(0x10000);
  rom.set(c, 0);
  rom.set([0xea, 0, 0, 0, 0xf0], 0xfff0);
  return rom;
}

export interface FuzzOutcome {
  /** Final state, comparable across engines. */
  state: string;
  icount: number;
  /** A host exception (anything but the instruction limit): the emulator itself failed. */
  hostError: string | null;
}

/**
 * Run a fuzz ROM for about `limit` instructions: a no-op timer at that guest time ends the
 * machine's first slice there, so the run stops at the limit instead of a whole slice later.
 */
export async function runFuzz(image: Uint8Array, engine: 'interp' | 'tcg', limit: number): Promise<FuzzOutcome> {
  const file = writeTempRom(image);
  const con = new MemoryCharBackend();
  // The machine reports triple faults and dead halts on stderr: expected here, keep them quiet.
  const write = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  let machine: PcMachine | null = null;
  let end = '';
  let hostError: string | null = null;
  try {
    machine = new PcMachine(parseArgs(['-bios', file, ...ROM_ARGS, '-D', '/dev/null', '--engine', engine]), {
      chardevOverride: (_id, kind) => (kind === 'stdio' ? con : null),
    });
    new Timer(machine.clock, () => {}).modNs(limit * machine.nsPerInsn);
    end = `status ${await machine.run(limit)}`;
  } catch (e) {
    if (e instanceof MachineError && /without exiting/.test(e.message)) end = 'limit';
    else hostError = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    process.stderr.write = write;
    machine?.shutdown();
  }
  if (!machine) return { state: '', icount: 0, hostError };
  const cpu = machine.cpu;
  const hex = (v: number) => (v >>> 0).toString(16);
  const state = [
    end,
    `eip=${hex(cpu.eip)} efl=${hex(cpu.getEflags())} cpl=${cpu.cpl} hlt=${cpu.halted ? 1 : 0} icount=${cpu.icount}`,
    `regs=${Array.from(cpu.regs, hex).join(',')}`,
    `seg=${Array.from(cpu.segSel, hex).join(',')} base=${Array.from(cpu.segBase, hex).join(',')}`,
    `cr0=${hex(cpu.cr0)} cr2=${hex(cpu.cr2)} cr3=${hex(cpu.cr3)} cr4=${hex(cpu.cr4)}`,
    `out=${Buffer.from(con.bytes).toString('hex').slice(0, 400)} (${con.bytes.length} bytes)`,
    `stderr=${stderr.split('\n')[0]}`,
  ].join('\n');
  return { state, icount: cpu.icount, hostError };
}

export interface FuzzResult {
  seed: number;
  mode: FuzzMode;
  interp: FuzzOutcome;
  tcg: FuzzOutcome;
  agree: boolean;
}

export async function fuzzOne(seed: number, mode: FuzzMode, limit: number): Promise<FuzzResult> {
  const rom = fuzzRom(seed, mode);
  const interp = await runFuzz(rom, 'interp', limit);
  const tcg = await runFuzz(rom, 'tcg', limit);
  return { seed, mode, interp, tcg, agree: interp.state === tcg.state };
}

/**
 * For a disagreeing program: the smallest instruction limit at which the engines' states differ
 * (binary search), with both states there; the EIP in the state one instruction earlier names
 * the instruction that diverged.
 */
export async function firstDivergence(seed: number, mode: FuzzMode, limit: number): Promise<{ at: number; before: string; interp: string; tcg: string }> {
  const rom = fuzzRom(seed, mode);
  const differ = async (n: number) => (await runFuzz(rom, 'interp', n)).state !== (await runFuzz(rom, 'tcg', n)).state;
  let lo = 0;
  let hi = limit;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await differ(mid)) hi = mid;
    else lo = mid;
  }
  return {
    at: hi,
    before: (await runFuzz(rom, 'interp', lo)).state,
    interp: (await runFuzz(rom, 'interp', hi)).state,
    tcg: (await runFuzz(rom, 'tcg', hi)).state,
  };
}
