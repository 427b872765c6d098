// The command line: QEMU's flags for everything QEMU has (so one command line runs a ROM on
// both), our own additions as long options. OPTIONS below is the table: one entry per option
// with its -help line. Every error names the flag it is about.

import * as fs from 'node:fs';
import { defaultConfig, type ChardevBackend, type ChardevSpec, type FwCfgUserFile, type MachineConfig } from '../machine/config.js';
import { DEFAULT_BIOS, findFirmware, SYSTEM_FIRMWARE_DIRS } from '../machine/firmware.js';
import { isLinuxKernelFile } from '../machine/linux-boot.js';
import { TCG86_VERSION } from '../monitor/commands.js';
import { formatUsage, suggestOption, type CliOption } from './option-table.js';
import { accelHelp, devicePropsHelp, deviceHelp, displayHelp, DISPLAY_TYPES, logHelp, LOG_ITEM_HELP, machineHelp, MACHINES, vgaHelp, VGA_TYPES } from './help-lists.js';
import { cpuHelpText, findCpuModel, findFeature, resolveCpu, type CpuDefinition, type FeatureChange } from '../cpu/x86/cpu-models.js';

export class UsageError extends Error {}
/** A help option (-cpu help): the message is the text to print, and the run ends with status 0. */
export class HelpRequest extends Error {}

const fail = (flag: string, msg: string): never => {
  throw new UsageError(`${flag}: ${msg}`);
};

/** Parse "128", "128M", "1G", "512k" (QEMU: a bare number is MiB). */
export function parseSize(flag: string, text: string, defaultUnit = 1024 * 1024): number {
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT]?)[bB]?$/.exec(text.trim());
  if (!m) return fail(flag, `invalid size '${text}'`);
  const units: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  const unit = m[2] ? units[m[2].toLowerCase()]! : defaultUnit;
  const n = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(n) || n <= 0) return fail(flag, `invalid size '${text}'`);
  return n;
}

function parseNumber(flag: string, key: string, text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isSafeInteger(n)) return fail(flag, `${key}: '${text}' is not a number`);
  return n;
}

/** Split "driver,key=value,..." into the first word and the properties. */
function parseProps(flag: string, text: string, implied?: string): { head: string; props: Map<string, string> } {
  const parts = text.split(',');
  const props = new Map<string, string>();
  let head = '';
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) {
      if (i === 0) head = p;
      else fail(flag, `'${p}' is not of the form key=value`);
      return;
    }
    const k = p.slice(0, eq);
    if (i === 0 && implied && k !== implied) head = '';
    if (i === 0 && k === implied) head = p.slice(eq + 1);
    else props.set(k, p.slice(eq + 1));
  });
  if (!head && props.size === 0) fail(flag, 'empty value');
  return { head, props };
}

function checkKnown(flag: string, what: string, props: Map<string, string>, known: string[]): void {
  for (const k of props.keys()) if (!known.includes(k)) fail(flag, `${what} has no property '${k}' (known: ${known.join(', ')})`);
}

interface ParseState {
  cfg: MachineConfig;
  nographic: boolean;
  displayNone: boolean;
  nodefaults: boolean;
  vgaGiven: boolean;
  serialGiven: boolean;
  monitorGiven: boolean;
  anon: number;
}

/** A -serial/-debugcon/-monitor device string becomes a chardev id (or null for none). */
function chardevFromDevString(st: ParseState, flag: string, spec: string): string | null {
  if (spec === 'none') return null;
  if (spec.startsWith('chardev:')) {
    const id = spec.slice(8);
    if (!st.cfg.chardevs.has(id)) fail(flag, `chardev '${id}' not found (define it with -chardev ...,id=${id} before use)`);
    return id;
  }
  let backend: ChardevBackend;
  let mux = false;
  let s = spec;
  if (s.startsWith('mon:')) {
    mux = true;
    s = s.slice(4);
  }
  if (s === 'stdio') backend = { kind: 'stdio' };
  else if (s === 'null') backend = { kind: 'null' };
  else if (s === 'vc' || s.startsWith('vc:')) backend = { kind: 'vc' };
  else if (s.startsWith('file:')) {
    if (s.length === 5) return fail(flag, "'file:' needs a path (file:PATH)");
    backend = { kind: 'file', path: s.slice(5) };
  }
  else return fail(flag, `character device '${spec}' is not supported (use stdio, null, file:PATH, chardev:ID or none)`);
  const id = `${flag.replace(/^-+/, '')}${st.anon++}`;
  st.cfg.chardevs.set(id, { id, backend, mux, flag });
  return id;
}

