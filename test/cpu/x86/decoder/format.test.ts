// Formatter tests: our own trace style for special cases, and operand text (registers, segment,
// base/index/scale, displacement, immediates) checked against capstone on seeded random streams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, formatInsn, Insn, OPS, OP_INVALID, OP_TOO_LONG, type OpInfo } from '../../../../src/cpu/x86/decoder/index.js';
import { BytesReader, dec, hex } from './bytes-reader.js';
import { CapstoneRef } from './capstone-ref.js';
import { CASES } from './cases.js';

let ref: CapstoneRef;
beforeAll(async () => { ref = await CapstoneRef.open(); });
afterAll(() => ref.close());

describe('formatInsn: trace style', () => {
  it('prints prefixes, short string forms and bad encodings', () => {
    expect(formatInsn(dec(hex('f3 a4'), false))).toBe('rep movsb');
    expect(formatInsn(dec(hex('f3 a7'), true))).toBe('repe cmpsd');
    expect(formatInsn(dec(hex('2e f2 ae'), false))).toBe('repne scasb');
    expect(formatInsn(dec(hex('2e ac'), false))).toBe('cs lodsb');
    expect(formatInsn(dec(hex('f0 01 07'), false))).toBe('lock add word [bx], ax');
    expect(formatInsn(dec(hex('f0 8b 07'), false))).toBe('(bad) lock mov ax, word [bx]');
    expect(formatInsn(dec(hex('0f 0b'), false))).toBe('ud2');
    expect(formatInsn(dec(hex('0f 18 08'), true))).toBe('prefetcht0 byte [eax]');
    expect(formatInsn(dec(hex('0f 0d 08'), true))).toBe('prefetchw byte [eax]');
    expect(formatInsn(dec(hex('0f 1f 44 00 00'), true))).toBe('nop dword [eax+eax]');
    expect(formatInsn(dec(hex('0f ff'), false))).toBe('(bad)');
    expect(formatInsn(dec(hex('66 '.repeat(15) + '90'), false))).toBe('(bad: longer than 15 bytes)');
    expect(formatInsn(dec(hex('d9 e8'), false))).toBe('fpu_esc 0xd9, 0xe8');
    expect(formatInsn(dec(hex('ea 00 01 00 f0'), false))).toBe('jmp far 0xf000:0x100');
  });

  it('resolves relative targets from the instruction EIP, wrapped to the operand size', () => {
    const insn = new Insn();
    decode(insn, new BytesReader(hex('eb 10'), 0xfff0, 0x10000), 0xfff0, false);
    expect(formatInsn(insn)).toBe('jmp 0x2');
    decode(insn, new BytesReader(hex('e9 00 00 00 80'), 0x1000), 0x1000, true);
    expect(formatInsn(insn)).toBe('jmp 0x80001005');
  });
});

// capstone spells some mnemonics differently; map them to ours.
const SYNONYMS: Record<string, string> = {
  sal: 'shl', loope: 'loopz', loopne: 'loopnz', wait: 'fwait', pushaw: 'pusha', pushal: 'pushad', popaw: 'popa', popal: 'popad',
};

/** Ops whose text is compared in another style on purpose, so they are not compared to capstone. */
function styleDiffers(insn: Insn, info: OpInfo, code32: boolean): boolean {
  const m = info.mnemonic;
  // We print short string forms (movsb) and no x87 names; capstone prints operands and fimul etc.
  if (['movs', 'cmps', 'stos', 'lods', 'scas', 'ins', 'outs', 'fpu_esc'].includes(m)) return true;
  // capstone: lcall/ljmp syntax, signed enter operands, "dword" for bound's 16-bit pair,
  // and cbw/cwd named cwde/cdq in 16-bit mode; the shift-by-1 forms sometimes drop the 1.
  if (['callf', 'jmpf', 'enter', 'bound', 'cbw', 'cwd'].includes(m) || info.operands.includes('1')) return true;
  // capstone does not wrap relative targets to a 16-bit operand size, and applies 67h to them.
  if (info.operands.some((o) => o[0] === 'J')) return !code32 || insn.opsize !== 32 || insn.adsize !== 32;
  // capstone names parts of the hint-NOP space by later CPUs' forms (MPX, cldemote), gives
  // register forms two operands and sizes every hint NOP as dword; we print one `nop Ev`.
  if (m === 'nop' && info.operands.length > 0) return true;
  // capstone drops the segment override of xlat.
  return m === 'xlat' && insn.segOverride >= 0;
}

