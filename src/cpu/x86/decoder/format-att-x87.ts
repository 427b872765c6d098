// AT&T names of the x87 escapes (D8-DF) as capstone 4 prints them: memory forms carry the
// operand's size in the suffix (s/l/t, and s/l/ll for integers), register forms name %st(i).
import type { Insn } from './insn.js';
import { attMem } from './format-att-operands.js';

/** Memory forms by opcode (D8-DF) and ModRM.reg; '' where the encoding is undefined. */
const MEM: readonly (readonly string[])[] = [
  ['fadds', 'fmuls', 'fcoms', 'fcomps', 'fsubs', 'fsubrs', 'fdivs', 'fdivrs'],
  ['flds', '', 'fsts', 'fstps', 'fldenv', 'fldcw', 'fnstenv', 'fnstcw'],
  ['fiaddl', 'fimull', 'ficoml', 'ficompl', 'fisubl', 'fisubrl', 'fidivl', 'fidivrl'],
  ['fildl', 'fisttpl', 'fistl', 'fistpl', '', 'fldt', '', 'fstpt'],
  ['faddl', 'fmull', 'fcoml', 'fcompl', 'fsubl', 'fsubrl', 'fdivl', 'fdivrl'],
  ['fldl', 'fisttpll', 'fstl', 'fstpl', 'frstor', '', 'fnsave', 'fnstsw'],
  ['fiadds', 'fimuls', 'ficoms', 'ficomps', 'fisubs', 'fisubrs', 'fidivs', 'fidivrs'],
  ['filds', 'fisttps', 'fists', 'fistps', 'fbld', 'fildll', 'fbstp', 'fistpll'],
];

/** D9 E0-FF: the operand-less forms, by the low 5 bits of ModRM. */
const D9_LOW = [
  'fchs', 'fabs', '', '', 'ftst', 'fxam', '', '',
  'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', '',
  'f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp',
  'fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos',
];

/**
 * Register forms by ModRM.reg. For DC and DE these are gas's names, which swap fsub/fsubr and
 * fdiv/fdivr against Intel's (DE E9 is Intel's fsubp, capstone's fsubrp).
 */
const ARITH = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
const FCMOV_DA = ['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'];
const FCMOV_DB = ['fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'];

const st = (i: number) => `%st(${i})`;

export function x87Att(insn: Insn): { mnemonic: string; ops: string } {
  const esc = insn.opcode & 7;
  if (insn.isMem) {
    const name = MEM[esc]![insn.reg]!;
    return name === '' ? { mnemonic: '(bad)', ops: '' } : { mnemonic: name, ops: attMem(insn) };
  }
  const i = insn.rm;
  const r = insn.reg;
  const one = (mnemonic: string, ops = '') => ({ mnemonic, ops });
  switch (esc) {
    case 0:
      return one(ARITH[r]!, st(i));
    case 1:
      if (r === 0) return one('fld', st(i));
      if (r === 1) return one('fxch', st(i));
      if (r === 2 && i === 0) return one('fnop');
      if (r >= 4) {
        const name = D9_LOW[(r - 4) * 8 + i]!;
        return name === '' ? one('(bad)') : one(name);
      }
      return one('(bad)');
    case 2:
      if (r < 4) return one(FCMOV_DA[r]!, `${st(i)}, %st(0)`);
      return r === 5 && i === 1 ? one('fucompp') : one('(bad)');
    case 3:
      if (r < 4) return one(FCMOV_DB[r]!, `${st(i)}, %st(0)`);
      if (r === 4) return i === 2 ? one('fnclex') : i === 3 ? one('fninit') : one('(bad)');
      if (r === 5) return one('fucomi', st(i));
      if (r === 6) return one('fcomi', st(i));
      return one('(bad)');
    case 4:
      return r === 2 || r === 3 ? one(ARITH[r]!, st(i)) : one(ARITH[r]!, `%st(0), ${st(i)}`);
    case 5:
      return one(['ffree', 'fxch', 'fst', 'fstp', 'fucom', 'fucomp', '(bad)', '(bad)'][r]!, r >= 6 ? '' : st(i));
    case 6:
      if (r === 3) return i === 1 ? one('fcompp') : one('(bad)');
      if (r === 2) return one('fcomp', st(i));
      return one(ARITH[r]! + 'p', st(i));
    default:
      if (r === 4) return i === 0 ? one('fnstsw', '%ax') : one('(bad)');
      if (r === 5) return one('fucomip', st(i));
      if (r === 6) return one('fcomip', st(i));
      if (r === 0) return one('ffreep', st(i));
      return one('(bad)');
  }
}