function parseChardev(st: ParseState, flag: string, text: string): void {
  const { head, props } = parseProps(flag, text, 'backend');
  const id = props.get('id');
  if (!id) fail(flag, "chardev needs an 'id' property");
  if (st.cfg.chardevs.has(id!)) fail(flag, `duplicate chardev id '${id}'`);
  let backend: ChardevBackend;
  if (head === 'stdio') {
    checkKnown(flag, 'chardev stdio', props, ['id', 'mux', 'signal']);
    // signal=off would let Ctrl-C reach the guest; tcg86's stdio always lets it end the process.
    if ((props.get('signal') ?? 'on') !== 'on') fail(flag, 'chardev stdio: signal=off is not supported (Ctrl-C always ends tcg86)');
    backend = { kind: 'stdio' };
  } else if (head === 'null') {
    checkKnown(flag, 'chardev null', props, ['id']);
    backend = { kind: 'null' };
  } else if (head === 'file') {
    checkKnown(flag, 'chardev file', props, ['id', 'path', 'mux']);
    const path = props.get('path');
    if (!path) fail(flag, "chardev file needs a 'path' property");
    backend = { kind: 'file', path: path! };
  } else {
    return fail(flag, `chardev backend '${head}' is not supported (use stdio, file or null)`);
  }
  const spec: ChardevSpec = { id: id!, backend, mux: props.get('mux') === 'on', flag };
  st.cfg.chardevs.set(id!, spec);
}

function parseDevice(st: ParseState, flag: string, text: string): void {
  // -device NAME,help lists the driver's properties.
  if (text.endsWith(',help')) {
    const list = devicePropsHelp(text.slice(0, -5));
    if (list) throw new HelpRequest(list);
  }
  const { head, props } = parseProps(flag, text, 'driver');
  if (head === 'isa-debug-exit') {
    checkKnown(flag, 'isa-debug-exit', props, ['iobase', 'iosize']);
    st.cfg.debugExits.push({
      iobase: props.has('iobase') ? parseNumber(flag, 'iobase', props.get('iobase')!) : 0x501,
      iosize: props.has('iosize') ? parseNumber(flag, 'iosize', props.get('iosize')!) : 2,
    });
    return;
  }
  if (head === 'isa-debugcon') {
    checkKnown(flag, 'isa-debugcon', props, ['iobase', 'chardev', 'readback']);
    const chardev = props.get('chardev');
    if (!chardev) fail(flag, "isa-debugcon needs a 'chardev' property");
    if (!st.cfg.chardevs.has(chardev!)) fail(flag, `chardev '${chardev}' not found`);
    st.cfg.debugcons.push({
      iobase: props.has('iobase') ? parseNumber(flag, 'iobase', props.get('iobase')!) : 0xe9,
      chardev: chardev!,
      readback: props.has('readback') ? parseNumber(flag, 'readback', props.get('readback')!) & 0xff : 0xe9,
    });
    return;
  }
  if (head === 'help' || head === '?') throw new HelpRequest(deviceHelp());
  fail(flag, `device '${head}' is not supported (supported: isa-debug-exit, isa-debugcon)`);
}

const LOG_ITEMS = LOG_ITEM_HELP.map(([name]) => name);

function parseLog(st: ParseState, flag: string, text: string): void {
  if (text === 'help' || text === '?') throw new HelpRequest(logHelp());
  for (const item of text.split(',')) {
    switch (item) {
      case 'int':
        st.cfg.log.int = true;
        break;
      case 'cpu_reset':
        st.cfg.log.cpuReset = true;
        break;
      case 'guest_errors':
        st.cfg.log.guestErrors = true;
        break;
      case 'unimp':
        st.cfg.log.unimp = true;
        break;
      case 'in_asm':
        st.cfg.log.inAsm = true;
        break;
      case 'out_asm':
        st.cfg.log.outAsm = true;
        break;
      default:
        fail(flag, `log item '${item}' is not supported (supported: ${LOG_ITEMS.join(', ')})`);
    }
  }
}

const BOOL_ON = new Set(['on', 'yes', 'true', 'y']);
const BOOL_OFF = new Set(['off', 'no', 'false', 'n']);

/**
 * -cpu MODEL[,+feat][,-feat][,feat[=on|off]]... as QEMU 7.2 applies it: the feat=on/off items
 * in order, then every +feat, then every -feat (so -feat wins), with QEMU's warning when one
 * feature is given both ways.
 */
