// The documented places where QEMU 7.2 departs from the SDM and tcg86 follows the hardware
// (test/golden/DEVIATIONS.md), as rules the live difftest applies: a difference from QEMU is
// excused only when the block has the instruction a rule is about and every differing field is
// one that rule lets differ. The committed corpus's HARDWARE_FIXUPS must each be excused by one
// (rules.test.ts), so both runs apply the same rules.

import { decode, Insn, OPS } from '../../src/cpu/x86/decoder/index.js';
import { windows, type Program, type Rom } from './gen.js';

/** One instruction of the block: where the CPU sees it (EIP) and what it is. */
export interface BlockInsn {
  eip: number;
  name: string;
  isMem: boolean;
}

export interface HardwareRule {
  name: string;
  /** Where the rule is documented. */
  doc: string;
  /** The block has an instruction this rule is about. */
  applies(insns: readonly BlockInsn[]): boolean;
  /** Which EFLAGS bits may differ (in the end/exc line and in flag images on the stack). */
  flagBits: number;
  /** The differing dump must also be an exception at one of the rule's instructions. */
  atFault?: (insns: readonly BlockInsn[], eip: number) => boolean;
  /**
   * Memory bytes QEMU wrote before a page fault (up to this many below the faulting page) may
   * be left unwritten by tcg86, which checks the whole store first.
   */
  partialStore?: number;
}

/** The arithmetic flags QEMU computes from stale or partial state in these rules. */
const ARITH = 0x8d5;
const ZF = 0x40;

const isRcxMem = (i: BlockInsn) => i.isMem && /^(rcl|rcr)_/.test(i.name);
const isFpuMem = (i: BlockInsn) => i.isMem && i.name === 'fpu_esc';
const isSetccMem = (i: BlockInsn) => i.isMem && i.name.startsWith('setcc_');

export const HARDWARE_RULES: readonly HardwareRule[] = [
  {
    // QEMU's EFLAGS after it can hold any stale bits, even outside the arithmetic flags.
    name: 'cmpxchg8b writes only ZF',
    doc: 'DEVIATIONS.md: difftest corpus, real mode seeds 1098 and 1104 (cmpxchg8b)',
    applies: (insns) => insns.some((i) => i.name.startsWith('cmpxchg8b')),
    flagBits: ~ZF >>> 0,
  },
  {
    name: 'rcl/rcr on memory whose store faults keeps the previous flags',
    doc: 'REFERENCE.md: rcl/rcr on memory whose store faults (QEMU leaks partly computed flags)',
    applies: (insns) => insns.some(isRcxMem),
    flagBits: ARITH,
    atFault: (insns, eip) => insns.some((i) => i.eip === eip && isRcxMem(i)),
  },
  {
    // QEMU makes EFLAGS eager to test the condition, then the store faults and the frame gets
    // flags computed from the clobbered lazy state; setcc changes no flag (SDM).
    name: 'setcc on memory whose store faults keeps the flags',
    doc: 'DEVIATIONS.md: setcc on memory whose store faults',
    applies: (insns) => insns.some(isSetccMem),
    flagBits: ARITH,
    atFault: (insns, eip) => insns.some((i) => i.eip === eip && isSetccMem(i)),
  },
  {
    // fnstenv/fnsave/fstp m80: QEMU's helpers store field by field, so the part before the
    // faulting page is written; tcg86 checks the whole operand first and writes nothing.
    name: 'x87 store that faults writes nothing',
    doc: 'DEVIATIONS.md: x87, a store\'s memory is checked before anything is written',
    applies: (insns) => insns.some(isFpuMem),
    flagBits: 0,
    atFault: (insns, eip) => insns.some((i) => i.eip === eip && isFpuMem(i)),
    partialStore: 108,
  },
];

/** A dump (run.ts formatDump) split into its parts. */
export interface Dump {
  status: string;
  /** 'end' or 'exc V err=.. cr2=.. eip=.. cs=..' without the flags. */
  head: string;
  eflags: number;
  eip: number;
  regs: string;
  segs: string;
  /** Per window: address -> byte, for the bytes that differ from the initial contents. */
  windows: Map<number, number>[];
}

