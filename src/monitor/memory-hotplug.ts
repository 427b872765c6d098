// Memory hotplug from the monitors, shared by HMP (object_add/object_del/device_add/device_del
// with QEMU's "type,key=value" strings) and QMP (object-add/object-del/device_add/device_del
// with JSON members): a backend and a DIMM added to or removed from a running machine, with
// QEMU's error texts; an unplug completes at once and sends DEVICE_DELETED (memory-devices.ts).

import type { PcMachine } from '../machine/pc.js';
import { MemoryDeviceError } from '../machine/memory-devices.js';
import { strtosz } from '../machine/qemu-size.js';
import { CommandError } from './command-error.js';
import { DEFAULT_SYNC_INTERVAL_MS, type FileBackendSpec } from '../machine/hostmem-file.js';

/** A property as the caller gave it: HMP's text, or QMP's JSON number or string. */
export type PropValue = string | bigint | number;

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MemoryDeviceError) throw new CommandError(e.message, e.errorClass);
    throw e;
  }
}

/** HMP's "type,key=value,..." into the type and its properties. */
export function splitOptions(text: string, typeKey: string): Map<string, PropValue> {
  const props = new Map<string, PropValue>();
  text.split(',').forEach((p, i) => {
    const eq = p.indexOf('=');
    if (i === 0 && eq < 0) props.set(typeKey, p);
    else if (eq < 0) throw new CommandError(`Invalid parameter '${p}'`);
    else props.set(p.slice(0, eq), p.slice(eq + 1));
  });
  return props;
}

function sizeOf(v: PropValue): number {
  if (typeof v === 'string') {
    const n = strtosz(v, 'B', []);
    if (n === null) throw new CommandError("Parameter 'size' expects a non-negative number below 2^64");
    return Number(n);
  }
  const n = BigInt(v);
  if (n < 0n || n >= 2n ** 64n) throw new CommandError("Parameter 'size' expects uint64");
  return Number(n);
}

function intOf(name: string, v: PropValue | undefined): number | null {
  if (v === undefined) return null;
  const n = typeof v === 'string' ? (/^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : NaN) : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new CommandError(`Parameter '${name}' expects uint64`);
  return n;
}

function boolOf(name: string, v: PropValue | boolean | undefined): boolean {
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (['on', 'yes', 'true', 'y'].includes(String(v))) return true;
  if (['off', 'no', 'false', 'n'].includes(String(v))) return false;
  throw new CommandError(`Parameter '${name}' expects 'on' or 'off'`);
}

/** object_add / object-add: a memory-backend-ram or memory-backend-file. */
export function objectAdd(m: PcMachine, props: Map<string, PropValue | boolean>): void {
  const type = props.get('qom-type');
  if (type === undefined) throw new CommandError("Parameter 'qom-type' is missing");
  if (type !== 'memory-backend-ram' && type !== 'memory-backend-file') throw new CommandError(`Parameter 'qom-type' does not accept value '${type}'`);
  const isFile = type === 'memory-backend-file';
  const id = props.get('id');
  if (id === undefined) throw new CommandError("Parameter 'id' is missing");
  const size = props.get('size');
  if (size === undefined) throw new CommandError("Parameter 'size' is missing");
  const known = ['qom-type', 'id', 'size', 'share', 'merge', 'dump', 'prealloc', 'reserve', ...(isFile ? ['mem-path', 'sync-interval-ms'] : [])];
  for (const k of props.keys()) {
    if (!known.includes(k)) throw new CommandError(`Property '${type}.${k}' not found`);
  }
  const bytes = sizeOf(size as PropValue);
  if (bytes === 0 || bytes > 2 ** 32) throw new CommandError(`size ${bytes} is not a size tcg86 backs for one memory backend (1 byte to 4 GiB)`);
  let file: FileBackendSpec | undefined;
  if (isFile) {
    const memPath = props.get('mem-path');
    if (memPath === undefined) throw new CommandError("Parameter 'mem-path' is missing");
    const interval = intOf('sync-interval-ms', props.get('sync-interval-ms') as PropValue | undefined);
    file = { path: String(memPath), share: boolOf('share', props.get('share')), syncIntervalMs: interval ?? DEFAULT_SYNC_INTERVAL_MS };
  }
  guarded(() => m.memoryDevices.addBackend({ id: String(id), size: bytes, text: '', ...(file ? { file } : {}) }));
}

/**
 * memdev_sync [ID] (tcg86's own HMP command; QMP clients send it through human-monitor-command):
 * write back now the dirty pages of one memory-backend-file with share=on, or of all of them.
 * Returns the pages written.
 */
export function memdevSync(m: PcMachine, id: string | undefined): number {
  if (id !== undefined) {
    const b = m.memoryDevices.memdevs.find((x) => x.id === id);
    if (!b) throw new CommandError(`memory backend '${id}' not found`, 'DeviceNotFound');
    if (!b.file?.writesBack) throw new CommandError(`memory backend '${id}' is not a memory-backend-file with share=on`);
  }
  return m.memoryDevices.syncBackends(id);
}

export function objectDel(m: PcMachine, id: string): void {
  guarded(() => m.memoryDevices.removeBackend(id));
}

/** device_add: a pc-dimm (the only hotpluggable device tcg86 has). */
export function deviceAdd(m: PcMachine, props: Map<string, PropValue>): void {
  const driver = props.get('driver');
  if (driver === undefined) throw new CommandError("Parameter 'driver' is missing");
  if (driver !== 'pc-dimm') throw new CommandError(`'${driver}' is not a valid device model name`);
  for (const k of props.keys()) if (!['driver', 'id', 'memdev', 'addr', 'slot', 'node'].includes(k)) throw new CommandError(`Property 'pc-dimm.${k}' not found`);
  const memdev = props.get('memdev');
  if (memdev === undefined) throw new CommandError("'memdev' property must be set");
  const id = props.get('id');
  guarded(() =>
    m.memoryDevices.plug(
      { id: id === undefined ? null : String(id), memdev: String(memdev), addr: intOf('addr', props.get('addr')), slot: intOf('slot', props.get('slot')), text: '' },
      true,
    ),
  );
}

/** device_del: the unplug completes at once (no ACPI guest to ask); DEVICE_DELETED follows. */
export function deviceDel(m: PcMachine, id: string): void {
  const d = guarded(() => m.memoryDevices.unplug(id));
  m.events.emit({ event: 'DEVICE_DELETED', device: d.id, path: `/machine/peripheral/${d.id}` });
}
