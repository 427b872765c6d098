// howvec: instruction classes (a port of QEMU's contrib/plugins/howvec.c, with a class table
// for x86, which QEMU's lacks): every instruction executed is counted in its class by its
// mnemonic, and the most frequent instructions individually. Arguments: verbose=on (list
// classes with no hits too), count=N (individual instructions listed, default 10).

/**
 * x86 classes: name, and the mnemonics that belong to it, as the disassembly spells them
 * (capstone's AT&T, as QEMU gives plugins: size suffixes b/w/l, movzbl, cltd, lcalll...).
 */
const CLASSES = [
  ['String', /^(movs|stos|lods|cmps|scas)[bwl]$/],
  ['Data Transfer', /^(mov[bwl]?|movz[bw][wl]|movs[bw][wl]|push[wl]?|pusha[wl]|pushf[wl]|pop[wl]?|popa[wl]|popf[wl]|xchg[bwl]?|lea[wl]|cbtw|cwtl|cwtd|cltd|bswapl|xlatb|cmov\w+|l[defgs]s[wl]|lahf|sahf)$/],
  ['Arithmetic', /^((add|adc|sub|sbb|inc|dec|neg|cmp|mul|imul|div|idiv|xadd|cmpxchg)[bwl]?|daa|das|aaa|aas|aam|aad|cmpxchg8b)$/],
  ['Logic and Shifts', /^((and|or|xor|not|test|shl|sal|shr|sar|rol|ror|rcl|rcr|shld|shrd|bt|bts|btr|btc|bsf|bsr|tzcnt|lzcnt)[bwl]?|set\w+)$/],
  ['Control Transfer', /^((jmp|call|ret|lret|iret|lcall|ljmp)[wl]?|j\w+|loop|loope|loopne|int|int1|int3|into|enter|leave|bound)$/],
  ['I/O', /^(in|out|ins|outs)[bwl]$/],
  ['FPU', /^f\w+$/],
  ['System', /^(cli|sti|clc|stc|cmc|cld|std|hlt|nop[wl]?|[ls][gi]dt[wl]?|[ls]ldt[wl]?|ltr[wl]?|str[wl]?|lmsw[wl]?|smsw[wl]?|clts|invlpg|invd|wbinvd|wrmsr|rdmsr|rdtsc|cpuid|arpl|lar[wl]|lsl[wl]|verr|verw|ud2|wait|rsm|pause|endbr32|endbr64|prefetch\w*)$/],
];

/** The mnemonic of the disassembly, without prefixes (rep, repe, repne, lock). */
function mnemonic(disas) {
  const words = disas.split(' ');
  let k = 0;
  while (k < words.length - 1 && /^(rep|repe|repne|lock)$/.test(words[k])) k++;
  return words[k];
}

/** @type {import('../dist/types/index.js').PluginInstall} */
export function install(api, info) {
  const verbose = info.args.verbose === 'on';
  const limit = Number(info.args.count ?? 10);
  const classCount = new Map(CLASSES.map(([name]) => [name, 0]));
  classCount.set('Unclassified', 0);
  /** @type {Map<string, {name: string, count: number, cls: string}>} */
  const insns = new Map();
  api.registerVcpuTbTransCb((tb) => {
    for (const insn of tb.insns) {
      const m = mnemonic(insn.disas);
      const cls = CLASSES.find(([, re]) => re.test(m))?.[0] ?? 'Unclassified';
      let rec = insns.get(m);
      if (!rec) {
        rec = { name: m, count: 0, cls };
        insns.set(m, rec);
      }
      const r = rec;
      insn.registerExecCb(() => r.count++);
    }
  });
  api.registerAtexitCb(() => {
    for (const r of insns.values()) classCount.set(r.cls, classCount.get(r.cls) + r.count);
    let out = 'Instruction Classes:\n';
    for (const [name, count] of classCount) if (count || verbose) out += `Class: ${name.padEnd(24)}\t(${count} hits)\n`;
    out += 'Individual Instructions:\n';
    const top = [...insns.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)).slice(0, limit);
    for (const r of top) out += `Instr: ${r.name.padEnd(24)}\t(${r.count} hits)\t(${r.cls})\n`;
    api.outs(out);
  });
}
