// The command line: QEMU's flags for everything QEMU has (so one command line runs a ROM on
// both), our own additions as long options. OPTIONS below is the table: one entry per option
// with its -help line. Every error names the flag it is about.

import * as fs from 'node:fs';
import type { SocketOptions } from '../devices/chardev-socket.js';
import { parseMemoryOption, strtosz } from './memory-option.js';
import { defaultConfig, type ChardevBackend, type ChardevSpec, type DriveSpec, type FwCfgUserFile, type MachineConfig } from '../machine/config.js';
import { DEFAULT_BIOS, findFirmware, SYSTEM_FIRMWARE_DIRS } from '../machine/firmware.js';
import { isLinuxKernelFile } from '../machine/linux-boot.js';
import { DEFAULT_SYNC_INTERVAL_MS } from '../machine/hostmem-file.js';
import { TCG86_VERSION } from '../monitor/commands.js';
import { formatUsage, suggestOption, type CliOption } from './option-table.js';
import { accelHelp, DEVICES, devicePropsHelp, deviceHelp, displayHelp, DISPLAY_TYPES, logHelp, LOG_ITEM_HELP, machineHelp, MACHINES, vgaHelp, VGA_TYPES } from './help-lists.js';
import { isLoopback, parseVncDisplay } from './vnc-option.js';
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
  vncAllowRemote: boolean;
  /** -snapshot: every drive writes to a temporary overlay. */
  snapshot: boolean;
  /** -m was given (with -machine memory-backend, its size must then be the backend's). */
  ramGiven?: boolean;
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
  } else if (/^(tcp|telnet|unix):/.test(s)) backend = socketFromDevString(flag, s);
  else return fail(flag, `character device '${spec}' is not supported (use stdio, null, file:PATH, tcp:HOST:PORT, telnet:HOST:PORT, unix:PATH, chardev:ID or none)`);
  const id = `${flag.replace(/^-+/, '')}${st.anon++}`;
  st.cfg.chardevs.set(id, { id, backend, mux, flag });
  return id;
}

/** An on/off property as QEMU reads it; a bare key (legacy "server", "nowait") means on. */
function boolProp(flag: string, key: string, value: string | undefined, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (value === '' || BOOL_ON.has(value)) return true;
  if (BOOL_OFF.has(value)) return false;
  return fail(flag, `Parameter '${key}' expects 'on' or 'off'`);
}

const SOCKET_PROPS = ['server', 'wait', 'telnet', 'nodelay'];

/** server/wait/telnet of a socket chardev (QEMU: client by default; a server waits by default). */
function socketOptions(flag: string, props: Map<string, string>, telnet: boolean): SocketOptions {
  if (props.has('nowait')) props.set('wait', 'off');
  props.delete('nowait');
  props.delete('nodelay'); // tcg86 always sends at once (TCP_NODELAY)
  const server = boolProp(flag, 'server', props.get('server'), false);
  return { server, wait: server && boolProp(flag, 'wait', props.get('wait'), true), telnet: boolProp(flag, 'telnet', props.get('telnet'), telnet) };
}

/**
 * tcp:[HOST]:PORT[,server=on|off][,wait=on|off][,telnet=on|off], telnet:HOST:PORT[,...] and
 * unix:PATH[,server=...]: QEMU's socket device strings. An empty host is the loopback address
 * (QEMU listens on every address; tcg86 never opens a monitor to the network unasked).
 */
function socketFromDevString(flag: string, s: string): ChardevBackend {
  const [head, ...rest] = s.split(',');
  const props = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    props.set(eq < 0 ? p : p.slice(0, eq), eq < 0 ? '' : p.slice(eq + 1));
  }
  checkKnown(flag, 'socket', props, [...SOCKET_PROPS, 'nowait']);
  const colon = head!.indexOf(':');
  const scheme = head!.slice(0, colon);
  const where = head!.slice(colon + 1);
  const opts = socketOptions(flag, props, scheme === 'telnet');
  if (scheme === 'unix') {
    if (!where) fail(flag, "'unix:' needs a path (unix:PATH)");
    return { kind: 'socket', address: { kind: 'unix', path: where }, opts };
  }
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(where);
  if (!m) return fail(flag, `'${head}': expected ${scheme}:HOST:PORT`);
  return { kind: 'socket', address: { kind: 'tcp', host: tcpHost(m[1]!), port: tcpPort(flag, m[2]!) }, opts };
}