function parseCpu(flag: string, text: string): CpuDefinition {
  const [name, ...items] = text.split(',');
  if (name === 'help' || name === '?') throw new HelpRequest(cpuHelpText());
  // qemu-system-i386 7.2 under TCG refuses it with this message.
  if (name === 'host' || name === 'host-v1') return fail(flag, "CPU model 'host' requires KVM or HVF");
  const model = findCpuModel(name!);
  if (!model) return fail(flag, `unknown CPU model '${name}' (see -cpu help)`);
  const feature = (word: string) => findFeature(word) ?? fail(flag, `unknown CPU feature '${word}' (see -cpu help)`);
  const props: FeatureChange[] = [];
  const plus: FeatureChange[] = [];
  const minus: FeatureChange[] = [];
  const warnings: string[] = [];
  for (const item of items) {
    if (item === '') continue;
    if (item[0] === '+' || item[0] === '-') {
      const f = feature(item.slice(1));
      (item[0] === '+' ? plus : minus).push({ word: f.word, bit: f.bit, on: item[0] === '+' });
      continue;
    }
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const val = eq < 0 ? 'on' : item.slice(eq + 1);
    const f = feature(key);
    const on = BOOL_ON.has(val) ? true : BOOL_OFF.has(val) ? false : fail(flag, `${key}: '${val}' must be on or off`);
    for (const [list, sign] of [[plus, '+'], [minus, '-']] as const) {
      if (list.some((c) => c.word === f.word && c.bit === f.bit)) {
        warnings.push(`Ambiguous CPU model string. Don't mix both "${sign}${f.name}" and "${f.name}=${val}"`);
      }
    }
    props.push({ word: f.word, bit: f.bit, on });
  }
  if (warnings.length > 0) warnings.push("Compatibility of ambiguous CPU model strings won't be kept on future QEMU versions");
  const def = resolveCpu(model, [...props, ...plus, ...minus]);
  return { ...def, warnings: [...warnings, ...def.warnings] };
}

/** -rtc [base=utc|localtime|DATE][,clock=vm][,driftfix=none]: the RTC's starting time. */
function parseRtc(st: ParseState, flag: string, text: string): void {
  const { head, props } = parseProps(flag, text, 'base');
  if (head) props.set('base', head);
  checkKnown(flag, '-rtc', props, ['base', 'clock', 'driftfix']);
  const base = props.get('base');
  if (base === 'utc') st.cfg.rtcBase = Math.floor(Date.now() / 1000);
  else if (base === 'localtime') st.cfg.rtcBase = Math.floor(Date.now() / 1000) - new Date().getTimezoneOffset() * 60;
  else if (base !== undefined) {
    // QEMU's formats; the fields are the RTC's own (taken as UTC, as QEMU's base=DATE does).
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/.exec(base);
    const t = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : NaN;
    // Date.UTC rolls over out-of-range fields (month 13, 31 June); a real date reads back equal.
    const same = Number.isFinite(t) && new Date(t).toISOString().slice(0, base.length) === (m?.[4] ? base : base.slice(0, 10));
    if (!m || !same) {
      fail(flag, `invalid datetime format '${base}' (valid formats: '2006-06-17T16:01:21' or '2006-06-17')`);
    }
    st.cfg.rtcBase = t / 1000;
  }
  const clock = props.get('clock') ?? 'vm';
  if (clock !== 'vm') fail(flag, `clock=${clock} is not supported (tcg86's RTC runs on guest time, the instruction count: clock=vm)`);
  const driftfix = props.get('driftfix') ?? 'none';
  if (driftfix !== 'none') fail(flag, `driftfix=${driftfix} is not supported (guest time never loses ticks: driftfix=none)`);
}

/** -boot [order=]DRIVES: the boot order the firmware reads from CMOS (a, b, c, d, n). */
function parseBoot(st: ParseState, flag: string, text: string): void {
  const { head, props } = parseProps(flag, text, 'order');
  checkKnown(flag, '-boot', props, ['order']);
  const order = props.get('order') ?? head;
  if (!order) fail(flag, "needs a boot order (order=DRIVES)");
  for (const c of order) if (!'abcdn'.includes(c)) fail(flag, `invalid boot device '${c}' (use a, b, c, d or n)`);
  if (order.length > 3) fail(flag, `too many boot devices for PC: '${order}' (at most 3)`);
  st.cfg.bootOrder = order;
}