function normalizeCapstone(mnemonic: string, opStr: string, insn: Insn, info: OpInfo): string {
  // F2/F3 read as MPX "bnd" or TSX hints on later CPUs; here they are plain (ignored) REP prefixes.
  const bare = mnemonic.replace(/^((bnd|xacquire|xrelease) )+/, '');
  const m = SYNONYMS[bare] ?? bare;
  // capstone gives invlpg's M operand a byte size.
  if (m === 'invlpg') opStr = opStr.replace(/^byte ptr /, '');
  let ops = opStr.replace(/ ptr /g, ' ').replace(/ ([+*-]) /g, '$1').replace(/\b([c-gs]s):\[/g, '[$1:');
  // Numbers: capstone prints small values in decimal and sign-extended immediates as negative.
  const immBits = /^(AL|[EGZ]b)$/.test(info.operands[0] ?? '') ? 8 : insn.opsize;
  ops = ops.replace(/(^|, )-(0x[0-9a-f]+|\d+)$/, (_, sep: string, v: string) => {
    const n = (-Number(v) >>> 0) & (immBits === 32 ? 0xffffffff : (1 << immBits) - 1);
    return `${sep}0x${(n >>> 0).toString(16)}`;
  });
  ops = ops.replace(/(?<![\w*])(\d+)(?!\w)/g, (_, d: string) => '0x' + Number(d).toString(16));
  return `${m} ${ops}`.trim();
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('formatInsn vs capstone', () => {
  it('prints the hand-written cases as capstone does', () => {
    const diffs: string[] = [];
    for (const c of CASES) {
      const insn = dec(hex(c.hex), c.code32);
      const cs = ref.disasm(hex(c.hex), c.code32);
      if (insn.op === OP_INVALID || insn.op === OP_TOO_LONG || cs === null || styleDiffers(insn, OPS[insn.op]!, c.code32)) continue;
      const ours = formatInsn(insn);
      const theirs = normalizeCapstone(cs.mnemonic, cs.opStr, insn, OPS[insn.op]!);
      if (ours !== theirs) diffs.push(`${c.hex}: ${ours} | capstone ${theirs}`);
    }
    expect(diffs).toEqual([]);
  });

  for (const code32 of [false, true]) {
    it(`prints the same operands as capstone on random ${code32 ? '32' : '16'}-bit streams`, () => {
      const rnd = mulberry32(code32 ? 0xf32 : 0xf16);
      const bytes = new Uint8Array(16);
      const diffs: string[] = [];
      let compared = 0;
      for (let n = 0; n < 20_000; n++) {
        for (let i = 0; i < 16; i++) bytes[i] = (rnd() * 256) | 0;
        if (rnd() < 0.3) bytes[0] = 0x0f;
        const insn = dec(bytes, code32);
        if (insn.op === OP_INVALID) continue;
        const info = OPS[insn.op]!;
        const cs = ref.disasm(bytes, code32);
        if (cs === null || styleDiffers(insn, info, code32)) continue;
        compared++;
        const ours = formatInsn(insn);
        const theirs = normalizeCapstone(cs.mnemonic, cs.opStr, insn, info);
        if (ours !== theirs) diffs.push(`${Array.from(bytes.slice(0, insn.len), (b) => b.toString(16).padStart(2, '0')).join(' ')}: ${ours} | capstone ${theirs}`);
      }
      expect(diffs.slice(0, 20)).toEqual([]);
      expect(compared).toBeGreaterThan(10_000);
    });
  }
});
