// hotpages: the physical pages with the most memory accesses (a port of QEMU's
// contrib/plugins/hotpages.c): reads and writes per 4 KiB page, the 50 busiest at exit, as
// QEMU prints them. Arguments: sortby=reads|writes|address (default: reads + writes),
// io=on (count accesses with no physical address, such as MMIO, under page -1 too).

/** @type {import('../dist/types/index.js').PluginInstall} */
export function install(api, info) {
  const sortby = info.args.sortby ?? 'sum';
  const countIo = info.args.io === 'on';
  /** @type {Map<number, {addr: number, reads: number, writes: number}>} */
  const pages = new Map();
  const access = (_vcpu, _vaddr, _size, isStore, hwaddr) => {
    if (hwaddr < 0 && !countIo) return;
    const page = hwaddr < 0 ? -1 : hwaddr - (hwaddr % 4096);
    let p = pages.get(page);
    if (!p) {
      p = { addr: page, reads: 0, writes: 0 };
      pages.set(page, p);
    }
    if (isStore) p.writes++;
    else p.reads++;
  };
  api.registerVcpuTbTransCb((tb) => {
    for (const insn of tb.insns) insn.registerMemCb(access, { rw: 'rw', phys: true });
  });
  api.registerAtexitCb(() => {
    const cmp =
      sortby === 'reads' ? (a, b) => b.reads - a.reads : sortby === 'writes' ? (a, b) => b.writes - a.writes : sortby === 'address' ? (a, b) => a.addr - b.addr : (a, b) => b.reads + b.writes - (a.reads + a.writes);
    let out = 'Addr, RCPUs, Reads, WCPUs, Writes\n';
    for (const p of [...pages.values()].sort(cmp).slice(0, 50)) {
      const addr = p.addr < 0 ? 'io' : `0x${p.addr.toString(16).padStart(16, '0')}`;
      out += `${addr}, 0x${(p.reads ? 1 : 0).toString(16).padStart(4, '0')}, ${p.reads}, 0x${(p.writes ? 1 : 0).toString(16).padStart(4, '0')}, ${p.writes}\n`;
    }
    api.outs(out);
  });
}
