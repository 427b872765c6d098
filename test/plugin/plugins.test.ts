// -plugin: the ports of QEMU's contrib plugins (plugins/*.mjs) on roms/plugin-count.bin, whose
// answer is known by construction (3217 instructions; 1000 dword loads from 0x2000, 1000 dword
// stores to 0x2004 in a loop, 100 byte stores to 0x500 in another), on both engines; a throwing
// plugin ends the run naming it; generated code holds only the calls a plugin registered.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { PcMachine } from '../../src/machine/pc.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { TcgEngine } from '../../src/cpu/x86/tcg/engine.js';
import { PluginError, PluginManager } from '../../src/plugin/manager.js';
import { romCommandLine, ROOT } from '../roms/rom-runner.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-plugin-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const plugin = (name: string) => path.join(ROOT, 'plugins', `${name}.mjs`);

interface Run {
  out: string;
  m: PcMachine;
  status: number;
}

/** Run plugin-count with the plugins; their output (qemu_plugin_outs) is collected. */
async function run(engine: 'tcg' | 'interp', plugins: [string, string[]][]): Promise<Run> {
  const m = new PcMachine(parseArgs(romCommandLine('roms/plugin-count', engine)), {
    chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null),
  });
  let out = '';
  const mgr = new PluginManager(m.cpu, (t) => (out += t), 'test');
  try {
    for (const [file, argv] of plugins) await mgr.load(file, argv);
    m.cpu.plugins = mgr;
    mgr.start();
    const status = await m.run(1e6);
    mgr.finish();
    return { out, m, status };
  } finally {
    m.shutdown();
  }
}

const ENGINES = ['tcg', 'interp'] as const;

describe('plugins/*.mjs on plugin-count', () => {
  it.each(ENGINES)('mem counts 2100 accesses, 1000 loads, 1100 stores (%s)', async (engine) => {
    expect((await run(engine, [[plugin('mem'), []]])).out).toBe('mem accesses: 2100\n');
    expect((await run(engine, [[plugin('mem'), ['track=r']]])).out).toBe('mem accesses: 1000\n');
    expect((await run(engine, [[plugin('mem'), ['track=w', 'hwaddr=on']]])).out).toBe('mem accesses: 1100\nio accesses: 0\n');
  });

  it.each(ENGINES)('howvec counts every instruction the CPU retires, by class (%s)', async (engine) => {
    const r = await run(engine, [[plugin('howvec'), []]]);
    const hits = [...r.out.matchAll(/^Class: .*\t\((\d+) hits\)$/gm)].reduce((n, x) => n + Number(x[1]), 0);
    expect(hits).toBe(r.m.cpu.icount);
    expect(hits).toBe(3217);
    expect(r.out).toMatch(/^Instr: movl +\t\(2002 hits\)\t\(Data Transfer\)$/m);
    expect(r.out).toMatch(/^Instr: movb +\t\(104 hits\)\t\(Data Transfer\)$/m);
    expect(r.out).toMatch(/^Class: Data Transfer +\t\(2110 hits\)$/m);
    expect(r.out).toMatch(/^Instr: loop +\t\(1100 hits\)\t\(Control Transfer\)$/m);
    expect(r.out).toMatch(/^Class: I\/O +\t\(4 hits\)$/m);
  });

  it('hotblocks: the dword loop is the hottest block, 999 times after its first pass (tcg), each instruction 1000 times (interp)', async () => {
    const tcg = await run('tcg', [[plugin('hotblocks'), ['limit=2']]]);
    expect(tcg.out).toMatch(/^collected \d+ entries in the hash table\npc, tcount, icount, ecount\n0x00000000000f001d, 1, 3, 999\n0x00000000000f000c, 1, 2, 100\n$/);
    const interp = await run('interp', [[plugin('hotblocks'), ['limit=3']]]);
    expect(interp.out).toContain('pc, tcount, icount, ecount\n0x00000000000f001d, 1, 1, 1000\n0x00000000000f0021, 1, 1, 1000\n0x00000000000f0026, 1, 1, 1000\n');
  });

  it.each(ENGINES)('hotpages: page 0x2000 has 1000 reads and 1000 writes, page 0 100 writes (%s)', async (engine) => {
    const r = await run(engine, [[plugin('hotpages'), []]]);
    expect(r.out).toBe('Addr, RCPUs, Reads, WCPUs, Writes\n0x0000000000002000, 0x0001, 1000, 0x0001, 1000\n0x0000000000000000, 0x0000, 0, 0x0001, 100\n');
  });

  it.each(ENGINES)('execlog: one line per instruction, with its accesses (%s)', async (engine) => {
    const r = await run(engine, [[plugin('execlog'), []]]);
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines.length).toBe(3217);
    expect(lines[0]).toBe('0, 0xfffffff0, 0xea000000f0, "ljmpw $0xf000:$0x0"');
    expect(lines.filter((l) => l === '0, 0xf000c, 0xa20005, "movb %al, 0x500", store, 0x00000500').length).toBe(100);
    expect(lines.filter((l) => l === '0, 0xf001d, 0x66678b03, "movl (%ebx), %eax", load, 0x00002000').length).toBe(1000);
    expect(lines.filter((l) => l === '0, 0xf0021, 0x6667894304, "movl %eax, 4(%ebx)", store, 0x00002004').length).toBe(1000);
  });

  it('several plugins run side by side and the guest still gives its answer', async () => {
    const r = await run('tcg', [[plugin('mem'), []], [plugin('hotpages'), []], [plugin('howvec'), []]]);
    expect(r.status).toBe(1);
    expect(r.m.cpu.icount).toBe(3217);
    expect(r.out).toContain('mem accesses: 2100\n');
  });
});

