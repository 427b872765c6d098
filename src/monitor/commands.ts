// The monitor's commands (a subset of QEMU's HMP with QEMU's names, arguments and output),
// plus tcg86's dispatch and soft-TLB counters under `info jit`.

import { formatMtree, formatMtreeFlat, formatRamblocks } from '../memory/index.js';
import { formatPciInfo } from '../devices/pci/pci-info.js';
import { formatCpuState } from '../cpu/x86/cpu-dump.js';
import { debugTranslate, formatMemInfo, formatTlbInfo } from '../cpu/x86/paging-info.js';
import { TcgEngine } from '../cpu/x86/tcg/engine.js';
import type { PcMachine } from '../machine/pc.js';
import { collectStats, formatStats } from '../machine/stats.js';
import { evalExpr, ExprParser, MonitorError } from './expr.js';
import { FormatDefaults, memoryDump, memorySave, type DumpFormat } from './memory-dump.js';
import { screendump } from './screendump-cmd.js';
import { formatDisplayInfo } from '../devices/vga/display/display-info.js';
import { MIGRATION_COMMANDS, MIGRATION_INFO } from './migration-commands.js';
import { formatBlockInfo } from './block-info.js';
import { CommandError } from './command-error.js';
import { deviceAdd, deviceDel, objectAdd, memdevSync, objectDel, splitOptions } from './memory-hotplug.js';
import { formatMemdevs, formatMemoryDevices, memdevList } from '../machine/memory-devices.js';

/** tcg86's version (package.json's; a test keeps them equal). */
export const TCG86_VERSION = '0.1.0';

export interface MonitorContext {
  readonly machine: PcMachine;
  readonly formats: FormatDefaults;
  print(text: string): void;
  /** Wall-clock start of the run, for the MIPS figure in `info jit`. */
  readonly startNs: bigint;
  /**
   * Hold this monitor's prompt and input until `until` resolves (QEMU's monitor_suspend); the
   * guest and other monitors go on. Absent where a command cannot wait (human-monitor-command).
   */
  suspend?(until: Promise<void>): void;
}

export interface Command {
  name: string;
  alias?: string;
  args: string;
  help: string;
  run(ctx: MonitorContext, args: string): void;
}

/** Split an optional leading "/FMT" off the arguments. */
function takeFormat(args: string): { fmt: string | null; rest: string } {
  const m = /^\s*\/(\S*)\s*(.*)$/s.exec(args);
  return m ? { fmt: m[1]!, rest: m[2]! } : { fmt: null, rest: args.trim() };
}

function required(text: string, name: string): string {
  if (text.trim() === '') throw new MonitorError(`Parameter '${name}' is missing`, true);
  return text;
}

/** Evaluate consecutive expressions (e.g. "addr size"), leaving the remaining text. */
function takeExprs(ctx: MonitorContext, text: string, names: string[]): { values: number[]; rest: string } {
  const values: number[] = [];
  let rest = text;
  for (const name of names) {
    required(rest, name);
    const p = new ExprParser(rest, ctx.machine.monitorCpu);
    values.push(Number(p.parse()));
    rest = p.rest.trim();
  }
  return { values, rest };
}

/**
 * A string argument as QEMU's HMP reads one: a word up to the next blank, or a "quoted string"
 * with the escapes \n \r \\ \' \" (so a file name may hold blanks or start with '/').
 */
function takeString(cmd: string, text: string, name: string): { value: string; rest: string } {
  const t = required(text, name).trimStart();
  if (t[0] !== '"') {
    const m = /^\S+/.exec(t)!;
    return { value: m[0], rest: t.slice(m[0].length).trim() };
  }
  let value = '';
  let k = 1;
  for (; k < t.length && t[k] !== '"'; k++) {
    if (t[k] !== '\\') {
      value += t[k];
      continue;
    }
    const c = t[++k] ?? '';
    if (c === 'n') value += '\n';
    else if (c === 'r') value += '\r';
    else if (c === '\\' || c === "'" || c === '"') value += c;
    else throw new MonitorError(`unsupported escape code: '\\${c}'\n${cmd}: string expected`, true);
  }
  if (t[k] !== '"') throw new MonitorError(`unterminated string\n${cmd}: string expected`, true);
  return { value, rest: t.slice(k + 1).trim() };
}

/** memsave/pmemsave: addr size file (the file name may be quoted). */
function saveArgs(c: MonitorContext, cmd: string, a: string): { addr: number; size: number; file: string } {
  const { values, rest } = takeExprs(c, a, ['val', 'size']);
  const { value, rest: tail } = takeString(cmd, rest, 'filename');
  if (tail) throw new MonitorError(`${cmd}: extraneous characters at the end of line`, true);
  return { addr: values[0]!, size: values[1]!, file: value };
}