/** -accel tcg[,tb-size=MiB][,thread=single]. */
function parseAccel(st: ParseState, flag: string, text: string): void {
  if (text === 'help' || text === '?') throw new HelpRequest(accelHelp());
  const { head, props } = parseProps(flag, text, 'accel');
  if (head !== 'tcg') fail(flag, `accelerator '${head}' is not supported (use tcg)`);
  checkKnown(flag, 'accelerator tcg', props, ['tb-size', 'thread']);
  if (props.has('tb-size')) st.cfg.tbCacheBytes = parseSize(flag, props.get('tb-size')!);
  const thread = props.get('thread') ?? 'single';
  if (thread !== 'single') fail(flag, `thread=${thread} is not supported (one vCPU: thread=single)`);
}

function parseMachine(st: ParseState, flag: string, text: string): void {
  const { head, props } = parseProps(flag, text, 'type');
  if (head === 'help' || head === '?') throw new HelpRequest(machineHelp());
  checkKnown(flag, '-machine', props, ['accel']);
  if (head && !MACHINES.some((m) => m.name === head)) fail(flag, `machine type '${head}' is not supported (use pc; see -machine help)`);
  if (props.has('accel') && props.get('accel') !== 'tcg') fail(flag, `accelerator '${props.get('accel')}' is not supported (use tcg)`);
}

/** QEMU's options tcg86 does not have: refused with this message rather than "invalid option". */
const QEMU_ONLY = ['enable-kvm', 'snapshot', 's', 'gdb', 'drive', 'hda', 'cdrom', 'fda', 'netdev', 'nic', 'qmp', 'vnc', 'daemonize', 'pidfile', 'object', 'smp', 'action', 'loadvm'];

/**
 * The options, one entry each: name, argument, -help group and line, and what it does. Add an
 * option by adding its entry here.
 */
