// Memory hotplug from the monitors, shared by HMP (object_add/object_del/device_add/device_del
// with QEMU's "type,key=value" strings) and QMP (object-add/object-del/device_add/device_del
// with JSON members): a backend and a DIMM added to or removed from a running machine, with
// QEMU's error texts; an unplug completes at once and sends DEVICE_DELETED (memory-devices.ts).

import type { PcMachine } from '../machine/pc.js';
import { MemoryDeviceError } from '../machine/memory-devices.js';
import { strtosz } from '../machine/qemu-size.js';
import { CommandError } from './command-error.js';

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

/** object_add / object-add: a memory-backend-ram. */
export function objectAdd(m: PcMachine, props: Map<string, PropValue>): void {
  const type = props.get('qom-type');
  if (type === undefined) throw new CommandError("Parameter 'qom-type' is missing");
  if (type !== 'memory-backend-ram') throw new CommandError(`Parameter 'qom-type' does not accept value '${type}'`);
  const id = props.get('id');
  if (id === undefined) throw new CommandError("Parameter 'id' is missing");
  const size = props.get('size');
  if (size === undefined) throw new CommandError("Parameter 'size' is missing");
  for (const k of props.keys()) {
    if (!['qom-type', 'id', 'size', 'share', 'merge', 'dump', 'prealloc', 'reserve'].includes(k)) throw new CommandError(`Property 'memory-backend-ram.${k}' not found`);
  }
  const bytes = sizeOf(size);
  if (bytes === 0 || bytes > 2 ** 32) throw new CommandError(`size ${bytes} is not a size tcg86 backs for one memory backend (1 byte to 4 GiB)`);
  guarded(() => m.memoryDevices.addBackend({ id: String(id), size: bytes, text: '' }));
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