/** `i`/`o`: the access width in bytes from the /FMT size (b, h or w; QEMU's defaults apply). */
function portAccess(ctx: MonitorContext, args: string): { n: number; rest: string } {
  const { fmt, rest } = takeFormat(args);
  const size = ctx.formats.parse(fmt).size;
  return { n: size === 2 ? 2 : size === 4 ? 4 : 1, rest };
}

function dump(ctx: MonitorContext, args: string, physical: boolean): void {
  const { fmt, rest } = takeFormat(args);
  const f: DumpFormat = ctx.formats.parse(fmt);
  const addr = Number(evalExpr(required(rest, 'addr'), ctx.machine.monitorCpu));
  ctx.print(memoryDump(ctx.machine.monitorCpu, f, addr, physical));
}

function printValue(v: bigint, format: string): string {
  switch (format) {
    case 'o':
      return v === 0n ? '0' : '0' + v.toString(8);
    case 'x':
      return v === 0n ? '0' : '0x' + v.toString(16);
    case 'u':
      return v.toString();
    case 'c':
      return `'${String.fromCharCode(Number(v & 0xffn))}'`;
    default:
      return BigInt.asIntN(64, v).toString();
  }
}

const INFO: Command[] = [
  { name: 'version', args: '', help: 'show the version of tcg86', run: (c) => c.print(`tcg86 ${TCG86_VERSION}\n`) },
  {
    name: 'status',
    args: '',
    help: 'show the current VM status (running|paused)',
    run: (c) => {
      const s = c.machine.runState;
      c.print(`VM status: ${s === 'running' || s === 'paused' ? s : `paused (${s})`}\n`);
    },
  },
  {
    name: 'registers',
    args: '[-a]',
    help: 'show the cpu registers (-a: all - show register info for all cpus)',
    run: (c, a) => {
      const m = c.machine;
      const all = a.trim() === '-a';
      if (!all && a.trim() !== '') throw new MonitorError(`info registers: unknown option '${a.trim()}'`);
      for (const [i, cpu] of m.cpus.entries()) {
        if (all || i === m.monitorCpuIndex) c.print(`\nCPU#${i}\n` + formatCpuState(cpu, { fpu: true }));
      }
    },
  },
  {
    name: 'cpus',
    args: '',
    help: 'show infos for each CPU',
    // Every vCPU runs in this one thread (as QEMU's single-threaded TCG, whose CPUs all show its one thread id).
    run: (c) => c.print(c.machine.cpus.map((_, i) => `${i === c.machine.monitorCpuIndex ? '*' : ' '} CPU #${i}: thread_id=${process.pid}\n`).join('')),
  },
  {
    name: 'mtree',
    args: '[-f]',
    help: 'show memory tree (-f: dump flat view for address spaces)',
    run: (c, a) => {
      const flags = a.trim().split(/\s+/).filter(Boolean);
      for (const f of flags) if (f !== '-f') throw new MonitorError(`info mtree: unknown option '${f}'`);
      c.print(flags.includes('-f') ? formatMtreeFlat(c.machine.sys) : formatMtree(c.machine.sys));
    },
  },
  { name: 'block', args: '', help: 'show info of one block device or all block devices', run: (c) => c.print(formatBlockInfo(c.machine)) },
  { name: 'pci', args: '', help: 'show PCI info', run: (c) => c.print(formatPciInfo(c.machine.pciBoard.bus)) },
  { name: 'ramblock', args: '', help: 'Display system RAMBlock information', run: (c) => c.print(formatRamblocks(c.machine.sys)) },
  { name: 'tlb', args: '', help: 'show virtual to physical memory mappings', run: (c) => c.print(formatTlbInfo(c.machine.monitorCpu)) },
  { name: 'mem', args: '', help: 'show the active virtual memory mappings', run: (c) => c.print(formatMemInfo(c.machine.monitorCpu)) },
  { name: 'jit', args: '', help: 'show dynamic compiler info (translated blocks, dispatch, soft TLB)', run: (c) => c.print(jitInfo(c)) },
  {
    name: 'display',
    args: '',
    help: 'show the display refresh and its counters (tcg86)',
    run: (c) => c.print(c.machine.display ? formatDisplayInfo(c.machine.display) : 'no display device\n'),
  },
  { name: 'name', args: '', help: 'show the current VM name', run: (c) => c.print(c.machine.config.name ? `${c.machine.config.name}\n` : '') },
  { name: 'vnc', args: '', help: 'show the vnc server status', run: (c) => c.print(c.machine.vncInfo?.() ?? 'None\n') },
  {
    name: 'memdev',
    args: '',
    help: 'show memory backends',
    run: (c) => c.print(formatMemdevs(memdevList(c.machine.memoryDevices, c.machine.config.ramSize))),
  },
  { name: 'memory-devices', args: '', help: 'show memory devices', run: (c) => c.print(formatMemoryDevices(c.machine.memoryDevices)) },
  ...MIGRATION_INFO,
];

