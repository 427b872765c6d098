// Loads `-plugin FILE.mjs[,arg=VALUE...]` modules and runs their callbacks (QEMU's plugin core,
// plugins/core.c and api.c): at translation each plugin sees the block and registers what it
// wants; the block's generated code then calls exactly those (src/cpu/x86/tcg/codegen.ts). A
// callback that throws ends the run with a PluginError naming the plugin (the guest's state is
// not touched by it: callbacks get addresses and sizes, never registers or memory).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { X86CPU } from '../cpu/x86/cpu.js';
import { formatInsnText, Insn } from '../cpu/x86/decoder/index.js';
import type { BlockDescription, InsnMemFn, PluginHooks, TbInstrumentation } from '../cpu/x86/plugin-hooks.js';
import { tlbIndex } from '../softmmu/tlb.js';
import { PAGE_MASK } from '../softmmu/tlb-flags.js';
import type { MemCallback, MemCallbackOptions, PluginApi, PluginInfo, PluginInsn, PluginTb } from './api.js';

/** A plugin failed to load or one of its callbacks threw: the message names the plugin. */
export class PluginError extends Error {}

type ExecCb = (vcpuIndex: number) => void;

interface LoadedPlugin {
  name: string;
  vcpuInit: ExecCb[];
  vcpuExit: ExecCb[];
  tbTrans: ((tb: PluginTb) => void)[];
  atexit: (() => void)[];
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function checkFn(name: string, what: string, cb: unknown): void {
  if (typeof cb !== 'function') throw new PluginError(`plugin ${name}: ${what} is not a function`);
}

/** cb wrapped so a throw becomes a PluginError naming the plugin (one arity per kind: no rest args on hot paths). */
function guardExec(name: string, what: string, cb: ExecCb): ExecCb {
  return (v) => {
    try {
      cb(v);
    } catch (e) {
      throw e instanceof PluginError ? e : new PluginError(`plugin ${name}: ${what} callback threw: ${message(e)}`);
    }
  };
}

export class PluginManager implements PluginHooks {
  memOn = false;
  private readonly loaded: LoadedPlugin[] = [];
  private readonly rt: { cur: InsnMemFn | null } = { cur: null };
  /** Instructions the interpreter runs, as blocks of one, by linear address. */
  private readonly single = new Map<number, { bytes: Uint8Array; instr: TbInstrumentation | null }>();
  private finished = false;

  constructor(
    private readonly cpu: X86CPU,
    private readonly out: (text: string) => void,
    private readonly version: string,
  ) {}

  get count(): number {
    return this.loaded.length;
  }

  /** Import the module and call its install(api, info). */
  async load(file: string, argv: readonly string[]): Promise<void> {
    const name = path.basename(file).replace(/\.[cm]?js$/, '');
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginError(`-plugin ${file}: cannot load it (${message(e)})`);
    }
    const install = mod.install;
    if (typeof install !== 'function') throw new PluginError(`-plugin ${file}: the module exports no install(api, info) function`);
    const p: LoadedPlugin = { name, vcpuInit: [], vcpuExit: [], tbTrans: [], atexit: [] };
    const args: Record<string, string> = {};
    for (const a of argv) {
      const eq = a.indexOf('=');
      args[eq < 0 ? a : a.slice(0, eq)] = eq < 0 ? '' : a.slice(eq + 1);
    }
    const info: PluginInfo = { target: 'i386', version: this.version, systemEmulation: true, vcpus: 1, name, argv: [...argv], args };
    const api: PluginApi = {
      registerVcpuInitCb: (cb) => (checkFn(name, 'the vCPU init callback', cb), p.vcpuInit.push(guardExec(name, 'vCPU init', cb))),
      registerVcpuExitCb: (cb) => (checkFn(name, 'the vCPU exit callback', cb), p.vcpuExit.push(guardExec(name, 'vCPU exit', cb))),
      registerVcpuTbTransCb: (cb) => (checkFn(name, 'the block translation callback', cb), p.tbTrans.push(cb)),
      registerAtexitCb: (cb) => (checkFn(name, 'the atexit callback', cb), p.atexit.push(cb)),
      outs: (text) => this.out(String(text)),
    };
    try {
      (install as (api: PluginApi, info: PluginInfo) => unknown)(api, info);
    } catch (e) {
      throw e instanceof PluginError ? e : new PluginError(`plugin ${name}: install threw: ${message(e)}`);
    }
    this.loaded.push(p);
  }

  /** The vCPU starts (QEMU's vcpu_init). */
  start(): void {
    for (const p of this.loaded) for (const cb of p.vcpuInit) cb(0);
  }