describe('plugin errors', () => {
  const write = (name: string, src: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, src);
    return p;
  };

  it('a callback that throws ends the run with the plugin named', async () => {
    const bad = write('bad.mjs', "export function install(api) { let n = 0; api.registerVcpuTbTransCb((tb) => tb.registerExecCb(() => { if (++n === 5) throw new Error('boom'); })); }\n");
    await expect(run('tcg', [[bad, []]])).rejects.toThrow(new PluginError('plugin bad: block exec callback threw: boom'));
    await expect(run('interp', [[bad, []]])).rejects.toThrow(/^plugin bad: block exec callback threw: boom$/);
  });

  it('a module without install, a callback that is not a function and a bad option are refused', async () => {
    await expect(run('tcg', [[write('none.mjs', 'export const x = 1;\n'), []]])).rejects.toThrow(/none\.mjs: the module exports no install\(api, info\) function$/);
    await expect(run('tcg', [[write('notfn.mjs', 'export function install(api) { api.registerAtexitCb(42); }\n'), []]])).rejects.toThrow(/^plugin notfn: the atexit callback is not a function$/);
    const rw = write('rw.mjs', "export function install(api) { api.registerVcpuTbTransCb((tb) => tb.insns[0].registerMemCb(() => {}, { rw: 'x' })); }\n");
    await expect(run('tcg', [[rw, []]])).rejects.toThrow(/^plugin rw: memory callback option rw must be 'r', 'w' or 'rw', not x$/);
  });
});

describe('instrumentation in generated code', () => {
  /** The source of every block of a run on the tcg engine. */
  async function sources(rom: string, plugins: [string, string[]][]): Promise<string[]> {
    const m = new PcMachine(parseArgs(romCommandLine(rom, 'tcg')), { chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null) });
    const mgr = new PluginManager(m.cpu, () => {}, 'test');
    for (const [file, argv] of plugins) await mgr.load(file, argv);
    if (plugins.length) m.cpu.plugins = mgr;
    await m.run(5e7);
    m.shutdown();
    const cache = (m.engine as TcgEngine).cache as unknown as { byPhys: Map<number, { source: string }[]> };
    return [...cache.byPhys.values()].flat().map((b) => b.source);
  }

  it('is there only for the callbacks registered', async () => {
    const none = (await sources('roms/paging', [])).join('\n');
    expect(none).not.toMatch(/\bP\./);
    expect(none).not.toMatch(/\bX\./); // nor --profile's counters
    const blocksOnly = (await sources('roms/paging', [[plugin('hotblocks'), []]])).join('\n');
    expect(blocksOnly).toContain('P.tb();');
    expect(blocksOnly).not.toMatch(/P\.(insn|mem|rt)/);
    const mem = await sources('roms/paging', [[plugin('mem'), []]]);
    // Inline accesses call the instruction's callback; handlers get it through rt.cur.
    expect(mem.join('\n')).toMatch(/mmu\.storeSlow\(a, w, 4, \d\); \} P\.mem\[\d+\]\(a, 4, 1\);/);
    expect(mem.join('\n')).toMatch(/P\.rt\.cur = P\.mem\[\d+\]; H\[\d+\]\(cpu, I\[\d+\]\); P\.rt\.cur = null;/);
    expect(mem.join('\n')).not.toMatch(/P\.(tb|insn)/);
  });

  it('sees the same accesses on both engines where translated code inlines them (paging ROM)', async () => {
    const count = async (engine: 'tcg' | 'interp') => {
      const m = new PcMachine(parseArgs(romCommandLine('roms/paging', engine)), { chardevOverride: (_id, kind) => (kind === 'stdio' ? new MemoryCharBackend() : null) });
      let out = '';
      const mgr = new PluginManager(m.cpu, (t) => (out += t), 'test');
      await mgr.load(plugin('mem'), []);
      await mgr.load(plugin('howvec'), []);
      m.cpu.plugins = mgr;
      await m.run(5e7);
      mgr.finish();
      m.shutdown();
      return out;
    };
    const [tcg, interp] = [await count('tcg'), await count('interp')];
    expect(tcg).toMatch(/^mem accesses: [1-9]\d*\n/);
    expect(tcg).toBe(interp);
  });
});