export const OPTIONS: readonly CliOption<ParseState>[] = [
  {
    name: 'help', aliases: ['h'], synopsis: '-h or -help', group: 'Standard options', help: 'display this help and exit',
    apply: () => {
      throw new HelpRequest(usage());
    },
  },
  {
    name: 'version', group: 'Standard options', help: 'display version information and exit',
    apply: () => {
      throw new HelpRequest(versionText());
    },
  },
  {
    name: 'machine', aliases: ['M'], arg: '[type=]name[,accel=tcg]', group: 'Standard options',
    help: "selects emulated machine ('-machine help' for list)", apply: (st, flag, v) => parseMachine(st, flag, v),
  },
  {
    name: 'cpu', arg: 'cpu', group: 'Standard options', help: "select CPU ('-cpu help' for list)",
    apply: (st, flag, v) => (st.cfg.cpu = parseCpu(flag, v)),
  },
  {
    name: 'accel', arg: '[accel=]tcg[,tb-size=n][,thread=single]', group: 'Standard options',
    help: "select accelerator (tcg; use 'help' for a list)\ntb-size=n (TCG translation block cache size in MiB)",
    apply: (st, flag, v) => parseAccel(st, flag, v),
  },
  {
    name: 'boot', arg: '[order=]drives', group: 'Standard options',
    help: "'drives': floppy (a), hard disk (c), CD-ROM (d), network (n), as the\nfirmware reads them from CMOS (default: cad)",
    apply: (st, flag, v) => parseBoot(st, flag, v),
  },
  {
    name: 'm', arg: '[size=]megs', group: 'Standard options', help: 'configure guest RAM (a number is MiB; suffixes k, M, G)',
    apply: (st, flag, v) => {
      const { head, props } = parseProps(flag, v, 'size');
      if (props.has('slots') || props.has('maxmem')) fail(flag, 'memory hotplug (slots, maxmem) is not supported');
      checkKnown(flag, '-m', props, []);
      st.cfg.ramSize = parseSize(flag, head);
    },
  },
  {
    name: 'device', arg: 'driver[,prop[=value][,...]]', group: 'Standard options',
    help: "add device (isa-debug-exit, isa-debugcon; '-device help' for list,\n'-device DRIVER,help' for its properties)",
    apply: (st, flag, v) => parseDevice(st, flag, v),
  },
  {
    name: 'display', arg: 'none|curses', group: 'Display options', help: "select display backend type ('-display help' for list)",
    apply: (st, flag, v) => {
      if (v === 'help' || v === '?') throw new HelpRequest(displayHelp());
      const type = v.split(',')[0]!;
      if (!DISPLAY_TYPES.includes(type)) fail(flag, `'${v}' is not supported (use -display none, -display curses or -nographic; see -display help)`);
      if (type === 'curses') st.cfg.display = 'curses';
      else st.displayNone = true;
    },
  },
  {
    name: 'nographic', group: 'Display options', help: 'disable graphical output and redirect serial I/Os to console',
    apply: (st) => {
      st.nographic = true;
      st.cfg.nographic = true;
    },
  },
  {
    name: 'vga', arg: '[std|none]', group: 'Display options', help: "select video card type ('-vga help' for list)",
    apply: (st, flag, v) => {
      if (v === 'help' || v === '?') throw new HelpRequest(vgaHelp());
      if (!VGA_TYPES.some(([n]) => n === v)) fail(flag, `'${v}' is not supported (use std or none)`);
      st.cfg.vga = v as 'std' | 'none';
      st.vgaGiven = true;
    },
  },
  {
    name: 'chardev', arg: 'stdio|file|null,id=id[,path=path][,mux=on|off]', group: 'Character device options',
    help: 'define a character device (stdio, file or null)', apply: (st, flag, v) => parseChardev(st, flag, v),
  },
  {
    name: 'kernel', arg: 'file', group: 'Boot Image or Kernel specific', help: "use 'file' as kernel image (a Linux bzImage, booted by SeaBIOS\nand tcg86's linuxboot option ROM, or multiboot v1: ELF or a.out kludge)",
    apply: (st, _flag, v) => (st.cfg.kernelPath = v),
  },
  {
    name: 'initrd', arg: 'file', group: 'Boot Image or Kernel specific', help: "use 'file' as initial ram disk of a Linux kernel\n(file,file,...: the files concatenated)",
    apply: (st, flag, v) => {
      if (!v) fail(flag, 'requires a file name');
      st.cfg.initrdPaths = v.split(',');
    },
  },
  {
    name: 'append', arg: 'cmdline', group: 'Boot Image or Kernel specific', help: "use 'cmdline' as kernel command line",
    apply: (st, _flag, v) => (st.cfg.append = v),
  },
  {
    name: 'serial', arg: 'dev', group: 'Debug/Expert options', help: "redirect the serial port to char device 'dev'\n(stdio, null, file:PATH, chardev:ID, none)",
    apply: (st, flag, v) => {
      st.serialGiven = true;
      st.cfg.serials.push(chardevFromDevString(st, flag, v));
    },
  },
  {
    name: 'parallel', arg: 'none', group: 'Debug/Expert options', help: 'no parallel port (tcg86 has none)',
    apply: (_st, flag, v) => {
      if (v !== 'none') fail(flag, `'${v}' is not supported (only none)`);
    },
  },
  {
    name: 'monitor', arg: 'dev', group: 'Debug/Expert options', help: "redirect the monitor to char device 'dev'\n(stdio, null, file:PATH, chardev:ID, none)",
    apply: (st, flag, v) => {
      st.monitorGiven = true;
      const [dev, ...opts] = v.split(',');
      if (opts.length > 0 && !(opts.length === 1 && opts[0] === 'readline')) fail(flag, `'${v}': only the human monitor (readline) is supported`);
      st.cfg.monitor = chardevFromDevString(st, flag, dev!);
    },
  },
  {
    name: 'mon', arg: '[chardev=]name[,mode=readline]', group: 'Debug/Expert options', help: 'the monitor on a -chardev',
    apply: (st, flag, v) => {
      st.monitorGiven = true;
      const { props } = parseProps(flag, v, 'chardev');
      checkKnown(flag, '-mon', props, ['chardev', 'mode', 'pretty']);
      const id = props.get('chardev');
      if (!id) fail(flag, "needs a 'chardev' property");
      if (!st.cfg.chardevs.has(id!)) fail(flag, `chardev '${id}' not found (define it with -chardev ...,id=${id} before use)`);
      const mode = props.get('mode') ?? 'readline';
      if (mode !== 'readline') fail(flag, `mode '${mode}' is not supported (QMP is not implemented; use mode=readline)`);
      st.cfg.monitor = id!;
    },
  },
  {
    name: 'debugcon', arg: 'dev', group: 'Debug/Expert options', help: "redirect the debug console (port 0xe9) to char device 'dev'",
    apply: (st, flag, v) => {
      const id = chardevFromDevString(st, flag, v);
      if (id) st.cfg.debugcons.push({ iobase: 0xe9, chardev: id, readback: 0xe9 });
    },
  },
  {
    name: 'S', group: 'Debug/Expert options', help: "freeze CPU at startup (use 'c' to start execution)",
    apply: (st) => (st.cfg.startPaused = true),
  },
  {
    name: 'd', arg: 'item1,...', group: 'Debug/Expert options', help: "enable logging of specified items (use '-d help' for a list of log items)",
    apply: (st, flag, v) => parseLog(st, flag, v),
  },
  {
    name: 'D', arg: 'logfile', group: 'Debug/Expert options', help: 'output log to logfile (default stderr)',
    apply: (st, _flag, v) => (st.cfg.log.file = v),
  },
  {
    name: 'bios', arg: 'file', group: 'Debug/Expert options', help: 'set the filename for the BIOS (a multiple of 64 KiB, at most 16 MiB)',
    apply: (st, _flag, v) => (st.cfg.biosPath = v),
  },
  {
    name: 'L', arg: 'path', group: 'Debug/Expert options', help: 'set the directory for the BIOS, VGA BIOS and keymaps',
    apply: (st, _flag, v) => st.cfg.dataDirs.push(v),
  },
  {
    name: 'fw_cfg', arg: '[name=]<name>,file=<file>', synopsis: '-fw_cfg [name=]<name>,file=<file>', group: 'Debug/Expert options',
    help: "add named fw_cfg entry with contents from file\n-fw_cfg [name=]<name>,string=<str>\n                add named fw_cfg entry with contents from string",
    apply: (st, flag, v) => st.cfg.fwCfgFiles.push(parseFwCfg(flag, v)),
  },
  {
    name: 'incoming', arg: 'tcp:[host]:port|file:path|exec:cmdline|defer', group: 'Debug/Expert options',
    help: 'prepare for incoming migration (tcp, file, exec) or wait for\nmigrate_incoming (defer)',
    apply: (st, flag, v) => {
      if (v !== 'defer' && !/^(tcp|file|exec):./.test(v)) fail(flag, `'${v}': expected tcp:HOST:PORT, file:PATH, exec:CMD or defer`);
      st.cfg.incoming = v;
    },
  },
  {
    name: 'no-reboot', group: 'Debug/Expert options', help: 'exit instead of rebooting',
    apply: (st) => (st.cfg.noReboot = true),
  },
  {
    name: 'no-shutdown', group: 'Debug/Expert options', help: 'stop before shutdown (with -no-reboot: a reset or triple fault pauses the VM)',
    apply: (st) => (st.cfg.noShutdown = true),
  },
  {
    name: 'rtc', arg: '[base=utc|localtime|<datetime>][,clock=vm][,driftfix=none]', group: 'Debug/Expert options',
    help: 'set the RTC base (default: 2000-01-01T00:00:00, so runs repeat)',
    apply: (st, flag, v) => parseRtc(st, flag, v),
  },
  {
    name: 'icount', arg: '[shift=N][,sleep=off][,align=off]', group: 'Debug/Expert options',
    help: 'guest time: 2^N ns per instruction (default 3); tcg86 always counts',
    apply: (st, flag, v) => {
      const { head, props } = parseProps(flag, v, 'shift');
      checkKnown(flag, '-icount', props, ['sleep', 'align']);
      if (head === 'auto') fail(flag, "shift=auto is not supported (tcg86 time is always derived from the instruction count; give a number)");
      const shift = parseNumber(flag, 'shift', head || '3');
      if (shift > 10) fail(flag, `shift ${shift} is above 10`);
      // An idle guest's time jumps to its next timer (QEMU's sleep=off); nothing follows the host clock.
      if ((props.get('sleep') ?? 'off') !== 'off') fail(flag, "sleep=on is not supported (idle guest time jumps to the next timer: sleep=off)");
      if ((props.get('align') ?? 'off') !== 'off') fail(flag, 'align=on is not supported (guest time never follows the host clock)');
      st.cfg.icountShift = shift;
    },
  },
  {
    name: 'nodefaults', group: 'Debug/Expert options', help: "don't create default devices",
    apply: (st) => (st.nodefaults = true),
  },
  {
    name: 'net', arg: 'none', group: 'Debug/Expert options', help: 'no network (tcg86 has none)',
    apply: (_st, flag, v) => {
      if (v !== 'none') fail(flag, `'${v}' is not supported (only none)`);
    },
  },
  {
    name: 'engine', own: true, arg: 'interp|tcg', group: 'tcg86 options', help: 'the engine: the translator (tcg, default) or the reference interpreter',
    apply: (st, flag, v) => {
      if (v !== 'interp' && v !== 'tcg') fail(flag, `'${v}' must be interp or tcg`);
      st.cfg.engine = v as 'interp' | 'tcg';
    },
  },
  {
    name: 'stats', own: true, arg: 'table|json', optionalArg: true, group: 'tcg86 options',
    help: 'print guest MIPS, soft-TLB and translated-block counters at exit (stderr)',
    apply: (st, flag, v) => {
      const f = v || 'table';
      if (f !== 'table' && f !== 'json') fail(flag, `'${f}' must be table or json`);
      st.cfg.stats = f as 'table' | 'json';
    },
  },
  {
    name: 'migrate-at-insn', own: true, arg: 'N URI', twoArgs: true, group: 'tcg86 options',
    help: 'start a live migration to URI (tcp:, file:, exec:) once N instructions have retired',
    apply: (st, flag, n, uri) => {
      if (!/^\d+$/.test(n)) fail(flag, `'${n}' is not an instruction count`);
      if (!/^(tcp|file|exec):./.test(uri)) fail(flag, `'${uri}': expected tcp:HOST:PORT, file:PATH or exec:CMD`);
      st.cfg.migrateAt = { insn: Number(n), uri };
    },
  },
  {
    name: 'tb-cache-size', own: true, arg: 'size', group: 'tcg86 options', help: "the translator's generated-code budget (default 64M; a full flush when exceeded)",
    apply: (st, flag, v) => (st.cfg.tbCacheBytes = parseSize(flag, v)),
  },
];