export function parseDump(text: string): Dump | null {
  const lines = text.split('\n');
  if (lines.length < 4) return null;
  const m = /^(.*) eflags=([0-9a-f]{8})$/.exec(lines[1]!);
  if (!m) return null;
  const eipM = / eip=([0-9a-f]{8})/.exec(m[1]!);
  return {
    status: lines[0]!,
    head: m[1]!,
    eflags: parseInt(m[2]!, 16),
    eip: eipM ? parseInt(eipM[1]!, 16) : -1,
    regs: lines[2]!,
    segs: lines[3]!,
    windows: lines.slice(4).map((l) => {
      const map = new Map<number, number>();
      for (const kv of l.slice(l.indexOf(':') + 1).trim().split(' ').filter(Boolean)) {
        const [a, v] = kv.split('=') as [string, string];
        map.set(parseInt(a, 16), parseInt(v, 16));
      }
      return map;
    }),
  };
}

/** The block's instructions with their EIPs (decoded from the ROM image). */
export function blockInsns(rom: Rom, p: Program, keep?: readonly boolean[]): BlockInsn[] {
  const insn = new Insn();
  const img = rom.image;
  const base = rom.code32 ? 0xf0000 : 0;
  const out: BlockInsn[] = [];
  p.units.forEach((u, k) => {
    if (keep && !keep[k]) return;
    const start = rom.unitOffsets[k]!;
    for (let off = start; off < start + u.bytes.length; ) {
      decode(insn, { readCode8: (eip) => img[(eip - base) & 0xffff]! }, base + off, rom.code32);
      out.push({ eip: rom.code32 ? base + off : off, name: OPS[insn.decodedOp]!.name, isMem: insn.isMem });
      off += Math.max(1, insn.len);
    }
  });
  return out;
}

/**
 * Whether `got` differs from `qemu` only as `rule` allows: the same head, registers and
 * segments; EFLAGS different only in rule.flagBits; and each differing window byte an image of
 * one byte of those flag bits (pushed by pushf or an exception frame).
 */
function within(rule: HardwareRule, p: Program, q: Dump, g: Dump): boolean {
  if (q.status !== g.status || q.head !== g.head || q.regs !== g.regs || q.segs !== g.segs) return false;
  if (((q.eflags ^ g.eflags) & ~rule.flagBits) !== 0) return false;
  const byteMasks = [0, 8, 16, 24].map((s) => (rule.flagBits >>> s) & 0xff);
  const wins = windows(p.mode);
  const cr2 = /^exc 14 .*cr2=([0-9a-f]{8})/.exec(q.head);
  const page = cr2 ? parseInt(cr2[1]!, 16) & ~0xfff : -1;
  const unwritten = (addr: number, got: number | undefined, initial: number) =>
    rule.partialStore !== undefined && page >= 0 && addr < page && addr >= page - rule.partialStore && (got ?? initial) === initial;
  for (let w = 0; w < wins.length; w++) {
    const a = q.windows[w]!;
    const b = g.windows[w]!;
    const init = p.init[w]!;
    for (const addr of new Set([...a.keys(), ...b.keys()])) {
      const initial = init[addr - wins[w]!.start]!;
      const x = (a.get(addr) ?? initial) ^ (b.get(addr) ?? initial);
      if (x !== 0 && byteMasks.every((m) => (x & ~m) !== 0) && !unwritten(addr, b.get(addr), initial)) return false;
    }
  }
  return true;
}

/** The rule that excuses `got` differing from QEMU's dump, or null when nothing does. */
export function excusingRule(rom: Rom, p: Program, qemuDump: string, gotDump: string, keep?: readonly boolean[]): HardwareRule | null {
  const q = parseDump(qemuDump);
  const g = parseDump(gotDump);
  if (!q || !g) return null;
  const insns = blockInsns(rom, p, keep);
  for (const rule of HARDWARE_RULES) {
    if (!rule.applies(insns)) continue;
    if (rule.atFault && (!q.head.startsWith('exc') || !rule.atFault(insns, q.eip))) continue;
    if (within(rule, p, q, g)) return rule;
  }
  return null;
}
