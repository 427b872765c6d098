// Reads tcg86's `--stats=json` output (a JSON object on stderr) and summarises it without
// depending on its exact shape: instruction count, TLB hits/misses (per MMU index), TB counters.

/** The last JSON object found in text, or null. Accepts one-line or pretty-printed JSON. */
export function extractJson(text) {
  const whole = text.trim();
  if (whole.startsWith('{')) {
    try {
      return JSON.parse(whole);
    } catch {
      // mixed with other output: search below
    }
  }
  const lines = text.split('\n');
  for (let end = lines.length - 1; end >= 0; end--) {
    if (!lines[end].trimEnd().endsWith('}')) continue;
    for (let start = end; start >= 0; start--) {
      const t = lines[start].trimStart();
      if (!t.startsWith('{')) continue;
      const brace = lines[start].indexOf('{');
      try {
        const v = JSON.parse([lines[start].slice(brace), ...lines.slice(start + 1, end + 1)].join('\n'));
        if (v && typeof v === 'object' && !Array.isArray(v)) return v;
      } catch {
        // not this one
      }
    }
  }
  return null;
}

/** [[dotted.path, number]] for every numeric leaf. */
export function flatten(obj, prefix = '', out = []) {
  if (Array.isArray(obj)) obj.forEach((v, i) => flatten(v, `${prefix}${i}.`, out));
  else if (obj && typeof obj === 'object') for (const [k, v] of Object.entries(obj)) flatten(v, `${prefix}${k}.`, out);
  else if (typeof obj === 'number') out.push([prefix.slice(0, -1), obj]);
  return out;
}

const lc = (s) => s.toLowerCase();
const last = (p) => lc(p.split('.').pop());

/** Objects (by path) that have numeric hits and misses, under a path mentioning tlb. */
function tlbGroups(flat) {
  const groups = new Map();
  for (const [path, v] of flat) {
    const parts = path.split('.');
    const key = lc(parts.pop());
    const parent = parts.join('.');
    if (!/tlb/i.test(path)) continue;
    if (!groups.has(parent)) groups.set(parent, {});
    groups.get(parent)[key.replace(/[_-]/g, '')] = v;
  }
  return [...groups].filter(([, g]) => 'hits' in g && 'misses' in g);
}

/** TLB per-MMU-index entries as [name, counters]: tcg86's array of {mmu, hits, misses, ...}, or any shape. */
function tlbEntries(stats, flat) {
  if (Array.isArray(stats.tlb)) return stats.tlb.map((e, i) => [String(e.mmu ?? e.name ?? i), e]);
  const groups = tlbGroups(flat).map(([p, g]) => [p.replace(/^.*?tlb[^.]*\.?/i, '') || p, { ...g, victimHits: g.victimhits }]);
  const total = groups.find(([p]) => /total|all|sum/i.test(p));
  return total ? groups.filter((g) => g !== total) : groups;
}

/**
 * Summary: { icount, ownWallSeconds, ownMips, tlb: {hits, misses, victimHits, fills, flushes,
 * inlineAccesses, hitRate, hitRateSource, perIndex: [{name, hits, misses, hitRate}]}, tb: {...}, memory: {...} }.
 * The hit rate is tcg86's own `tlbHitRate` when it prints one (it counts the translator's inlined
 * fast-path accesses, which the per-index hit counters do not see), else hits / (hits + misses).
 */
export function summarise(stats) {
  if (!stats) return null;
  const flat = flatten(stats);
  const icountEntry =
    flat.find(([p]) => /^(icount|instructions|insns|guestinstructions|instructioncount)$/.test(last(p).replace(/[_-]/g, ''))) ??
    flat.find(([p]) => /icount|instructions|insns/i.test(p));
  const num = (v) => (typeof v === 'number' ? v : null);
  const summary = {
    icount: icountEntry ? icountEntry[1] : null,
    ownWallSeconds: num(stats.wallSeconds),
    ownMips: num(stats.mips),
    tlb: null,
    tb: null,
    memory: stats.memory && typeof stats.memory === 'object' ? Object.fromEntries(flatten(stats.memory)) : null,
  };
  const entries = tlbEntries(stats, flat).filter(([, g]) => typeof g.hits === 'number' && typeof g.misses === 'number');
  if (entries.length) {
    const sum = (k) => entries.reduce((s, [, g]) => s + (num(g[k]) ?? 0), 0);
    const rate = (g) => (g.hits + g.misses ? g.hits / (g.hits + g.misses) : null);
    const t = { hits: sum('hits'), misses: sum('misses') };
    const inline = num(stats.tlbInlineAccesses);
    const own = num(stats.tlbHitRate);
    summary.tlb = {
      hits: t.hits,
      misses: t.misses,
      victimHits: sum('victimHits'),
      fills: sum('fills'),
      flushes: Math.max(0, ...entries.map(([, g]) => num(g.flushes) ?? 0)),
      inlineAccesses: inline,
      hitRate: own ?? rate(t),
      hitRateSource: own != null ? 'tcg86 tlbHitRate' : 'hits/(hits+misses)',
      perIndex: entries.map(([name, g]) => ({ name, hits: g.hits, misses: g.misses, hitRate: rate(g) })),
    };
  }
  if (stats.tb && typeof stats.tb === 'object') summary.tb = Object.fromEntries(flatten(stats.tb));
  else {
    const tb = flat.filter(([p]) => /(^|\.)(tbs?|tb[_-]?stats|translat\w*|blocks?)(\.|$)/i.test(p) && !/tlb/i.test(p));
    if (tb.length) summary.tb = Object.fromEntries(tb.map(([p, v]) => [p.replace(/^(.*\.)?(tbs?|tb[_-]?stats|translat\w*|blocks?)\./i, ''), v]));
  }
  return summary;
}
