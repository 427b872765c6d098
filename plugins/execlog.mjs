// execlog: one line per instruction executed (a port of QEMU's contrib/plugins/execlog.c):
// "vcpu, pc, opcode bytes, "disassembly"" then ", load|store, 0xADDR" for each memory access it
// made. Lines go to the log (-D file, or stderr). Arguments: ifilter=TEXT (only instructions
// whose disassembly contains TEXT; may repeat as ifilter2...), afilter=0xADDR (only that address).

/** @type {import('../dist/types/index.js').PluginInstall} */
export function install(api, info) {
  const ifilters = Object.entries(info.args).filter(([k]) => k.startsWith('ifilter')).map(([, v]) => v);
  const afilter = info.args.afilter !== undefined ? Number(info.args.afilter) : null;
  let line = null;
  const flush = () => {
    if (line !== null) api.outs(line + '\n');
    line = null;
  };
  api.registerVcpuTbTransCb((tb) => {
    for (const insn of tb.insns) {
      if (ifilters.length && !ifilters.some((f) => insn.disas.includes(f))) continue;
      if (afilter !== null && insn.vaddr !== afilter) continue;
      const opcode = [...insn.bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
      const text = `0, 0x${insn.vaddr.toString(16)}, 0x${opcode}, "${insn.disas}"`;
      insn.registerExecCb(() => {
        flush();
        line = text;
      });
      insn.registerMemCb((_v, vaddr, _size, isStore) => {
        line += `, ${isStore ? 'store' : 'load'}, 0x${vaddr.toString(16).padStart(8, '0')}`;
      });
    }
  });
  api.registerAtexitCb(flush);
}