  /** The run ends: vCPU exit, then atexit callbacks (once, whichever way out). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const p of this.loaded) for (const cb of p.vcpuExit) cb(0);
    for (const p of this.loaded) {
      for (const cb of p.atexit) {
        try {
          cb();
        } catch (e) {
          throw new PluginError(`plugin ${p.name}: atexit callback threw: ${message(e)}`);
        }
      }
    }
  }

  translate(desc: BlockDescription): TbInstrumentation | null {
    const n = desc.insns.length;
    const tbExec: ExecCb[] = [];
    const insnExec: ExecCb[][] = desc.insns.map(() => []);
    const mem: { cb: MemCallback; rw: number; phys: boolean; name: string }[][] = desc.insns.map(() => []);
    for (const p of this.loaded) {
      if (p.tbTrans.length === 0) continue;
      const name = p.name;
      const insns: PluginInsn[] = desc.insns.map((d, k) => ({
        vaddr: d.vaddr,
        size: d.bytes.length,
        bytes: d.bytes.slice(),
        disas: formatInsnText(d.insn, d.vaddr, this.cpu.code32),
        registerExecCb: (cb: ExecCb) => (checkFn(name, 'the instruction exec callback', cb), insnExec[k]!.push(guardExec(name, 'instruction exec', cb))),
        registerMemCb: (cb: MemCallback, opts?: MemCallbackOptions) => {
          checkFn(name, 'the memory callback', cb);
          const rw = opts?.rw ?? 'rw';
          if (rw !== 'r' && rw !== 'w' && rw !== 'rw') throw new PluginError(`plugin ${name}: memory callback option rw must be 'r', 'w' or 'rw', not ${String(rw)}`);
          mem[k]!.push({ cb, rw: rw === 'r' ? 1 : rw === 'w' ? 2 : 3, phys: opts?.phys === true, name });
        },
      }));
      const tb: PluginTb = {
        vaddr: desc.vaddr,
        nInsns: n,
        insns,
        registerExecCb: (cb: ExecCb) => (checkFn(name, 'the block exec callback', cb), tbExec.push(guardExec(name, 'block exec', cb))),
      };
      for (const cb of p.tbTrans) {
        try {
          cb(tb);
        } catch (e) {
          throw e instanceof PluginError ? e : new PluginError(`plugin ${name}: block translation callback threw: ${message(e)}`);
        }
      }
    }
    const instr: TbInstrumentation = {
      tb: combine(tbExec),
      insn: insnExec.map(combine),
      mem: mem.map((list) => this.memFn(list)),
      rt: this.rt,
    };
    if (instr.tb === null && instr.insn.every((f) => f === null) && instr.mem.every((f) => f === null)) return null;
    return instr;
  }

  /** One instruction's memory callbacks as one function of (vaddr, size, isStore). */
  private memFn(list: { cb: MemCallback; rw: number; phys: boolean; name: string }[]): InsnMemFn | null {
    if (list.length === 0) return null;
    this.enableHandlerMem();
    return (vaddr, size, isStore) => {
      const bit = isStore ? 2 : 1;
      for (const m of list) {
        if (!(m.rw & bit)) continue;
        try {
          m.cb(0, vaddr >>> 0, size, isStore !== 0, m.phys ? this.physOf(vaddr, isStore) : -1);
        } catch (e) {
          throw new PluginError(`plugin ${m.name}: memory callback threw: ${message(e)}`);
        }
      }
    };
  }

  /** The physical address of an access just made, from its TLB entry (-1 if it is gone). */
  private physOf(vaddr: number, isStore: number): number {
    const t = this.cpu.mmu.tlb.tables[this.cpu.mmuIdx]!;
    const idx = tlbIndex(vaddr, t.mask);
    const cmp = t.table[idx + isStore]!;
    if ((cmp & PAGE_MASK) !== (vaddr & PAGE_MASK)) return -1;
    return t.physAddr[idx >>> 2]! + (vaddr & 0xfff);
  }

  /**
   * Accesses made by interpreter handlers (for instructions generated code does not inline, and
   * for interpreted ones) report to `rt.cur`, which is set around them: the SoftMMU's helpers
   * are wrapped, once, when the first memory callback is registered.
   */
  private enableHandlerMem(): void {
    if (this.memOn) return;
    this.memOn = true;
    const rt = this.rt;
    const mmu = this.cpu.mmu as unknown as Record<string, (...a: number[]) => number>;
    for (const [fn, size] of [['ld8', 1], ['ld16', 2], ['ld32', 4]] as const) {
      const orig = mmu[fn]!.bind(mmu);
      mmu[fn] = (addr: number, idx: number) => {
        const v = orig(addr, idx);
        const f = rt.cur;
        if (f !== null) f(addr, size, 0);
        return v;
      };
    }
    for (const [fn, size] of [['st8', 1], ['st16', 2], ['st32', 4]] as const) {
      const orig = mmu[fn]!.bind(mmu);
      mmu[fn] = (addr: number, value: number, idx: number) => {
        orig(addr, value, idx);
        const f = rt.cur;
        if (f !== null) f(addr, size, 1);
        return 0;
      };
    }
  }

  beforeInsn(linear: number, eip: number, insn: Insn, code: { readCode8(eip: number): number }): void {
    let e = this.single.get(linear);
    if (e === undefined || !sameBytes(e.bytes, code, eip)) {
      const bytes = new Uint8Array(insn.len);
      for (let i = 0; i < bytes.length; i++) bytes[i] = code.readCode8(eip + i);
      const copy = Object.assign(new Insn(), insn);
      e = { bytes, instr: this.translate({ vaddr: linear, insns: [{ vaddr: linear, bytes, insn: copy }] }) };
      this.single.set(linear, e);
    }
    const instr = e.instr;
    if (instr === null) return;
    instr.tb?.();
    instr.insn[0]?.();
    this.rt.cur = instr.mem[0]!;
  }

  afterInsn(): void {
    this.rt.cur = null;
  }
}

function combine(list: ExecCb[]): (() => void) | null {
  if (list.length === 0) return null;
  if (list.length === 1) {
    const f = list[0]!;
    return () => f(0);
  }
  return () => {
    for (const f of list) f(0);
  };
}

function sameBytes(bytes: Uint8Array, code: { readCode8(eip: number): number }, eip: number): boolean {
  for (let i = 0; i < bytes.length; i++) if (code.readCode8(eip + i) !== bytes[i]) return false;
  return true;
}
