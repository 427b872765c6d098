// Cross-check of instruction lengths against capstone on the hand-written cases and on random
// byte streams in 16- and 32-bit code. Where both decoders accept, lengths must be equal; where
// only one accepts, the reason must be one of the allowlisted categories below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Insn, OPS, OP_INVALID, OP_TOO_LONG } from '../../../../src/cpu/x86/decoder/index.js';
import { OP } from '../../../../src/cpu/x86/decoder/index.js';
import { dec, hex } from './bytes-reader.js';
import { CapstoneRef, type RefInsn } from './capstone-ref.js';
import { CASES } from './cases.js';

let ref: CapstoneRef;
beforeAll(async () => { ref = await CapstoneRef.open(); });
afterAll(() => ref.close());

// Instructions of later CPUs that capstone decodes and we leave invalid (#UD on our CPUs).
const LATER_SYSTEM = new Set([
  'syscall', 'sysret', 'sysenter', 'sysexit', 'rdpmc', 'getsec', 'femms', 'emms', 'ud0', 'ud1',
  'rdtscp', 'swapgs', 'monitor', 'mwait', 'clac', 'stac', 'encls', 'enclu', 'xgetbv', 'xsetbv',
  'vmcall', 'vmlaunch', 'vmresume', 'vmxoff', 'vmfunc', 'vmread', 'vmwrite', 'vmptrld', 'vmptrst',
  'vmclear', 'vmxon', 'invept', 'invvpid', 'rdrand', 'rdseed', 'cmpxchg16b', 'popcnt', 'lzcnt', 'tzcnt',
  'movbe', 'crc32', 'wrpkru', 'rdpkru', 'xabort', 'xbegin', 'xend', 'xtest', 'cldemote', 'clflush',
  'clflushopt', 'clwb', 'mfence', 'lfence', 'sfence', 'movnti', 'ldmxcsr', 'stmxcsr', 'fxsave',
  'fxrstor', 'rdfsbase', 'rdgsbase', 'wrfsbase', 'wrgsbase', 'ptwrite', 'incsspd', 'rdsspd', 'endbr32',
  'endbr64', 'pconfig', 'prefetch', 'prefetchw', 'prefetchnta', 'prefetcht0', 'prefetcht1',
  'prefetcht2', 'nop', 'invpcid', 'rdpid', 'umonitor', 'umwait', 'tpause', 'serialize', 'xsusldtrk',
  'xresldtrk', 'enqcmd', 'enqcmds', 'movdiri', 'movdir64b', 'saveprevssp', 'rstorssp', 'setssbsy',
  'clrssbsy', 'wrssd', 'wrussd', 'incsspq', 'sha1rnds4', 'sha1nexte', 'sha1msg1', 'sha1msg2',
  'sha256rnds2', 'sha256msg1', 'sha256msg2', 'adcx', 'adox', 'rdpru', 'mcommit', 'clzero', 'invlpga',
  'vmrun', 'vmload', 'vmsave', 'skinit', 'stgi', 'clgi', 'invlpgb', 'tlbsync', 'rmpadjust', 'pvalidate',
]);

/** Why only capstone accepts: a category name, or null when it is unexplained (a bug here). */
function onlyCapstone(insn: Insn, cs: RefInsn): string | null {
  const o = insn.opcode;
  if (/\b[xyz]?mm\d|\bbnd\d|\bk\d\b/.test(cs.opStr) || (o >= 0x110 && o <= 0x117) || (o >= 0x128 && o <= 0x12f) ||
    (o >= 0x150 && o <= 0x17f) || (o >= 0x1c2 && o <= 0x1c6) || o >= 0x1d0) {
    return 'later CPUs: MMX/SSE/AVX/MPX (0F 10-17, 28-2F, 50-7F, C2-C6, D0-FF)';
  }
  if (o === 0x138 || o === 0x13a) return 'later CPUs: 0F 38 / 0F 3A opcode maps';
  // capstone puts prefixes into the mnemonic ("lock nop").
  const mnemonic = cs.mnemonic.replace(/^((lock|rep|repe|repne|repz|repnz|bnd|notrack|xacquire|xrelease) )+/, '');
  if (LATER_SYSTEM.has(mnemonic) || /^(xsave|xrstor|xcrypt|xstore|xsha|montmul|vm|pf|pi2f|pswap|prefetch)/.test(mnemonic)) {
    return 'later CPUs: system, hint-nop, prefetch and misc instructions';
  }
  // 8E /1 (mov cs), Sreg 6/7, CR1/CR5-7: the registers do not exist and the CPU raises #UD.
  if (cs.mnemonic === 'mov' && /\bcs,|\bcr[15-9]\b|\bcr1[0-5]\b/.test(cs.opStr)) return 'nonexistent register (#UD on hardware)';
  return null;
}