function tcpHost(h: string): string {
  const host = h.replace(/^\[(.*)\]$/, '$1');
  return host === '' ? '127.0.0.1' : host;
}

function tcpPort(flag: string, text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) fail(flag, `port '${text}' is not a TCP port number`);
  return port;
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
  } else if (head === 'socket') {
    checkKnown(flag, 'chardev socket', props, ['id', 'host', 'port', 'path', 'mux', 'nowait', ...SOCKET_PROPS]);
    const opts = socketOptions(flag, props, false);
    const path = props.get('path');
    if (path !== undefined) {
      if (props.has('host') || props.has('port')) fail(flag, "chardev socket: give either path=PATH or host=HOST,port=PORT");
      backend = { kind: 'socket', address: { kind: 'unix', path }, opts };
    } else {
      const port = props.get('port');
      if (port === undefined) return fail(flag, "chardev socket: needs 'path' (a Unix socket) or 'port' (TCP)");
      backend = { kind: 'socket', address: { kind: 'tcp', host: tcpHost(props.get('host') ?? ''), port: tcpPort(flag, port) }, opts };
    }
  } else {
    return fail(flag, `chardev backend '${head}' is not supported (use stdio, file, null or socket)`);
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
  if (head === 'pc-testdev') {
    checkKnown(flag, 'pc-testdev', props, []);
    if (st.cfg.pcTestdev) fail(flag, 'pc-testdev: only one can be added (its ports are fixed)');
    st.cfg.pcTestdev = true;
    return;
  }
  if (head === 'pci-testdev') {
    checkKnown(flag, 'pci-testdev', props, []);
    st.cfg.pciTestdevs++;
    return;
  }
  if (head === 'pc-dimm') {
    checkKnown(flag, 'pc-dimm', props, ['id', 'memdev', 'addr', 'slot', 'node']);
    const memdev = props.get('memdev');
    if (!memdev) fail(`-device ${text}`, "'memdev' property must be set");
    if ((props.get('node') ?? '0') !== '0') fail(`-device ${text}`, "Property 'pc-dimm.node' is not supported: tcg86 has one NUMA node (0)");
    st.cfg.dimms.push({
      id: props.get('id') ?? null,
      memdev: memdev!,
      addr: props.has('addr') ? parseNumber(flag, 'addr', props.get('addr')!) : null,
      slot: props.has('slot') ? parseNumber(flag, 'slot', props.get('slot')!) : null,
      text,
    });
    return;
  }
  if (head === 'help' || head === '?') throw new HelpRequest(deviceHelp());
  fail(flag, `device '${head}' is not supported (supported: ${DEVICES.map((d) => d.name).join(', ')})`);
}

/**
 * -object memory-backend-ram,id=ID,size=SIZE and memory-backend-file,...,mem-path=PATH[,share=on|off]
 * (QEMU's user-creatable backends), plus tcg86's own sync-interval-ms= for a file backend.
 */