/** `info jit`: QEMU's translation-buffer summary, then tcg86's full counters (as --stats). */
function jitInfo(c: MonitorContext): string {
  const m = c.machine;
  let out = '';
  if (m.engine instanceof TcgEngine) {
    const cache = m.engine.cache;
    const s = cache.stats;
    out += 'Translation buffer state:\n';
    out += `gen code size       ${cache.codeBytes}/${cache.maxCodeBytes}\n`;
    out += `TB count            ${cache.blockCount}\n`;
    out += '\nStatistics:\n';
    out += `TB flush count      ${s.flushes}\n`;
    out += `TB invalidate count ${s.invalidationsWrite + s.invalidationsDma + s.invalidationsFlush}\n`;
    const tlb = m.cpus.flatMap((cpu) => cpu.mmu.tlb.tables);
    out += `TLB full flushes    ${tlb.reduce((n, t) => n + t.stats.flushes, 0)}\n`;
    out += `TLB partial flushes ${tlb.reduce((n, t) => n + t.stats.pageFlushes, 0)}\n\n`;
  } else {
    out += 'Translation buffer state: none (the interpreter engine runs this machine)\n\n';
  }
  return out + formatStats(collectStats(m, Number(process.hrtime.bigint() - c.startNs) / 1e9));
}