function versionText(): string {
  return `tcg86 version ${TCG86_VERSION} (follows QEMU emulator version 7.2, qemu-system-i386)\n`;
}

function usage(): string {
  const header =
    versionText() +
    'usage: tcg86 [options]\n\n' +
    "Runs a bare-metal ROM (-bios), SeaBIOS, or a Linux or multiboot kernel (-kernel) on QEMU's\n" +
    "pc machine; the options are qemu-system-i386's, and the same command line gives the same output.\n";
  const footer = "\nWhen using -nographic, press 'ctrl-a h' to get some help.\n";
  return formatUsage(header, OPTIONS, footer);
}

/** Find the table entry for what the user typed (one or two dashes; --own=value). */
function lookup(arg: string): { opt: CliOption<ParseState>; inline: string | undefined } | null {
  const dashes = arg.startsWith('--') ? 2 : 1;
  const body = arg.slice(dashes);
  const eq = body.indexOf('=');
  const name = eq >= 0 ? body.slice(0, eq) : body;
  const opt = OPTIONS.find((o) => o.name === name || o.aliases?.includes(name));
  if (!opt) return null;
  if (eq >= 0) return opt.own ? { opt, inline: body.slice(eq + 1) } : null;
  return { opt, inline: undefined };
}

/** Parse argv (without node and script) into a machine configuration. */
export function parseArgs(argv: readonly string[]): MachineConfig {
  const cfg = defaultConfig();
  const st: ParseState = { cfg, nographic: false, displayNone: false, nodefaults: false, vgaGiven: false, serialGiven: false, monitorGiven: false, anon: 0 };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') fail(arg, 'not an option (QEMU-style options start with -; a ROM is given with -bios FILE)');
    const found = lookup(arg);
    const flag = arg.split('=', 1)[0]!;
    if (!found) {
      const name = flag.replace(/^--?/, '');
      if (QEMU_ONLY.includes(name)) fail(flag, 'is not supported by tcg86 (see -help)');
      const hint = suggestOption(name, OPTIONS);
      fail(flag, `invalid option${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
    const { opt, inline } = found!;
    let value = inline;
    if (opt.arg && value === undefined && !opt.optionalArg) {
      value = argv[++k];
      if (value === undefined) fail(flag, 'requires an argument');
    }
    if (!opt.arg && inline !== undefined) fail(flag, 'takes no argument');
    let value2 = '';
    if (opt.twoArgs) {
      const next = argv[++k];
      if (next === undefined) fail(flag, `requires two arguments (${opt.arg})`);
      value2 = next!;
    }
    opt.apply(st, flag, value ?? '', value2);
  }
  finishDefaults(st);
  return cfg;
}

/**
 * QEMU's defaults: with -nographic the serial port and the monitor share stdio (mon:stdio,
 * C-a c switches), or whichever of them was not given goes there alone; otherwise both go to
 * the display's virtual console, which tcg86 (no display) makes a sink.
 */
function finishDefaults(st: ParseState): void {
  const cfg = st.cfg;
  // -nodefaults drops the default display adapter too, unless -vga asks for one.
  if (st.nodefaults && !st.vgaGiven) cfg.vga = 'none';
  if (!st.nodefaults) {
    if (st.nographic) {
      if (!st.serialGiven && !st.monitorGiven) {
        const id = chardevFromDevString(st, '-serial', 'mon:stdio');
        cfg.serials.push(id);
        cfg.monitor = id;
      } else if (!st.serialGiven) {
        cfg.serials.push(chardevFromDevString(st, '-serial', 'stdio'));
      } else if (!st.monitorGiven) {
        cfg.monitor = chardevFromDevString(st, '-monitor', 'stdio');
      }
    } else if (!st.serialGiven) {
      cfg.serials.push(chardevFromDevString(st, '-serial', 'vc'));
    }
  }
  // A monitor on the display's console (tcg86 has no display) cannot be reached: none.
  if (cfg.monitor && cfg.chardevs.get(cfg.monitor)?.backend.kind === 'vc') cfg.monitor = null;
  if (cfg.startPaused && !cfg.monitor) {
    throw new UsageError('-S: the machine would stay stopped for good: no monitor can continue it (give -monitor stdio)');
  }
  if (cfg.display === 'curses') {
    if (cfg.vga === 'none') throw new UsageError('-display curses: there is no display adapter (-vga none or -nodefaults)');
    if ([...cfg.chardevs.values()].some((c) => c.backend.kind === 'stdio')) {
      throw new UsageError('-display curses: the terminal is the display; no character device may use stdio');
    }
  }
  if (cfg.noShutdown && !cfg.monitor) {
    throw new UsageError('-no-shutdown: a shutdown would stop the machine for good: no monitor can reset or quit it (give -monitor stdio)');
  }
  // One stdio chardev at most (QEMU: "cannot use stdio by multiple character devices").
  const stdio = [...cfg.chardevs.values()].filter((c) => c.backend.kind === 'stdio');
  const users = new Set<string>();
  for (const id of cfg.serials) if (id && isStdio(cfg, id)) users.add(id);
  for (const d of cfg.debugcons) if (isStdio(cfg, d.chardev)) users.add(d.chardev);
  if (cfg.monitor && isStdio(cfg, cfg.monitor)) users.add(cfg.monitor);
  if (stdio.length > 1 && users.size > 1) {
    throw new UsageError('cannot use stdio by multiple character devices (give -serial none -monitor none with -nographic, or use a file: chardev)');
  }
  resolveFirmware(cfg);
}

/**
 * -bios NAME is a path, or a file in the firmware directories (-L, then /usr/share/seabios...)
 * as QEMU's qemu_find_file; with neither -bios nor -kernel, SeaBIOS is the firmware as on QEMU.
 */
function resolveFirmware(cfg: MachineConfig): void {
  if (cfg.biosPath) {
    if (!fs.existsSync(cfg.biosPath) && !cfg.biosPath.includes('/')) cfg.biosPath = findFirmware(cfg.biosPath, cfg.dataDirs) ?? cfg.biosPath;
    return;
  }
  // A multiboot kernel is entered directly; a Linux kernel boots through SeaBIOS, as on QEMU.
  if (cfg.kernelPath && !isLinuxKernelFile(cfg.kernelPath)) return;
  cfg.biosPath = findFirmware(DEFAULT_BIOS, cfg.dataDirs);
  if (!cfg.biosPath) {
    throw new UsageError(
      `no firmware: the default BIOS ${DEFAULT_BIOS} (SeaBIOS) is not in ${[...cfg.dataDirs, ...SYSTEM_FIRMWARE_DIRS].join(', ')}; install the Debian/Ubuntu package 'seabios', or give -L DIR, -bios FILE or -kernel FILE`,
    );
  }
}

/** -fw_cfg [name=]NAME,file=PATH|string=TEXT (QEMU's -fw_cfg). */
function parseFwCfg(flag: string, v: string): FwCfgUserFile {
  const { head, props } = parseProps(flag, v, 'name');
  checkKnown(flag, '-fw_cfg', props, ['name', 'file', 'string']);
  const name = props.get('name') ?? head;
  if (!name) fail(flag, 'name=NAME is required');
  if (name!.length >= 56) fail(flag, `name '${name}' is too long (at most 55 characters)`);
  const file = props.get('file');
  const str = props.get('string');
  if ((file === undefined) === (str === undefined)) fail(flag, 'give exactly one of file=PATH or string=TEXT');
  if (!name!.startsWith('opt/')) process.stderr.write(`tcg86: ${flag} ${v}: warning: externally provided fw_cfg item names should be prefixed with "opt/"\n`);
  if (file !== undefined) {
    try {
      return { name: name!, data: new Uint8Array(fs.readFileSync(file)) };
    } catch (e) {
      fail(flag, `cannot read ${file} (${(e as Error).message})`);
    }
  }
  return { name: name!, data: new TextEncoder().encode(str!) };
}

function isStdio(cfg: MachineConfig, id: string): boolean {
  return cfg.chardevs.get(id)?.backend.kind === 'stdio';
}
