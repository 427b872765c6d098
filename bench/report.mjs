// Formats the benchmark results as the plain-text report printed on stdout: machine, startup
// times, one table per ROM with TLB/TB statistics, and the labelled wall-time ratios.

const sec = (ms) => (ms == null ? '-' : `${(ms / 1000).toFixed(2)} s`);
const int = (n) => (n == null ? '-' : Math.round(n).toLocaleString('en-US'));
const pct = (x) => (x == null ? '-' : `${(x * 100).toFixed(3)}%`);
const mib = (kib) => (kib == null ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

function table(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ').trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function statsLines(s) {
  const out = [];
  const pad = ' '.repeat(4);
  const st = s.stats;
  if (!st) {
    out.push(`${pad}${s.engine}: no statistics${s.notes.length ? ` (${s.notes.join('; ')})` : ''}`);
    return out;
  }
  if (st.ownMips != null) out.push(`${pad}${s.engine} in-process (tcg86's own figures, no Node start-up): ${st.ownWallSeconds?.toFixed(2) ?? '-'} s, ${st.ownMips.toFixed(1)} MIPS`);
  if (st.tlb) {
    const t = st.tlb;
    const idx = t.perIndex.filter((p) => p.hits + p.misses > 0).map((p) => `${p.name} ${int(p.hits)}/${int(p.misses)}`);
    out.push(`${pad}${s.engine} TLB: hit rate ${pct(t.hitRate)}` +
      `${t.inlineAccesses ? ` (${int(t.inlineAccesses)} inline fast-path hits + ${int(t.hits)} helper hits` : ` (${int(t.hits)} hits`}` +
      `, ${int(t.misses)} misses, ${int(t.victimHits)} victim hits, ${int(t.fills)} fills, ${int(t.flushes)} flushes)`);
    if (idx.length) out.push(`${pad}${' '.repeat(s.engine.length)} TLB helper hits/misses per MMU index: ${idx.join(', ')}`);
  }
  if (st.tb) out.push(`${pad}${s.engine} TB: ${Object.entries(st.tb).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);
  if (st.memory) out.push(`${pad}${s.engine} memory: ${Object.entries(st.memory).map(([k, v]) => `${k} ${int(v)}`).join(', ')}`);
  if (!st.tlb && !st.tb) out.push(`${pad}${s.engine}: statistics JSON had no TLB/TB counters I recognise (see --json raw)`);
  return out;
}

function ratioLine(name, r) {
  if (r.ratio == null) return `    tcg86-tcg vs ${name}: n/a (${r.why})`;
  const x = r.ratio;
  const words = x < 1 ? `tcg86-tcg is ${(1 / x).toFixed(2)}x faster` : `tcg86-tcg is ${x.toFixed(2)}x slower`;
  return `    tcg86-tcg vs ${name.padEnd(12)}: time ratio ${x.toFixed(3)} best, ${r.medianRatio.toFixed(3)} median  (${words})`;
}

export function formatReport(res) {
  const m = res.machine;
  const out = [];
  out.push(`tcg86 macro benchmarks (${res.runsPerRom} run${res.runsPerRom > 1 ? 's' : ''} per ROM and engine; best and median wall time)`);
  out.push(`machine: ${m.cpu} x${m.cpus}, ${m.memGiB} GiB, ${m.os}; load average at start ${m.loadavg.join(' ')}`);
  out.push(`node ${m.node}; ${m.qemu}; ${m.v86}; peak RSS via ${res.rssMethods.join(' / ')}`);
  if (res.tcg86Bundle) out.push(`tcg86: ${res.commit ? `tree at commit ${res.commit}${res.dirty ? ' + uncommitted changes in src/' : ''}, ` : ''}${res.tcg86Bundle}`);
  for (const n of res.notes) out.push(`note: ${n}`);
  if (res.startup) {
    const parts = Object.values(res.startup).map((s) => `${s.engine} ${s.ok ? sec(s.bestMs) : s.check}`);
    out.push('');
    out.push(`startup (trivial ROM ${res.startupRom}, wall time, best): ${parts.join(', ')}  -- included in every wall time below`);
  }
  for (const rom of res.roms) {
    out.push('');
    out.push(`== ${rom.name}  (BENCH: ${rom.kind}${rom.args.length ? `; args ${rom.args.join(' ')}` : ''})`);
    const rows = Object.values(rom.engines).map((s) => [
      s.engine,
      sec(s.bestMs),
      sec(s.medianMs),
      s.runs,
      `${int(s.icount ?? rom.refIcount)}${s.icount == null && rom.refIcount != null ? '*' : ''}`,
      s.mips == null ? '-' : s.mips.toFixed(1),
      s.medianMips == null ? '-' : s.medianMips.toFixed(1),
      mib(s.peakRssKiB),
      s.check,
    ]);
    out.push(table(['engine', 'wall best', 'median', 'runs', 'guest insns', 'MIPS', 'MIPS med', 'peak RSS', 'output vs golden'], rows));
    if (Object.values(rom.engines).some((s) => s.icount == null) && rom.refIcount != null) out.push('    * instruction count taken from tcg86 (same guest program); MIPS = insns / wall time');
    for (const s of Object.values(rom.engines)) if (s.error) out.push(`    ${s.engine} stderr: ${s.error.replace(/\n/g, ' | ')}`);
    const v = rom.engines.v86;
    if (v) out.push(`    v86: in-process run time (start to port 0xF4) best ${sec(v.bestRunMs)}, median ${sec(v.medianRunMs)}; v86's own instruction counter ${int(v.v86Icount)}`);
    for (const s of Object.values(rom.engines)) if (s.engine.startsWith('tcg86')) out.push(...statsLines(s));
    out.push('  ratios of wall time, tcg86-tcg / other (below 1: tcg86-tcg faster):');
    for (const [name, r] of Object.entries(rom.ratios)) out.push(ratioLine(name, r));
  }
  return out.join('\n');
}
