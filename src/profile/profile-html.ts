// The --profile report as one self-contained HTML file: uPlot (inlined by the bundler, so the
// file opens offline) draws the time series; tables list the hottest blocks and the pages with
// the most TLB fills and code invalidations; the data is embedded as JSON.

import UPLOT_JS from 'uplot/dist/uPlot.iife.min.js?raw';
import UPLOT_CSS from 'uplot/dist/uPlot.min.css?raw';
import type { ProfileData } from './profiler.js';

/** Charts: title, the series drawn (names in ProfileData.series), the y axis unit. */
export const CHARTS: readonly { id: string; title: string; series: readonly string[]; unit: '' | '%' }[] = [
  { id: 'mips', title: 'Guest MIPS', series: ['MIPS'], unit: '' },
  { id: 'tlb-kernel', title: 'Soft TLB, kernel index: hit / victim / miss', series: ['TLB hit kernel', 'TLB victim kernel', 'TLB miss kernel'], unit: '%' },
  { id: 'tlb-user', title: 'Soft TLB, user index: hit / victim / miss', series: ['TLB hit user', 'TLB victim user', 'TLB miss user'], unit: '%' },
  { id: 'tlb-phys', title: 'Soft TLB, phys index (paging off): hit / victim / miss', series: ['TLB hit phys', 'TLB victim phys', 'TLB miss phys'], unit: '%' },
  { id: 'tlb-size', title: 'Soft TLB size (entries)', series: ['TLB size kernel', 'TLB size user', 'TLB size phys'], unit: '' },
  { id: 'flushes', title: 'TLB flushes per window', series: ['TLB flushes'], unit: '' },
  {
    id: 'dispatch',
    title: 'Block dispatch: share of block entries',
    series: ['dispatch chained', 'dispatch predicted', 'dispatch jump cache', 'dispatch hash table', 'dispatch new translation'],
    unit: '%',
  },
  { id: 'translations', title: 'Translations and invalidations per window', series: ['translations', 'invalidations'], unit: '' },
  { id: 'smc', title: 'Self-modifying code: stores that ended their own block, per window', series: ['SMC events'], unit: '' },
  { id: 'interpreted', title: 'Share of instructions interpreted', series: ['interpreted share'], unit: '%' },
];

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const hex = (v: number): string => '0x' + v.toString(16).padStart(8, '0');
const n = (v: number): string => v.toLocaleString('en-US');

function table(id: string, head: string[], rows: string[][]): string {
  const body = rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n') : `<tr class="empty"><td colspan="${head.length}">none in this run</td></tr>`;
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function profileHtml(d: ProfileData): string {
  const h = d.header;
  const blocks = table(
    'hot-blocks',
    ['guest pc', 'executions', 'instructions retired', 'share', 'insns', 'translations', 'kind', 'exits', 'disassembly'],
    d.hotBlocks.map((b) => [
      hex(b.pc),
      n(b.execs),
      n(b.retired),
      (b.share * 100).toFixed(2) + ' %',
      String(b.insns),
      String(b.translations),
      b.interpreted ? 'interpreted' : [b.selfLoop ? 'self-loop' : '', b.checked ? 'checked' : ''].filter(Boolean).join(', ') || 'block',
      Object.entries(b.exits)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${esc(k)} ${n(v)}`)
        .join('<br>') || '-',
      `<pre>${esc(b.disas.join('\n'))}</pre>`,
    ]),
  );
  const fills = table('tlb-pages', ['virtual page', 'MMU index', 'TLB fills (misses)'], d.tlbFillPages.map((p) => [hex(p.page), p.mmu, n(p.fills)]));
  const smc = table(
    'smc-pages',
    ['ram page', 'invalidations', 'blocks dropped', 'last writer'],
    d.codeInvalidationPages.map((p) => [hex(p.page), n(p.invalidations), n(p.blocksDropped), esc(p.writer)]),
  );
  const charts = CHARTS.map((c) => `<section class="chart"><h3>${esc(c.title)}</h3><div id="chart-${c.id}"></div></section>`).join('\n');
  // JSON inside <script>: only "</" could end the element early.
  const json = JSON.stringify({ data: d, charts: CHARTS, colors: COLORS }).replace(/<\//g, '<\\/');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tcg86 profile</title>
<style>${UPLOT_CSS}
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
header dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
header dt { font-weight: bold; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 1em; }
table { border-collapse: collapse; margin-bottom: 2em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; text-align: right; }
td:last-child { text-align: left; }
pre { margin: 0; font-size: 12px; }
</style></head>
<body>
<header><h1>tcg86 profile</h1><dl>
<dt>command line</dt><dd><code>${esc(h.commandLine)}</code></dd>
<dt>engine</dt><dd>${esc(h.engine)}</dd>
<dt>guest instructions</dt><dd>${n(h.icount)}</dd>
<dt>wall time</dt><dd>${h.wallSeconds.toFixed(3)} s</dd>
<dt>host</dt><dd>${esc(h.host)}</dd>
<dt>window</dt><dd>${n(h.window)} guest instructions a point</dd>
<dt>started</dt><dd>${esc(h.started)}</dd>
</dl></header>
<h2>Over guest time</h2>
<div class="charts">
${charts}
</div>
<h2>Hottest blocks</h2>
${blocks}
<h2>Pages with the most TLB fills</h2>
${fills}
<h2>Pages with the most code invalidations</h2>
${smc}
<script id="profile-data" type="application/json">${json}</script>
<script>${UPLOT_JS}</script>
<script>
(function () {
  var p = JSON.parse(document.getElementById('profile-data').textContent);
  var s = p.data.series;
  var x = s.instructions;
  window.__tcg86Charts = [];
  p.charts.forEach(function (c) {
    var el = document.getElementById('chart-' + c.id);
    var scale = c.unit === '%' ? 100 : 1;
    var ys = c.series.map(function (name) { return s[name].map(function (v) { return v === null ? null : v * scale; }); });
    var points = ys.reduce(function (n, y) { return n + y.filter(function (v) { return v !== null; }).length; }, 0);
    var opts = {
      width: 600, height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'guest instructions' }, { label: c.unit === '%' ? '%' : '' }],
      series: [{ label: 'instructions' }].concat(c.series.map(function (name, i) { return { label: name, stroke: p.colors[i % p.colors.length], spanGaps: false }; })),
    };
    var plot = new uPlot(opts, [x].concat(ys), el);
    window.__tcg86Charts.push({ id: c.id, points: points, series: c.series.length, canvas: !!el.querySelector('canvas'), plot: !!plot });
  });
})();
</script>
</body></html>
`;
}
