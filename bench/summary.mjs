// Folds repeated runs of one engine on one ROM into best/median wall time, MIPS and peak RSS,
// and computes the wall-time ratios of tcg86-tcg against the other engines.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** runs: results of one engine on one ROM; refIcount: the guest instruction count to rate MIPS with. */
export function summariseRuns(runs, refIcount) {
  const walls = runs.map((r) => r.wallMs);
  const bad = runs.find((r) => r.check !== 'ok' && r.check !== 'no golden');
  const bestMs = Math.min(...walls);
  const icount = runs.find((r) => r.icount != null)?.icount ?? null;
  const insns = icount ?? refIcount ?? null;
  const runMs = runs.map((r) => r.runMs).filter((x) => x != null);
  return {
    engine: runs[0].engine,
    runs: runs.length,
    ok: !bad,
    check: bad ? bad.check : runs[0].check,
    bestMs,
    medianMs: median(walls),
    wallsMs: walls,
    bestRunMs: runMs.length ? Math.min(...runMs) : null,
    medianRunMs: runMs.length ? median(runMs) : null,
    icount,
    icountFrom: icount != null ? 'own' : insns != null ? 'tcg86' : null,
    mips: insns != null && !bad ? insns / (bestMs * 1000) : null,
    medianMips: insns != null && !bad ? insns / (median(walls) * 1000) : null,
    peakRssKiB: Math.max(...runs.map((r) => r.rssKiB ?? 0)) || null,
    rssMethod: runs[0].rssMethod,
    stats: runs[runs.length - 1].stats ?? null,
    v86Icount: runs.find((r) => r.v86Icount != null)?.v86Icount ?? null,
    error: bad?.stderrTail ?? null,
    notes: [...new Set(runs.map((r) => r.note).filter(Boolean))],
  };
}

/** Ratios of tcg86-tcg's best wall time to each other engine's (null when either is not ok). */
export function ratios(byEngine) {
  const base = byEngine['tcg86-tcg'];
  const out = {};
  for (const [name, s] of Object.entries(byEngine)) {
    if (name === 'tcg86-tcg') continue;
    if (!base?.ok || !s.ok) out[name] = { ratio: null, why: !base ? 'tcg86-tcg not run' : !base.ok ? `tcg86-tcg ${base.check}` : `${name} ${s.check}` };
    else out[name] = { ratio: base.bestMs / s.bestMs, medianRatio: base.medianMs / s.medianMs };
  }
  return out;
}
