// Opcode rows for integer arithmetic and logic: the 00-3F block, group 1 (80-83), inc/dec,
// group 3 (F6/F7), imul forms, decimal adjust, bit tests and scans, xadd and cmpxchg.
import { F, type OpRow, row, grp, group8, range } from './op-flags.js';

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;

function aluBlock(): OpRow[] {
  const rows: OpRow[] = [];
  ALU.forEach((m, i) => {
    const base = i * 8;
    // cmp only reads its destination, so it is not on the SDM's LOCK list.
    const lock = m === 'cmp' ? 0 : F.LOCK;
    rows.push(
      row(base + 0, m, ['Eb', 'Gb'], { flags: lock }),
      row(base + 1, m, ['Ev', 'Gv'], { flags: lock }),
      row(base + 2, m, ['Gb', 'Eb']),
      row(base + 3, m, ['Gv', 'Ev']),
      row(base + 4, m, ['AL', 'Ib']),
      row(base + 5, m, ['eAX', 'Iz']),
    );
  });
  return rows;
}

function group1(): OpRow[] {
  const lock = (ext: number) => ({ flags: ext === 7 ? 0 : F.LOCK });
  return [
    ...group8(0x80, ALU, ['Eb', 'Ib'], lock),
    ...group8(0x81, ALU, ['Ev', 'Iz'], lock),
    // 82 is an alias of 80 outside 64-bit mode (same ops, so no F.UNDOC: flags are per op).
    ...group8(0x82, ALU, ['Eb', 'Ib'], lock),
    ...group8(0x83, ALU, ['Ev', 'Ib'], (ext) => ({ flags: (ext === 7 ? 0 : F.LOCK) | F.SX })),
  ];
}

function group3(): OpRow[] {
  const rows: OpRow[] = [];
  for (const [op, e, imm] of [[0xf6, 'Eb', 'Ib'], [0xf7, 'Ev', 'Iz']] as const) {
    rows.push(
      grp(op, 0, 'test', [e, imm]),
      // /1 behaves as /0 on Intel parts (QEMU agrees).
      grp(op, 1, 'test', [e, imm]),
      grp(op, 2, 'not', [e], { flags: F.LOCK }),
      grp(op, 3, 'neg', [e], { flags: F.LOCK }),
      grp(op, 4, 'mul', [e]),
      grp(op, 5, 'imul', [e]),
      grp(op, 6, 'div', [e]),
      grp(op, 7, 'idiv', [e]),
    );
  }
  return rows;
}

export const ALU_ROWS: readonly OpRow[] = [
  ...aluBlock(),
  ...group1(),
  ...range(0x40, 8, 'inc', ['Zv']),
  ...range(0x48, 8, 'dec', ['Zv']),
  row(0x27, 'daa'),
  row(0x2f, 'das'),
  row(0x37, 'aaa'),
  row(0x3f, 'aas'),
  row(0x69, 'imul', ['Gv', 'Ev', 'Iz'], { flags: F.SX }),
  row(0x6b, 'imul', ['Gv', 'Ev', 'Ib'], { flags: F.SX }),
  row(0x84, 'test', ['Eb', 'Gb']),
  row(0x85, 'test', ['Ev', 'Gv']),
  row(0x98, 'cbw'),
  row(0x99, 'cwd'),
  row(0xa8, 'test', ['AL', 'Ib']),
  row(0xa9, 'test', ['eAX', 'Iz']),
  row(0xd4, 'aam', ['Ib']),
  row(0xd5, 'aad', ['Ib']),
  // salc: undocumented "set AL from carry", executed by every Intel part of the era.
  row(0xd6, 'salc', [], { flags: F.UNDOC }),
  row(0xf5, 'cmc'),
  row(0xf8, 'clc'),
  row(0xf9, 'stc'),
  row(0xfc, 'cld'),
  row(0xfd, 'std'),
  ...group3(),
  grp(0xfe, 0, 'inc', ['Eb'], { flags: F.LOCK }),
  grp(0xfe, 1, 'dec', ['Eb'], { flags: F.LOCK }),
  grp(0xff, 0, 'inc', ['Ev'], { flags: F.LOCK }),
  grp(0xff, 1, 'dec', ['Ev'], { flags: F.LOCK }),
  row(0x1a3, 'bt', ['Ev', 'Gv']),
  row(0x1ab, 'bts', ['Ev', 'Gv'], { flags: F.LOCK }),
  row(0x1af, 'imul', ['Gv', 'Ev']),
  row(0x1b3, 'btr', ['Ev', 'Gv'], { flags: F.LOCK }),
  grp(0x1ba, 4, 'bt', ['Ev', 'Ib']),
  grp(0x1ba, 5, 'bts', ['Ev', 'Ib'], { flags: F.LOCK }),
  grp(0x1ba, 6, 'btr', ['Ev', 'Ib'], { flags: F.LOCK }),
  grp(0x1ba, 7, 'btc', ['Ev', 'Ib'], { flags: F.LOCK }),
  row(0x1bb, 'btc', ['Ev', 'Gv'], { flags: F.LOCK }),
  row(0x1bc, 'bsf', ['Gv', 'Ev']),
  row(0x1bd, 'bsr', ['Gv', 'Ev']),
  row(0x1b0, 'cmpxchg', ['Eb', 'Gb'], { flags: F.LOCK, level: 486 }),
  row(0x1b1, 'cmpxchg', ['Ev', 'Gv'], { flags: F.LOCK, level: 486 }),
  row(0x1c0, 'xadd', ['Eb', 'Gb'], { flags: F.LOCK, level: 486 }),
  row(0x1c1, 'xadd', ['Ev', 'Gv'], { flags: F.LOCK, level: 486 }),
  grp(0x1c7, 1, 'cmpxchg8b', ['Mq'], { flags: F.LOCK, level: 586 }),
];
