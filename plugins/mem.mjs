// mem: counts memory accesses (a port of QEMU's contrib/plugins/mem.c, callback mode).
// Arguments: track=r|w|rw (default rw), hwaddr=on (also count accesses with no physical address,
// such as MMIO, as QEMU's "io accesses").

/** @type {import('../dist/types/index.js').PluginInstall} */
export function install(api, info) {
  const track = info.args.track ?? 'rw';
  if (track !== 'r' && track !== 'w' && track !== 'rw') throw new Error(`track=${track}: expected r, w or rw`);
  const hwaddr = info.args.hwaddr === 'on';
  let memCount = 0;
  let ioCount = 0;
  const cb = hwaddr
    ? (_v, _a, _s, _st, hw) => {
        memCount++;
        if (hw < 0) ioCount++;
      }
    : () => memCount++;
  api.registerVcpuTbTransCb((tb) => {
    for (const insn of tb.insns) insn.registerMemCb(cb, { rw: track, phys: hwaddr });
  });
  api.registerAtexitCb(() => {
    let out = `mem accesses: ${memCount}\n`;
    if (hwaddr) out += `io accesses: ${ioCount}\n`;
    api.outs(out);
  });
}