/** Why only we accept: a category name, or null when it is unexplained. */
function onlyOurs(insn: Insn): string | null {
  // LOCK on a non-lockable form or a register destination, or a register for an M operand:
  // we decode the length but op is OP_INVALID, so both decoders refuse to run it.
  if (insn.op === OP_INVALID) return insn.lock ? 'LOCK #UD (we decode the length, op invalid)' : 'M operand with a register (op invalid)';
  // capstone leaves parts of the hint-NOP space (0F 19-1F) and of 0F 0D undecoded; QEMU 7.2
  // runs them as NOPs on every model.
  if (insn.op === OP.nop_Ev || insn.op === OP.prefetch_M) return 'hint-NOP / prefetch forms capstone rejects';
  // capstone drops reserved x87 encodings; every D8-DF form decodes here for the #NM/no-FPU path.
  if (insn.op === OP.fpu_esc) return 'x87 reserved encodings';
  // 66 0F 77 has no SSE meaning for capstone; here it decodes as emms and the CPU raises #UD
  // for every 66/F2/F3-prefixed MMX form (tcg86 has no SSE).
  if (insn.op === OP.emms) return '66 0F 77 (prefixed MMX: #UD at run time)';
  // capstone reads F2/F3 before 0F xx as SSE mandatory prefixes and refuses unknown pairs;
  // on a 386-Pentium they are plain REP prefixes, ignored by non-string instructions.
  // F3 90 (pause) with other prefixes is the same case.
  if (insn.rep !== 0 && (insn.opcode >= 0x100 || insn.opcode === 0x90)) return 'F2/F3 before 0F xx or 90 (capstone: mandatory prefix)';
  return null;
}

/** Both accept. C4/C5/62 with a register operand are VEX/EVEX to capstone but les/lds/bound (#UD) to these CPUs. */
function bothAccept(insn: Insn, cs: RefInsn): string {
  if ((insn.opcode === 0xc4 || insn.opcode === 0xc5 || insn.opcode === 0x62) && insn.mod === 3 && insn.op === OP_INVALID) {
    return 'VEX/EVEX (capstone) vs les/lds/bound with a register (#UD)';
  }
  return insn.len === cs.size ? 'agree' : 'MISMATCH';
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3];
const STREAMS = 50_000;

const fmt = (b: ArrayLike<number>, n: number) => Array.from(b).slice(0, n).map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('x86 decoder vs capstone', () => {
  it('agrees on the length of every hand-written case capstone decodes', () => {
    let compared = 0;
    for (const c of CASES) {
      const insn = dec(hex(c.hex), c.code32);
      const cs = ref.disasm(hex(c.hex), c.code32);
      if (cs === null || insn.op === OP_INVALID || insn.op === OP_TOO_LONG) continue;
      expect(insn.len, `${c.hex}: capstone says ${cs.mnemonic} ${cs.opStr}`).toBe(cs.size);
      compared++;
    }
    expect(compared).toBeGreaterThan(CASES.length / 2);
  });

  for (const code32 of [false, true]) {
    it(`matches lengths on ${STREAMS} random ${code32 ? '32' : '16'}-bit streams (seeded)`, () => {
      const rnd = mulberry32(code32 ? 0x3232 : 0x1616);
      const counts = new Map<string, number>();
      const unexplained: string[] = [];
      const agreedOps = new Set<number>();
      const bytes = new Uint8Array(16);
      // Register-only forms a random ModRM rarely hits (0F 71-73 /r ib) count when a
      // hand-written case of this mode agrees.
      for (const c of CASES) {
        if (c.code32 !== code32) continue;
        const insn = dec(hex(c.hex), c.code32);
        const cs = ref.disasm(hex(c.hex), c.code32);
        if (cs !== null && insn.op !== OP_INVALID && insn.len === cs.size) agreedOps.add(insn.op);
      }
      for (let n = 0; n < STREAMS; n++) {
        for (let i = 0; i < 16; i++) bytes[i] = (rnd() * 256) | 0;
        // Bias the streams towards prefixes and the 0F map, where the interesting cases are.
        let k = 0;
        const np = rnd() < 0.3 ? 1 + ((rnd() * 4) | 0) : 0;
        for (let i = 0; i < np; i++) bytes[k++] = PREFIXES[(rnd() * PREFIXES.length) | 0]!;
        if (rnd() < 0.4) bytes[k++] = 0x0f;

        const insn = dec(bytes, code32);
        const cs = ref.disasm(bytes, code32);
        const ours = insn.decodedOp !== OP_INVALID && insn.decodedOp !== OP_TOO_LONG;
        let cat: string | null;
        if (ours && cs !== null) cat = bothAccept(insn, cs);
        else if (ours) cat = onlyOurs(insn);
        else if (cs !== null) cat = onlyCapstone(insn, cs);
        else cat = 'both reject';
        if (cat === null || cat === 'MISMATCH') {
          const name = OPS[insn.decodedOp]!.name;
          unexplained.push(`${fmt(bytes, 15)}: ours ${name} len ${insn.len}; capstone ${cs ? `${cs.mnemonic} ${cs.opStr} len ${cs.size}` : 'rejects'}`);
        }
        if (cat === 'agree') agreedOps.add(insn.op);
        const key = cat ?? 'UNEXPLAINED';
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${String(v).padStart(6)}  ${k}`).join('\n');
      // The category counts, on request only (npm test prints vitest's report alone).
      if (process.env.TCG86_VERBOSE) console.log(`capstone check, ${code32 ? 32 : 16}-bit, ${STREAMS} streams:\n${summary}`);
      expect(unexplained.slice(0, 40)).toEqual([]);
      expect(counts.get('agree') ?? 0).toBeGreaterThan(STREAMS * 0.6);
      // Every op of the table was length-checked at least once in this mode.
      const unchecked = OPS.filter((o) => o.id !== OP_INVALID && o.id !== OP_TOO_LONG && !agreedOps.has(o.id)).map((o) => o.name);
      expect(unchecked).toEqual([]);
    });
  }
});
