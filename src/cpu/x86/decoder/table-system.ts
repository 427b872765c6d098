// Opcode rows for system and I/O instructions: descriptor tables, control/debug registers,
// MSRs, cpuid, rdtsc, cache control, port I/O, interrupt flag, hlt, and the x87 escapes.
import { END, F, type OpRow, row, grp, range } from './op-flags.js';

const P = F.PRIV;

export const SYSTEM_ROWS: readonly OpRow[] = [
  // arpl is #UD in real and V86 mode; the CPU checks the mode.
  row(0x63, 'arpl', ['Ew', 'Gw']),
  // The x87 escapes: decoded for length only; the CPU raises #NM or emulates "no FPU".
  ...range(0xd8, 8, 'fpu_esc', [], { flags: F.MODRM }),
  // fwait checks for pending x87 exceptions (#NM when CR0.MP and TS are set).
  row(0x9b, 'fwait'),
  row(0xe4, 'in', ['AL', 'Ib'], { flags: F.IOPL }),
  row(0xe5, 'in', ['eAX', 'Ib'], { flags: F.IOPL }),
  row(0xe6, 'out', ['Ib', 'AL'], { flags: F.IOPL }),
  row(0xe7, 'out', ['Ib', 'eAX'], { flags: F.IOPL }),
  row(0xec, 'in', ['AL', 'DX'], { flags: F.IOPL }),
  row(0xed, 'in', ['eAX', 'DX'], { flags: F.IOPL }),
  row(0xee, 'out', ['DX', 'AL'], { flags: F.IOPL }),
  row(0xef, 'out', ['DX', 'eAX'], { flags: F.IOPL }),
  row(0xf4, 'hlt', [], { flags: P, end: END.HLT }),
  row(0xfa, 'cli', [], { flags: F.IOPL }),
  // sti delays interrupt recognition by one instruction.
  row(0xfb, 'sti', [], { flags: F.IOPL, end: END.SHADOW }),
  grp(0x100, 0, 'sldt', ['Ew']),
  grp(0x100, 1, 'str', ['Ew']),
  grp(0x100, 2, 'lldt', ['Ew'], { flags: P }),
  grp(0x100, 3, 'ltr', ['Ew'], { flags: P }),
  grp(0x100, 4, 'verr', ['Ew']),
  grp(0x100, 5, 'verw', ['Ew']),
  // 0F 01 with a register operand is #UD for /0-/3 and /7 on these CPUs (Ms/M are memory only).
  grp(0x101, 0, 'sgdt', ['Ms']),
  grp(0x101, 1, 'sidt', ['Ms']),
  grp(0x101, 2, 'lgdt', ['Ms'], { flags: P }),
  grp(0x101, 3, 'lidt', ['Ms'], { flags: P }),
  grp(0x101, 4, 'smsw', ['Ew']),
  grp(0x101, 6, 'lmsw', ['Ew'], { flags: P, end: END.MODE }),
  grp(0x101, 7, 'invlpg', ['M'], { flags: P, end: END.MODE, level: 486 }),
  row(0x102, 'lar', ['Gv', 'Ew']),
  row(0x103, 'lsl', ['Gv', 'Ew']),
  row(0x106, 'clts', [], { flags: P, end: END.MODE }),
  row(0x108, 'invd', [], { flags: P, level: 486 }),
  row(0x109, 'wbinvd', [], { flags: P, level: 486 }),
  // ud2 is defined to raise #UD; having its own op lets traces name it.
  row(0x10b, 'ud2', [], { end: END.INT }),
  // Prefetches and the hint-NOP space: QEMU 7.2 runs them as NOPs on every model (none reads
  // memory, so none faults); 0F 0D and 0F 18 /0-/3 are memory-only (#UD with a register).
  row(0x10d, 'prefetch', ['M']),
  ...[0, 1, 2, 3].map((r) => grp(0x118, r, 'prefetch', ['M'])),
  ...[4, 5, 6, 7].map((r) => grp(0x118, r, 'nop', ['Ev'])),
  ...range(0x119, 7, 'nop', ['Ev']),
  // CRn/DRn moves always use a register operand: ModRM.mod is ignored and no displacement follows.
  // CR1 and CR5-CR7 do not exist (#UD); DR4/DR5 alias DR6/DR7 unless CR4.DE (the CPU decides).
  ...[0, 2, 3, 4].map((c) => grp(0x120, c, 'mov', ['Rd', 'Cd'], { flags: P })),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => grp(0x121, d, 'mov', ['Rd', 'Dd'], { flags: P })),
  ...[0, 2, 3, 4].map((c) => grp(0x122, c, 'mov', ['Cd', 'Rd'], { flags: P, end: END.MODE })),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => grp(0x123, d, 'mov', ['Dd', 'Rd'], { flags: P, end: END.MODE })),
  row(0x130, 'wrmsr', [], { flags: P, end: END.MODE, level: 586 }),
  row(0x131, 'rdtsc', [], { level: 586 }),
  row(0x132, 'rdmsr', [], { flags: P, level: 586 }),
  row(0x1a2, 'cpuid', [], { level: 586 }),
  // rsm is #UD outside system-management mode; the CPU checks.
  row(0x1aa, 'rsm', [], { end: END.MODE, level: 586 }),
];