function parseObject(st: ParseState, text: string): void {
  const bad = (msg: string): never => {
    throw new UsageError(`-object ${text}: ${msg}`);
  };
  const props = new Map<string, string>();
  text.split(',').forEach((p, i) => {
    const eq = p.indexOf('=');
    if (i === 0 && eq < 0) props.set('qom-type', p);
    else if (eq < 0) bad(`Invalid parameter '${p}'`);
    else props.set(p.slice(0, eq), p.slice(eq + 1));
  });
  const type = props.get('qom-type');
  if (!type) bad("Parameter 'qom-type' is missing");
  if (type !== 'memory-backend-ram' && type !== 'memory-backend-file') bad(`Parameter 'qom-type' does not accept value '${type}'`);
  const isFile = type === 'memory-backend-file';
  const known = ['qom-type', 'id', 'size', 'share', 'merge', 'dump', 'prealloc', 'reserve', ...(isFile ? ['mem-path', 'sync-interval-ms'] : [])];
  for (const k of props.keys()) if (!known.includes(k)) bad(`Invalid parameter '${k}'`);
  const id = props.get('id') ?? bad("Parameter 'id' is missing");
  const sizeText = props.get('size') ?? bad("Parameter 'size' is missing");
  for (const k of ['share', 'merge', 'dump', 'prealloc', 'reserve']) {
    const v = props.get(k);
    if (v !== undefined && !BOOL_ON.has(v) && !BOOL_OFF.has(v)) bad(`Parameter '${k}' expects 'on' or 'off'`);
  }
  const memPath = isFile ? (props.get('mem-path') ?? bad("Parameter 'mem-path' is missing")) : null;
  let syncIntervalMs = DEFAULT_SYNC_INTERVAL_MS;
  const interval = props.get('sync-interval-ms');
  if (interval !== undefined) {
    if (!/^\d{1,12}$/.test(interval)) bad(`Parameter 'sync-interval-ms' expects guest milliseconds between write-backs (0: none; tcg86's own)`);
    syncIntervalMs = Number(interval);
  }
  const size = strtosz(sizeText, 'B', st.cfg.warnings);
  if (size === null || size === 0n) bad(`Parameter 'size' expects a non-negative number below 2^64`);
  if (size! > 2n ** 32n) bad(`size ${size} is more than tcg86 backs for one memory backend (at most 4 GiB)`);
  if (st.cfg.memdevs.some((m) => m.id === id)) bad(`Duplicate ID '${id}' for object`);
  const share = BOOL_ON.has(props.get('share') ?? 'off');
  st.cfg.memdevs.push({ id, size: Number(size), text, ...(memPath !== null ? { file: { path: memPath, share, syncIntervalMs } } : {}) });
}

/** -machine memory-backend=ID: guest RAM is that backend (QEMU 7.2), sized by it unless -m says otherwise. */
function resolveMachineRam(st: ParseState): void {
  const id = st.cfg.memoryBackend;
  if (id === null) return;
  const spec = st.cfg.memdevs.find((m) => m.id === id);
  if (!spec) throw new UsageError(`Memory backend '${id}' not found`);
  if (st.ramGiven && st.cfg.ramSize !== spec.size) throw new UsageError('Machine memory size does not match the size of the memory backend');
  if (st.cfg.maxRamSize === st.cfg.ramSize) st.cfg.maxRamSize = spec.size;
  st.cfg.ramSize = spec.size;
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
      case 'exec':
        st.cfg.log.exec = true;
        break;
      case 'cpu':
        st.cfg.log.cpu = true;
        break;
      case 'mmu':
        st.cfg.log.mmu = true;
        break;
      case 'nochain':
        st.cfg.log.nochain = true;
        break;
      case 'page':
        st.cfg.log.page = true;
        break;
      default:
        fail(flag, `log item '${item}' is not supported (supported: ${LOG_ITEMS.join(', ')})`);
    }
  }
}

/**
 * -dfilter START+SIZE | START-SIZE (the SIZE bytes ending at START) | START..END, comma
 * separated, with QEMU 7.2's rules and messages (it looks for '-' first, then '+', then '..').
 */
export function parseDfilter(flag: string, text: string): { lo: number; hi: number }[] {
  const num = (s: string): number | null => {
    const t = s.trim();
    if (!/^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(t)) return null;
    const v = /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
    return Number.isSafeInteger(v) ? v : null;
  };
  return text.split(',').map((r) => {
    let at = r.indexOf('-');
    let opLen = 1;
    if (at < 0) at = r.indexOf('+');
    if (at < 0) {
      at = r.indexOf('..');
      opLen = 2;
    }
    if (at < 0) fail(flag, 'Bad range specifier');
    const op = r.slice(at, at + opLen);
    const a = num(r.slice(0, at));
    if (a === null) fail(flag, `Invalid number to the left of ${op}`);
    const b = num(r.slice(at + opLen));
    if (b === null) fail(flag, `Invalid number to the right of ${op}`);
    const [lo, hi] = op === '+' ? [a!, a! + b! - 1] : op === '-' ? [a! - (b! - 1), a!] : [a!, b!];
    if (lo < 0 || lo > hi) fail(flag, 'Invalid range');
    return { lo, hi };
  });
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
  checkKnown(flag, '-machine', props, ['accel', 'hpet', 'memory-backend']);
  if (props.has('memory-backend')) st.cfg.memoryBackend = props.get('memory-backend')!;
  if (props.has('hpet')) st.cfg.hpet = boolProp(flag, 'hpet', props.get('hpet'), true);
  if (head && !MACHINES.some((m) => m.name === head)) fail(flag, `machine type '${head}' is not supported (use pc; see -machine help)`);
  if (props.has('accel') && props.get('accel') !== 'tcg') fail(flag, `accelerator '${props.get('accel')}' is not supported (use tcg)`);
}

