// The command line: QEMU's flags for everything QEMU has (so one command line runs a ROM on
// both), our own additions as long options. Every error names the flag it is about.

import { defaultConfig, type ChardevBackend, type ChardevSpec, type MachineConfig } from '../machine/config.js';
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

/** Options taking no argument. */
const SWITCHES = new Set(['nographic', 'no-reboot', 'no-shutdown', 'nodefaults', 'enable-kvm', 'S', 's', 'snapshot']);

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
    checkKnown(flag, 'chardev stdio', props, ['id', 'mux', 'signal', 'logfile']);
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
    st.cfg.debugcons.push({ iobase: props.has('iobase') ? parseNumber(flag, 'iobase', props.get('iobase')!) : 0xe9, chardev: chardev! });
    return;
  }
  if (head === 'help') fail(flag, 'supported devices: isa-debug-exit, isa-debugcon');
  fail(flag, `device '${head}' is not supported (supported: isa-debug-exit, isa-debugcon)`);
}

const LOG_ITEMS = ['int', 'cpu_reset', 'guest_errors', 'unimp', 'in_asm', 'out_asm'];

function parseLog(st: ParseState, flag: string, text: string): void {
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

/** Parse argv (without node and script) into a machine configuration. */
export function parseArgs(argv: readonly string[]): MachineConfig {
  const cfg = defaultConfig();
  const st: ParseState = { cfg, nographic: false, displayNone: false, nodefaults: false, vgaGiven: false, serialGiven: false, monitorGiven: false, anon: 0 };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (!arg.startsWith('-')) fail(arg, 'not an option (QEMU-style options start with -; a ROM is given with -bios FILE)');
    // Our own long options: --engine, --stats, --tb-cache-size.
    if (arg.startsWith('--tb-cache-size')) {
      const [name, inline] = arg.split('=', 2) as [string, string | undefined];
      const v = inline ?? argv[++k];
      if (v === undefined) fail(name, 'requires a size (e.g. 64M)');
      cfg.tbCacheBytes = parseSize(name, v!);
      continue;
    }
    if (arg.startsWith('--engine') || arg.startsWith('--stats')) {
      const [name, inline] = arg.split('=', 2) as [string, string | undefined];
      if (name === '--stats') {
        const v = inline ?? 'table';
        if (v !== 'table' && v !== 'json') fail(name, `'${v}' must be table or json`);
        cfg.stats = v as 'table' | 'json';
        continue;
      }
      if (name === '--engine') {
        const v = inline ?? argv[++k];
        if (v !== 'interp' && v !== 'tcg') fail(name, `'${v ?? ''}' must be interp or tcg`);
        cfg.engine = v as 'interp' | 'tcg';
        continue;
      }
    }
    const name = arg.replace(/^--?/, '');
    const flag = `-${name}`;
    if (SWITCHES.has(name)) {
      switch (name) {
        case 'nographic':
          st.nographic = true;
          cfg.nographic = true;
          break;
        case 'no-reboot':
          cfg.noReboot = true;
          break;
        case 'nodefaults':
          st.nodefaults = true;
          break;
        case 'S':
          cfg.startPaused = true;
          break;
        case 'no-shutdown':
          break;
        default:
          fail(flag, 'is not supported by tcg86');
      }
      continue;
    }
    const value = argv[++k];
    if (value === undefined) fail(flag, 'requires an argument');
    const v = value!;
    switch (name) {
      case 'bios':
        cfg.biosPath = v;
        break;
      case 'kernel':
        cfg.kernelPath = v;
        break;
      case 'append':
        cfg.append = v;
        break;
      case 'm': {
        const { head, props } = parseProps(flag, v, 'size');
        checkKnown(flag, '-m', props, ['slots', 'maxmem']);
        cfg.ramSize = parseSize(flag, head);
        if (props.has('maxmem')) {
          const maxmem = parseSize(flag, props.get('maxmem')!);
          if (maxmem < cfg.ramSize) fail(flag, `maxmem ${props.get('maxmem')} is below the RAM size`);
        }
        break;
      }
      case 'machine':
      case 'M': {
        const { head, props } = parseProps(flag, v, 'type');
        checkKnown(flag, '-machine', props, ['accel']);
        if (head && head !== 'pc' && !/^pc-i440fx-[\d.]+$/.test(head)) fail(flag, `machine type '${head}' is not supported (use pc)`);
        if (props.has('accel') && props.get('accel') !== 'tcg') fail(flag, `accelerator '${props.get('accel')}' is not supported (use tcg)`);
        break;
      }
      case 'cpu':
        cfg.cpu = parseCpu(flag, v);
        break;
      case 'accel':
        if (v.split(',')[0] !== 'tcg') fail(flag, `accelerator '${v}' is not supported (use tcg)`);
        break;
      case 'serial': {
        st.serialGiven = true;
        const id = chardevFromDevString(st, flag, v);
        cfg.serials.push(id);
        break;
      }
      case 'debugcon': {
        const id = chardevFromDevString(st, flag, v);
        if (id) cfg.debugcons.push({ iobase: 0xe9, chardev: id });
        break;
      }
      case 'monitor': {
        st.monitorGiven = true;
        const [dev, ...opts] = v.split(',');
        if (opts.length > 0 && !(opts.length === 1 && opts[0] === 'readline')) fail(flag, `'${v}': only the human monitor (readline) is supported`);
        cfg.monitor = chardevFromDevString(st, flag, dev!);
        break;
      }
      case 'mon': {
        st.monitorGiven = true;
        const { props } = parseProps(flag, v, 'chardev');
        checkKnown(flag, '-mon', props, ['chardev', 'mode', 'pretty']);
        const id = props.get('chardev');
        if (!id) fail(flag, "needs a 'chardev' property");
        if (!cfg.chardevs.has(id!)) fail(flag, `chardev '${id}' not found (define it with -chardev ...,id=${id} before use)`);
        const mode = props.get('mode') ?? 'readline';
        if (mode !== 'readline') fail(flag, `mode '${mode}' is not supported (QMP is not implemented; use mode=readline)`);
        cfg.monitor = id!;
        break;
      }
      case 'chardev':
        parseChardev(st, flag, v);
        break;
      case 'device':
        parseDevice(st, flag, v);
        break;
      case 'parallel':
      case 'net':
        if (v !== 'none') fail(flag, `'${v}' is not supported (only none)`);
        break;
      case 'vga':
        if (v !== 'std' && v !== 'none') fail(flag, `'${v}' is not supported (use std or none)`);
        cfg.vga = v as 'std' | 'none';
        st.vgaGiven = true;
        break;
      case 'display':
        if (v.split(',')[0] !== 'none') fail(flag, `'${v}' is not supported (use -display none or -nographic)`);
        st.displayNone = true;
        break;
      case 'd':
        parseLog(st, flag, v);
        break;
      case 'D':
        cfg.log.file = v;
        break;
      case 'icount': {
        const { head, props } = parseProps(flag, v, 'shift');
        checkKnown(flag, '-icount', props, ['sleep', 'align']);
        if (head === 'auto') fail(flag, "shift=auto is not supported (tcg86 time is always derived from the instruction count; give a number)");
        const shift = parseNumber(flag, 'shift', head || '3');
        if (shift > 10) fail(flag, `shift ${shift} is above 10`);
        cfg.icountShift = shift;
        break;
      }
      case 'rtc':
        break;
      case 'boot':
        break;
      default:
        fail(flag, 'invalid option');
    }
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
  // One stdio chardev at most (QEMU: "cannot use stdio by multiple character devices").
  const stdio = [...cfg.chardevs.values()].filter((c) => c.backend.kind === 'stdio');
  const users = new Set<string>();
  for (const id of cfg.serials) if (id && isStdio(cfg, id)) users.add(id);
  for (const d of cfg.debugcons) if (isStdio(cfg, d.chardev)) users.add(d.chardev);
  if (cfg.monitor && isStdio(cfg, cfg.monitor)) users.add(cfg.monitor);
  if (stdio.length > 1 && users.size > 1) {
    throw new UsageError('cannot use stdio by multiple character devices (give -serial none -monitor none with -nographic, or use a file: chardev)');
  }
  if (!cfg.biosPath && !cfg.kernelPath) throw new UsageError('no firmware: give -bios FILE (a ROM image) or -kernel FILE (a multiboot kernel)');
}

function isStdio(cfg: MachineConfig, id: string): boolean {
  return cfg.chardevs.get(id)?.backend.kind === 'stdio';
}
