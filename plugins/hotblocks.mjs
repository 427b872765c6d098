// hotblocks: the most executed blocks (a port of QEMU's contrib/plugins/hotblocks.c): per block,
// keyed by start address and length, how often it was translated and executed; at exit the 20
// most executed, as QEMU prints them. Arguments: limit=N (default 20).

/** @type {import('../dist/types/index.js').PluginInstall} */
export function install(api, info) {
  const limit = Number(info.args.limit ?? 20);
  /** @type {Map<string, {start: number, trans: number, insns: number, exec: number}>} */
  const blocks = new Map();
  api.registerVcpuTbTransCb((tb) => {
    const key = `${tb.vaddr}:${tb.nInsns}`;
    let rec = blocks.get(key);
    if (!rec) {
      rec = { start: tb.vaddr, trans: 0, insns: tb.nInsns, exec: 0 };
      blocks.set(key, rec);
    }
    rec.trans++;
    const r = rec;
    tb.registerExecCb(() => r.exec++);
  });
  api.registerAtexitCb(() => {
    let out = `collected ${blocks.size} entries in the hash table\n`;
    const sorted = [...blocks.values()].sort((a, b) => b.exec - a.exec);
    if (sorted.length) {
      out += 'pc, tcount, icount, ecount\n';
      for (const r of sorted.slice(0, limit)) out += `0x${r.start.toString(16).padStart(16, '0')}, ${r.trans}, ${r.insns}, ${r.exec}\n`;
    }
    api.outs(out);
  });
}