const COMMANDS: Command[] = [
  {
    name: 'help',
    alias: '?',
    args: '[cmd]',
    help: 'show the help',
    run: (c, a) => {
      const want = a.trim();
      const list = want ? COMMANDS.filter((k) => k.name === want || k.alias === want) : COMMANDS;
      if (want === 'info') {
        c.print(INFO.map((k) => `info ${k.name}${k.args ? ' ' + k.args : ''} -- ${k.help}\n`).join(''));
        return;
      }
      c.print(list.map((k) => `${k.alias ? `${k.name}|${k.alias}` : k.name}${k.args ? ' ' + k.args : ''} -- ${k.help}\n`).join(''));
    },
  },
  {
    name: 'info',
    args: '[subcommand]',
    help: 'show various information about the system state',
    run: (c, a) => {
      const [sub, ...rest] = a.trim().split(/\s+/);
      if (!sub) {
        c.print(INFO.map((k) => `info ${k.name}${k.args ? ' ' + k.args : ''} -- ${k.help}\n`).join(''));
        return;
      }
      const cmd = INFO.find((k) => k.name === sub);
      if (!cmd) throw new MonitorError(`unknown command: 'info ${sub}'`);
      cmd.run(c, rest.join(' '));
    },
  },
  {
    name: 'cpu',
    args: 'index',
    help: 'set the default CPU',
    run: (c, a) => {
      // An integer argument: QEMU's parser words a missing one this way.
      if (a.trim() === '') throw new MonitorError('unexpected end of expression', true);
      const index = Number(evalExpr(a, c.machine.monitorCpu));
      if (!Number.isInteger(index) || index < 0 || index >= c.machine.cpus.length) throw new MonitorError('invalid CPU index');
      c.machine.monitorCpuIndex = index;
    },
  },
  { name: 'x', args: '/fmt addr', help: 'virtual memory dump starting at \'addr\'', run: (c, a) => dump(c, a, false) },
  { name: 'xp', args: '/fmt addr', help: 'physical memory dump starting at \'addr\'', run: (c, a) => dump(c, a, true) },
  {
    name: 'gva2gpa',
    args: 'addr',
    help: 'print the guest physical address corresponding to a guest virtual address',
    run: (c, a) => {
      const addr = Number(evalExpr(required(a, 'addr'), c.machine.monitorCpu) & 0xffffffffn);
      const phys = debugTranslate(c.machine.monitorCpu, addr);
      c.print(phys < 0 ? 'Unmapped\n' : `gpa: 0x${phys.toString(16)}\n`);
    },
  },
  {
    name: 'print',
    alias: 'p',
    args: '/fmt expr',
    help: 'print expression value (use $reg for CPU register access)',
    run: (c, a) => {
      const { fmt, rest } = takeFormat(a);
      const f = c.formats.parse(fmt);
      c.print(printValue(evalExpr(required(rest, 'val'), c.machine.monitorCpu), f.format) + '\n');
    },
  },
  {
    name: 'i',
    args: '/fmt addr',
    help: 'I/O port read',
    run: (c, a) => {
      const { n, rest } = portAccess(c, a);
      const port = Number(evalExpr(required(rest, 'addr'), c.machine.monitorCpu) & 0xffffn);
      const buf = new Uint8Array(n);
      c.machine.io.read(port, buf);
      let v = 0;
      for (let k = n - 1; k >= 0; k--) v = v * 256 + buf[k]!;
      c.print(`port${n === 1 ? 'b' : n === 2 ? 'w' : 'l'}[0x${port.toString(16).padStart(4, '0')}] = 0x${v.toString(16).padStart(n * 2, '0')}\n`);
    },
  },
  {
    name: 'o',
    args: '/fmt addr value',
    help: 'I/O port write',
    run: (c, a) => {
      const { n, rest } = portAccess(c, a);
      const { values, rest: tail } = takeExprs(c, rest, ['addr', 'val']);
      if (tail) throw new MonitorError(`extraneous characters at the end of line: '${tail}'`);
      const buf = new Uint8Array(n);
      for (let k = 0, v = values[1]!; k < n; k++, v = Math.floor(v / 256)) buf[k] = v & 0xff;
      c.machine.io.write(values[0]! & 0xffff, buf);
    },
  },
  {
    name: 'memsave',
    args: 'addr size file',
    help: "save to disk virtual memory dump starting at 'addr' of size 'size'",
    run: (c, a) => {
      const { addr, size, file } = saveArgs(c, 'memsave', a);
      memorySave(c.machine.monitorCpu, BigInt(addr >>> 0), BigInt(size), file, false);
    },
  },
  {
    name: 'pmemsave',
    args: 'addr size file',
    help: "save to disk physical memory dump starting at 'addr' of size 'size'",
    run: (c, a) => {
      const { addr, size, file } = saveArgs(c, 'pmemsave', a);
      memorySave(c.machine.monitorCpu, BigInt(addr), BigInt(size), file, true);
    },
  },
  {
    name: 'screendump',
    args: 'filename [-f format] [device [head]]',
    help:
      "save screen from head 'head' of display device 'device'in specified format 'format' as image 'filename'." +
      "Currently only 'png' and 'ppm' formats are supported.",
    run: (c, a) => screendump(c.machine, a, c.print),
  },
  {
    name: 'system_reset', args: '', help: 'reset the system',
    run: (c) => {
      c.machine.requestReset('host-qmp-system-reset');
      c.machine.serviceResetRequest();
    },
  },
  { name: 'stop', args: '', help: 'stop emulation', run: (c) => c.machine.stop() },
  {
    name: 'cont', alias: 'c', args: '', help: 'resume emulation',
    run: (c) => {
      // As QEMU: a VM stopped by a shutdown (-no-shutdown) must be reset before it runs again.
      if (c.machine.runState === 'shutdown') c.print('Error: Resetting the Virtual Machine is required\n');
      else c.machine.cont();
    },
  },
  { name: 'quit', alias: 'q', args: '', help: 'quit the emulator', run: (c) => c.machine.quit() },
  {
    name: 'object_add', args: '[qom-type=]type,id=str[,prop=value][,...]', help: 'create QOM object (memory-backend-ram, memory-backend-file)',
    run: (c, a) => objectAdd(c.machine, splitOptions(required(a, 'object').trim(), 'qom-type')),
  },
  { name: 'object_del', args: 'id', help: 'destroy QOM object', run: (c, a) => objectDel(c.machine, required(a, 'id').trim()) },
  {
    name: 'memdev_sync', args: '[id]', help: "write back a memory-backend-file's dirty pages now, or every share=on file backend's (tcg86's own)",
    run: (c, a) => void memdevSync(c.machine, a.trim() === '' ? undefined : a.trim()),
  },
  {
    name: 'device_add', args: 'driver[,prop=value][,...]', help: 'add device, like -device on the command line (pc-dimm)',
    run: (c, a) => deviceAdd(c.machine, splitOptions(required(a, 'device').trim(), 'driver')),
  },
  { name: 'device_del', args: 'device', help: 'remove device', run: (c, a) => deviceDel(c.machine, required(a, 'id').trim()) },
  ...MIGRATION_COMMANDS,
];

/** Run one command line; errors are printed, never thrown. Returns false after `quit`. */
export function runCommand(ctx: MonitorContext, line: string): boolean {
  const m = /^\s*(\S+)\s*(.*)$/s.exec(line);
  if (!m) return true;
  const name = m[1]!;
  const cmd = COMMANDS.find((k) => k.name === name || k.alias === name);
  if (!cmd) {
    ctx.print(`unknown command: '${name}'\n`);
    return true;
  }
  try {
    cmd.run(ctx, m[2]!);
  } catch (e) {
    // A command shared with QMP fails as QEMU's hmp_handle_error prints it.
    if (e instanceof CommandError) ctx.print(`Error: ${e.desc}\n`);
    else if (!(e instanceof MonitorError)) throw e;
    else ctx.print(e.message + '\n' + (e.usage ? `Try "help ${cmd.name}" for more information\n` : ''));
  }
  return cmd.name !== 'quit';
}