const DRIVE_PROPS = ['file', 'format', 'if', 'index', 'media', 'readonly', 'snapshot', 'bus', 'unit', 'cache', 'id'];

function onOff(flag: string, key: string, v: string | undefined): boolean {
  if (v === undefined) return false;
  if (BOOL_ON.has(v)) return true;
  if (BOOL_OFF.has(v)) return false;
  return fail(flag, `Parameter '${key}' expects 'on' or 'off'`);
}

/**
 * -drive file=F[,format=raw][,if=ide|floppy][,index=N|bus=B,unit=U][,media=disk|cdrom]
 * [,readonly=on][,snapshot=on], and the shorthands (-hda is index 0, -cdrom index 2...).
 */
function parseDrive(st: ParseState, flag: string, text: string, implied: Partial<DriveSpec> = {}): void {
  const props = new Map<string, string>();
  if (implied.file !== undefined) props.set('file', implied.file);
  else {
    for (const p of text.split(',')) {
      const eq = p.indexOf('=');
      if (eq < 0) fail(flag, `'${p}' is not of the form key=value`);
      props.set(p.slice(0, eq), p.slice(eq + 1));
    }
    for (const k of props.keys()) if (!DRIVE_PROPS.includes(k)) fail(flag, `Invalid parameter '${k}'`);
  }
  const file = props.get('file');
  if (!file) return fail(flag, 'a drive without a medium needs file=PATH (empty drives are not supported)');
  const format = props.get('format') ?? 'raw';
  if (format !== 'raw') fail(flag, `format '${format}' is not supported (raw images only)`);
  const cache = props.get('cache') ?? 'writeback';
  if (cache !== 'writeback') fail(flag, `cache=${cache} is not supported (writes go to the host's page cache and are flushed on FLUSH CACHE: cache=writeback)`);
  const iface = implied.interface ?? props.get('if') ?? 'ide';
  if (iface !== 'ide' && iface !== 'floppy') fail(flag, `machine type does not support if=${iface} (tcg86's pc has ide and floppy)`);
  const media = implied.media ?? props.get('media') ?? 'disk';
  if (media !== 'disk' && media !== 'cdrom') fail(flag, `'${media}' invalid media`);
  // Two units per IDE bus and two buses; the floppy controller has units 0 and 1.
  const perBus = 2;
  const maxIndex = iface === 'ide' ? 4 : 2;
  let index: number;
  if (implied.index !== undefined) index = implied.index;
  else if (props.has('index')) {
    if (props.has('bus') || props.has('unit')) fail(flag, 'index cannot be used with bus and unit');
    index = parseNumber(flag, 'index', props.get('index')!);
  } else if (props.has('bus') || props.has('unit')) {
    index = parseNumber(flag, 'bus', props.get('bus') ?? '0') * perBus + parseNumber(flag, 'unit', props.get('unit') ?? '0');
  } else {
    index = 0;
    while (st.cfg.drives.some((d) => d.interface === iface && d.index === index)) index++;
  }
  if (index >= maxIndex) fail(flag, `machine type does not support if=${iface},bus=${Math.floor(index / perBus)},unit=${index % perBus}`);
  if (st.cfg.drives.some((d) => d.interface === iface && d.index === index)) {
    fail(flag, `drive with bus=${Math.floor(index / perBus)}, unit=${index % perBus} (index=${index}) exists`);
  }
  if (iface === 'floppy' && media === 'cdrom') fail(flag, 'a floppy drive cannot hold a CD-ROM (media=cdrom needs if=ide)');
  const readonly = media === 'cdrom' || onOff(flag, 'readonly', props.get('readonly'));
  if (readonly && media === 'disk' && iface === 'ide') fail(flag, 'Block node is read-only (an IDE hard disk must be writable; snapshot=on keeps the file unchanged)');
  st.cfg.drives.push({ file, interface: iface as 'ide' | 'floppy', index, media: media as 'disk' | 'cdrom', readonly, snapshot: onOff(flag, 'snapshot', props.get('snapshot')), flag });
}

