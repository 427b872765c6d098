// Decoder unit tests: the hand-written cases, prefixes at the 15-byte limit, EIP wrap-around,
// reuse of one Insn, exceptions from the code reader, and consistency of the opcode table.
import { describe, expect, it } from 'vitest';
import { decode, Insn, OP, OPS, OP_INVALID, OP_TOO_LONG, OP_FLAGS, F, END, OP_END, opId } from '../../../../src/cpu/x86/decoder/index.js';
import { OPC_GROUP, OPC_OP, GRP_OP } from '../../../../src/cpu/x86/decoder/table.js';
import { BytesReader, dec, hex } from './bytes-reader.js';
import { CASES } from './cases.js';

describe('x86 decoder: hand-written cases', () => {
  for (const c of CASES) {
    it(`${c.code32 ? '32' : '16'}: ${c.hex} -> ${c.op}`, () => {
      const insn = dec(hex(c.hex), c.code32);
      expect(OPS[insn.op]!.name).toBe(c.op);
      expect(insn.len).toBe(c.len);
      for (const [k, v] of Object.entries(c.fields ?? {})) {
        const actual = k === 'decodedOp' ? OPS[insn.decodedOp]!.name : (insn as unknown as Record<string, unknown>)[k];
        expect(actual, k).toBe(v);
      }
      if (c.op !== 'invalid' && c.fields?.decodedOp === undefined) expect(insn.decodedOp).toBe(insn.op);
    });
  }
});

describe('x86 decoder: the 15-byte limit', () => {
  it('stops reading at 15 bytes when prefixes run on', () => {
    const bytes = hex('66 '.repeat(15) + '90');
    const r = new BytesReader(bytes);
    const insn = new Insn();
    decode(insn, r, 0, false);
    expect(insn.op).toBe(OP_TOO_LONG);
    expect(insn.len).toBe(15);
    expect(r.reads).toEqual([...Array(15).keys()]);
  });

  it('stops in the middle of an immediate', () => {
    const bytes = hex('26 26 26 26 f0 81 84 88 78 56 34 12 01 00 00 00');
    const r = new BytesReader(bytes);
    const insn = new Insn();
    decode(insn, r, 0, true);
    expect(insn.op).toBe(OP_TOO_LONG);
    expect(insn.len).toBe(15);
    expect(r.reads.length).toBe(15);
  });
});

describe('x86 decoder: fetch addresses', () => {
  it('wraps IP at 64 KiB in 16-bit code', () => {
    const r = new BytesReader(hex('b8 34 12'), 0xfffe, 0x10000);
    const insn = new Insn();
    decode(insn, r, 0xfffe, false);
    expect(r.reads).toEqual([0xfffe, 0xffff, 0x0000]);
    expect(insn.imm).toBe(0x1234);
    expect(insn.eip).toBe(0xfffe);
  });

  it('wraps EIP at 4 GiB in 32-bit code, as unsigned', () => {
    const r = new BytesReader(hex('eb fe'), 0xffffffff);
    const insn = new Insn();
    decode(insn, r, 0xffffffff, true);
    expect(r.reads).toEqual([0xffffffff, 0]);
    expect(OPS[insn.op]!.name).toBe('jmp_Jb');
  });

  it('lets the reader throw a guest exception through', () => {
    const fault = { vector: 14, errorCode: 0 };
    const reader = { readCode8: (eip: number) => { if (eip >= 0x1001) throw fault; return 0xb8; } };
    expect(() => decode(new Insn(), reader, 0x1000, true)).toThrow(expect.objectContaining({ vector: 14 }));
  });
});

describe('x86 decoder: one Insn reused', () => {
  it('clears memory-operand fields between decodes', () => {
    const insn = new Insn();
    decode(insn, new BytesReader(hex('f3 26 f0 81 84 88 78 56 34 12 01 00 00 00')), 0, true);
    expect(insn.isMem).toBe(true);
    decode(insn, new BytesReader(hex('01 c0')), 0, true);
    expect(insn).toMatchObject({ op: OP.add_Ev_Gv, isMem: false, base: -1, index: -1, scale: 0, disp: 0, imm: 0, imm2: 0, segOverride: -1, seg: 3, rep: 0, lock: false, len: 2, prefixLen: 0 });
  });
});

describe('x86 opcode table', () => {
  it('numbers ops by name', () => {
    expect(OPS[OP_INVALID]!.name).toBe('invalid');
    expect(OPS[OP_TOO_LONG]!.name).toBe('too_long');
    OPS.forEach((o, i) => {
      expect(o.id).toBe(i);
      expect(OP[o.name]).toBe(i);
    });
    expect(opId('add_Eb_Gb')).toBe(OP.add_Eb_Gb);
    expect(() => opId('add_Eb_Gx')).toThrow(/no op named/);
  });

  it('defines every one-byte opcode except prefixes and the 0F escape', () => {
    const prefixes = new Set([0x0f, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);
    const missing: string[] = [];
    for (let b = 0; b < 256; b++) {
      if (prefixes.has(b)) continue;
      const defined = OPC_OP[b] !== 0 || (OPC_GROUP[b] === 1 && [0, 1, 2, 3, 4, 5, 6, 7].some((r) => GRP_OP[b * 8 + r] !== 0));
      if (!defined) missing.push(b.toString(16));
    }
    expect(missing).toEqual([]);
  });

  it('allows LOCK on exactly the SDM list of instructions', () => {
    const sdm = ['adc', 'add', 'and', 'btc', 'btr', 'bts', 'cmpxchg', 'cmpxchg8b', 'dec', 'inc', 'neg', 'not', 'or', 'sbb', 'sub', 'xadd', 'xchg', 'xor'];
    const lockable = new Set(OPS.filter((o) => OP_FLAGS[o.id]! & F.LOCK).map((o) => o.mnemonic));
    expect([...lockable].sort()).toEqual(sdm);
    // Every lockable op has a memory-capable first operand.
    for (const o of OPS.filter((o) => OP_FLAGS[o.id]! & F.LOCK)) expect(o.operands[0]![0], o.name).toMatch(/[EM]/);
  });

  it('marks block ends', () => {
    expect(OP_END[OP.jcc_Jb!]).toBe(END.BRANCH);
    expect(OP_END[OP.mov_SS_Ew!]).toBe(END.SHADOW);
    expect(OP_END[OP.pop_SS!]).toBe(END.SHADOW);
    expect(OP_END[OP.sti!]).toBe(END.SHADOW);
    expect(OP_END[OP.popf!]).toBe(END.POPF);
    expect(OP_END[OP.mov_Cd_Rd!]).toBe(END.MODE);
    expect(OP_END[OP.lmsw_Ew!]).toBe(END.MODE);
    expect(OP_END[OP.hlt!]).toBe(END.HLT);
    expect(OP_END[OP.add_Ev_Gv!]).toBe(END.NONE);
    expect(OPS[OP.cmpxchg8b_Mq!]!.level).toBe(586);
    expect(OPS[OP.bswap_Zv!]!.level).toBe(486);
  });
});