/** QEMU's options tcg86 does not have: refused with this message rather than "invalid option". */
const QEMU_ONLY = [
  'enable-kvm', 's', 'gdb', 'netdev', 'daemonize', 'pidfile', 'action', 'loadvm',
  'no-acpi', 'usb', 'usbdevice', 'global', 'uuid', 'audiodev', 'soundhw', 'watchdog-action', 'sandbox', 'overcommit', 'full-screen', 'no-fd-bootchk',
  'incoming-defer', 'smbios', 'numa', 'mem-path', 'mem-prealloc', 'runas', 'chroot', 'spice', 'sdl', 'curses', 'serial-pty',
];

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
    name: 'm', arg: '[size=]megs[,slots=n,maxmem=size]', group: 'Standard options',
    help: 'configure guest RAM\nsize: initial amount of guest memory (a number is MiB; suffixes k, M, G)\nslots: number of hotplug slots (default: none)\nmaxmem: maximum amount of guest memory (default: none)',
    apply: (st, _flag, v) => {
      const mem = parseMemoryOption(v);
      st.cfg.ramSize = mem.ramSize;
      st.cfg.maxRamSize = mem.maxRamSize;
      st.ramGiven = true;
      st.cfg.ramSlots = mem.slots;
      st.cfg.warnings.push(...mem.warnings);
    },
  },
  {
    name: 'device', arg: 'driver[,prop[=value][,...]]', group: 'Standard options',
    help: "add device (isa-debug-exit, isa-debugcon, pc-testdev, pci-testdev; '-device help' for list,\n'-device DRIVER,help' for its properties)",
    apply: (st, flag, v) => parseDevice(st, flag, v),
  },
  ...(['hda', 'hdb', 'hdc', 'hdd'] as const).map((name, index) => ({
    name, arg: 'file', group: 'Block device options' as const, help: `use 'file' as IDE hard disk ${index} image`,
    apply: (st: ParseState, flag: string, v: string) => parseDrive(st, flag, '', { file: v, interface: 'ide', index, media: 'disk' }),
  })),
  ...(['fda', 'fdb'] as const).map((name, index) => ({
    name, arg: 'file', group: 'Block device options' as const, help: `use 'file' as floppy disk ${index} image`,
    apply: (st: ParseState, flag: string, v: string) => parseDrive(st, flag, '', { file: v, interface: 'floppy', index, media: 'disk' }),
  })),
  {
    name: 'cdrom', arg: 'file', group: 'Block device options', help: "use 'file' as IDE cdrom image (cdrom is ide1 master)",
    apply: (st, flag, v) => parseDrive(st, flag, '', { file: v, interface: 'ide', index: 2, media: 'cdrom' }),
  },
  {
    name: 'drive', arg: 'file=file[,format=raw][,if=ide|floppy][,index=i][,media=disk|cdrom]\n       [,readonly=on|off][,snapshot=on|off]', group: 'Block device options',
    help: 'use \'file\' as a drive image (raw)', apply: (st, flag, v) => parseDrive(st, flag, v),
  },
  {
    name: 'snapshot', group: 'Block device options', help: "write to temporary files instead of disk image files",
    apply: (st) => (st.snapshot = true),
  },
  {
    name: 'object', arg: 'memory-backend-ram|memory-backend-file,id=id,size=size[,mem-path=path,share=on|off]', group: 'Standard options',
    help: 'create a memory backend for -device pc-dimm or -machine memory-backend=id\n(memory-backend-file: sync-interval-ms=n, tcg86\'s own, guest ms between write-backs)',
    apply: (st, _flag, v) => parseObject(st, v),
  },
  {
    name: 'display', arg: 'none|curses|vnc=[HOST]:N', group: 'Display options', help: "select display backend type ('-display help' for list)",
    apply: (st, flag, v) => {
      if (v === 'help' || v === '?') throw new HelpRequest(displayHelp());
      const type = v.split(',')[0]!.split('=')[0]!;
      if (type === 'vnc' && !v.startsWith('vnc=')) fail(flag, "vnc needs a display: -display vnc=[HOST]:N");
      if (!DISPLAY_TYPES.includes(type)) fail(flag, `'${v}' is not supported (use -display none, -display curses or -nographic; see -display help)`);
      if (type === 'curses') st.cfg.display = 'curses';
      else if (type === 'vnc') setVnc(st, flag, v.slice(v.indexOf('=') + 1));
      else st.displayNone = true;
    },
  },
  {
    name: 'smp', arg: '[cpus=]n[,maxcpus=][,sockets=][,dies=][,clusters=][,cores=][,threads=]', group: 'Standard options',
    help: 'set the number of CPUs to n (at most 8; run round-robin in one thread); maxcpus must equal n (no CPU hotplug)',
    apply: (st, flag, v) => parseSmp(st, flag, v),
  },
  {
    name: 'vnc', arg: '[HOST]:N[,websocket=on|PORT][,to=L][,share=...]', group: 'Display options',
    help: 'start a VNC server on port 5900+N (loopback unless --vnc-allow-remote); websocket=on adds one on 5700+N for noVNC',
    apply: (st, flag, v) => setVnc(st, flag, v),
  },
  {
    name: 'vnc-allow-remote', own: true, group: 'tcg86 options', help: 'let -vnc bind a non-loopback address (anyone who reaches it controls the guest)',
    apply: (st) => (st.vncAllowRemote = true),
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
    name: 'chardev', arg: 'stdio|file|null|socket,id=id[,path=path][,host=h,port=p][,server=on|off][,wait=on|off][,telnet=on|off][,mux=on|off]', group: 'Character device options',
    help: 'define a character device (stdio, file, null, socket: TCP or Unix)', apply: (st, flag, v) => parseChardev(st, flag, v),
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
      if (/^(tcp|telnet|unix):/.test(v)) {
        st.cfg.monitor = chardevFromDevString(st, flag, v);
        return;
      }
      const [dev, ...opts] = v.split(',');
      if (opts.length > 0 && !(opts.length === 1 && opts[0] === 'readline')) fail(flag, `'${v}': only the human monitor (readline) is supported (QMP: -qmp DEV)`);
      st.cfg.monitor = chardevFromDevString(st, flag, dev!);
    },
  },
  {
    name: 'qmp', arg: 'dev', group: 'Debug/Expert options', help: "like -monitor but opens in 'control' mode (QMP)\n(tcp:HOST:PORT,server=on,wait=off, unix:PATH,server=on,wait=off, stdio...)",
    apply: (st, flag, v) => {
      st.monitorGiven = true;
      const id = chardevFromDevString(st, flag, v);
      if (id) st.cfg.qmp.push(id);
    },
  },
  {
    name: 'mon', arg: '[chardev=]name[,mode=readline|control]', group: 'Debug/Expert options', help: 'the monitor (HMP, or QMP with mode=control) on a -chardev',
    apply: (st, flag, v) => {
      st.monitorGiven = true;
      const { head, props } = parseProps(flag, v, 'chardev');
      checkKnown(flag, '-mon', props, ['chardev', 'mode', 'pretty']);
      const id = props.get('chardev') ?? (head || undefined);
      if (!id) fail(flag, "needs a 'chardev' property");
      if (!st.cfg.chardevs.has(id!)) fail(flag, `chardev '${id}' not found (define it with -chardev ...,id=${id} before use)`);
      const mode = props.get('mode') ?? 'readline';
      if (mode !== 'readline' && mode !== 'control') fail(flag, `Parameter 'mode' does not accept value '${mode}' (readline or control)`);
      if (boolProp(flag, 'pretty', props.get('pretty'), false)) fail(flag, 'pretty=on is not supported (QMP replies are one line each)');
      if (mode === 'control') st.cfg.qmp.push(id!);
      else st.cfg.monitor = id!;
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
    name: 'dfilter', arg: 'range,..', group: 'Debug/Expert options', help: 'filter debug output for range of addresses (useful for -d cpu,exec,etc..)',
    apply: (st, flag, v) => (st.cfg.log.dfilter = parseDfilter(flag, v)),
  },
  {
    name: 'plugin', arg: '[file=]<file>[,<argname>=<argvalue>]', group: 'Debug/Expert options', help: 'load a plugin (a JavaScript module, see docs/PLUGINS.md)',
    apply: (st, flag, v) => {
      const [first, ...rest] = v.split(',');
      const file = first!.startsWith('file=') ? first!.slice(5) : first!;
      if (!file) fail(flag, 'a plugin file is required');
      for (const a of rest) if (!a.includes('=')) fail(flag, `'${a}': plugin arguments are ARGNAME=VALUE`);
      st.cfg.plugins.push({ file, argv: rest });
    },
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
    name: 'nic', arg: 'none', group: 'Debug/Expert options', help: 'no network card (tcg86 has none)',
    apply: (_st, flag, v) => {
      if (v !== 'none') fail(flag, `'${v}' is not supported (only none: tcg86 has no network card)`);
    },
  },
  {
    name: 'name', arg: 'string1[,process=string2][,debug-threads=on|off]', group: 'Standard options',
    help: "set the name of the guest (shown by 'info name' and QMP's query-name)",
    apply: (st, flag, v) => {
      const { head, props } = parseProps(flag, v, 'guest');
      checkKnown(flag, '-name', props, ['guest', 'process', 'debug-threads']);
      st.cfg.name = head;
    },
  },
  {
    name: 'no-hpet', group: 'Standard options', help: 'disable HPET',
    apply: (st) => {
      st.cfg.hpet = false;
    },
  },
  {
    name: 'k', arg: 'language', group: 'Display options', help: 'keyboard layout of the VNC clients (tcg86 maps keysyms for en-us only)',
    apply: (_st, flag, v) => {
      if (v !== 'en-us') fail(flag, `keyboard layout '${v}' is not supported (only en-us)`);
    },
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
    name: 'profile', own: true, arg: 'file.html|file.json', group: 'tcg86 options',
    help: 'profile the run: MIPS, TLB and dispatch over guest time, hottest blocks, pages (HTML with charts, or JSON)',
    apply: (st, flag, v) => {
      if (!/\.(html?|json)$/i.test(v)) fail(flag, `'${v}': the file name must end in .html or .json`);
      st.cfg.profile = v;
    },
  },
  {
    name: 'trace-smc', own: true, group: 'tcg86 options',
    help: 'log every code invalidation on one line: writer, range written, blocks dropped, cause (-D file or stderr)',
    apply: (st) => (st.cfg.log.traceSmc = true),
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
  const st: ParseState = { cfg, nographic: false, displayNone: false, nodefaults: false, vgaGiven: false, serialGiven: false, monitorGiven: false, anon: 0, vncAllowRemote: false, snapshot: false };
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
  resolveMachineRam(st);
  return cfg;
}

/**
 * QEMU's defaults: with -nographic the serial port and the monitor share stdio (mon:stdio,
 * C-a c switches), or whichever of them was not given goes there alone; otherwise both go to
 * the display's virtual console, which tcg86 (no display) makes a sink.
 */
function finishDefaults(st: ParseState): void {
  const cfg = st.cfg;
  if (st.snapshot) for (const d of cfg.drives) d.snapshot = true;
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
  if (cfg.startPaused && !cfg.monitor && cfg.qmp.length === 0) {
    throw new UsageError('-S: the machine would stay stopped for good: no monitor can continue it (give -monitor stdio)');
  }
  if (cfg.vnc) {
    if (cfg.vga === 'none') throw new UsageError('-vnc: there is no display adapter (-vga none or -nodefaults)');
    for (const h of [cfg.vnc.host, cfg.vnc.websocket?.host ?? 'localhost']) {
      if (!isLoopback(h) && !st.vncAllowRemote) {
        throw new UsageError(`-vnc: '${h}' is not a loopback address: anyone who reaches it controls the guest (add --vnc-allow-remote to allow it)`);
      }
    }
  }
  if (cfg.display === 'curses') {
    if (cfg.vga === 'none') throw new UsageError('-display curses: there is no display adapter (-vga none or -nodefaults)');
    if ([...cfg.chardevs.values()].some((c) => c.backend.kind === 'stdio')) {
      throw new UsageError('-display curses: the terminal is the display; no character device may use stdio');
    }
  }
  // Plugins and the profile hook the boot processor only: refused rather than half-counted.
  if (cfg.smp.cpus > 1 && cfg.plugins.length) throw new UsageError(`-plugin: not supported with -smp ${cfg.smp.cpus} (tcg86's plugins see one vCPU)`);
  if (cfg.smp.cpus > 1 && cfg.profile) throw new UsageError(`--profile: not supported with -smp ${cfg.smp.cpus} (the profile samples one vCPU)`);
  if (cfg.noShutdown && !cfg.monitor && cfg.qmp.length === 0) {
    throw new UsageError('-no-shutdown: a shutdown would stop the machine for good: no monitor can reset or quit it (give -monitor stdio)');
  }
  // One stdio chardev at most (QEMU: "cannot use stdio by multiple character devices").
  const stdio = [...cfg.chardevs.values()].filter((c) => c.backend.kind === 'stdio');
  const users = new Set<string>();
  for (const id of cfg.serials) if (id && isStdio(cfg, id)) users.add(id);
  for (const d of cfg.debugcons) if (isStdio(cfg, d.chardev)) users.add(d.chardev);
  if (cfg.monitor && isStdio(cfg, cfg.monitor)) users.add(cfg.monitor);
  for (const id of cfg.qmp) if (isStdio(cfg, id)) users.add(id);
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

/** The most vCPUs tcg86 runs (the pc's round-robin scheduler; QEMU's pc allows 255 with TCG). */
export const MAX_SMP_CPUS = 8;

/** -smp as QEMU's smp_parse: the CPU count is cpus=, else the topology's product. */
function parseSmp(st: ParseState, flag: string, v: string): void {
  const { head, props } = parseProps(flag, v, 'cpus');
  const keys = ['cpus', 'maxcpus', 'sockets', 'dies', 'clusters', 'cores', 'threads'];
  checkKnown(flag, '-smp', props, keys);
  const n = (k: string): number | null => {
    const text = k === 'cpus' ? head || props.get('cpus') : props.get(k);
    if (text === undefined || text === '') return null;
    if (!/^\d+$/.test(text)) fail(flag, `${k}: '${text}' is not a number`);
    return Number(text);
  };
  // QEMU 7.2's smp_parse for machines that prefer cores: missing sockets/dies/clusters/threads
  // are 1, missing cores fill maxcpus (or cpus), and the product must be maxcpus.
  const cpusGiven = n('cpus');
  const maxGiven = n('maxcpus');
  const sockets = n('sockets') ?? 1;
  const dies = n('dies') ?? 1;
  const clusters = n('clusters') ?? 1;
  const threads = n('threads') ?? 1;
  const others = sockets * dies * clusters * threads;
  const cores = n('cores') ?? (others > 0 ? Math.floor((maxGiven ?? cpusGiven ?? others) / others) : 0);
  const topo = others * cores;
  const max = maxGiven ?? cpusGiven ?? topo;
  const cpus = cpusGiven ?? max;
  if (cpus < 1) fail(flag, 'the CPU count must be at least 1');
  if (topo !== max) fail(flag, `Invalid CPU topology: product of the hierarchy must match maxcpus: sockets (${sockets}) * dies (${dies}) * clusters (${clusters}) * cores (${cores}) * threads (${threads}) != maxcpus (${max})`);
  if (max < cpus) fail(flag, `maxcpus must be equal to or greater than smp: ${max} < ${cpus}`);
  if (max > cpus) fail(flag, `maxcpus=${max} above cpus=${cpus}: tcg86 has no CPU hotplug (give maxcpus equal to the CPU count)`);
  if (cpus > MAX_SMP_CPUS) fail(flag, `${cpus} CPUs: tcg86 runs at most ${MAX_SMP_CPUS}`);
  // APIC IDs stay the CPU index only while one socket holds every CPU with power-of-two counts.
  if (sockets * dies * clusters > 1 && (cores & (cores - 1)) + (threads & (threads - 1)) !== 0) {
    fail(flag, `sockets=${sockets} with cores=${cores}, threads=${threads}: tcg86 numbers APIC IDs by CPU index, so several sockets need power-of-two cores and threads`);
  }
  st.cfg.smp = { cpus, maxCpus: max, cores, threads };
}

function setVnc(st: ParseState, flag: string, v: string): void {
  try {
    st.cfg.vnc = parseVncDisplay(v);
  } catch (e) {
    fail(flag, (e as Error).message);
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
