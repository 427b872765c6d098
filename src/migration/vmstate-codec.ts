// Encoding of VMState sections (QEMU's vmstate_save_state / vmstate_load_state): fields in
// order, big-endian. Loading only decodes into a staged copy; applying it to the device is a
// separate step, so a stream refused later leaves the device untouched.

import type { VMStateDescription, VMStateField } from '../memory/vmstate.js';
import { ByteReader, ByteWriter, MigrationError } from './bytes.js';

/** Decoded field values of one section (undefined: the stream's version lacks the field). */
export type Staged = unknown[];

function fieldValue(f: VMStateField, opaque: any): any {
  return f.get ? f.get(opaque) : opaque[f.name];
}

function asBytes(v: ArrayBufferView, where: string): Uint8Array {
  if (!ArrayBuffer.isView(v)) throw new Error(`vmstate ${where}: not a typed array`);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function saveState(vmsd: VMStateDescription, opaque: any, w: ByteWriter): void {
  vmsd.preSave?.(opaque);
  for (const f of vmsd.fields) {
    const v = fieldValue(f, opaque);
    switch (f.type) {
      case 'bool':
        w.u8(v ? 1 : 0);
        break;
      case 'uint8':
        w.u8(v & 0xff);
        break;
      case 'uint16':
        w.u16(v & 0xffff);
        break;
      case 'uint32':
      case 'int32':
        w.u32(v >>> 0);
        break;
      case 'float64':
        w.f64(v);
        break;
      case 'uint64':
        w.u64(v as bigint);
        break;
      case 'buffer': {
        const b = asBytes(v, `${vmsd.name}.${f.name}`);
        w.u32(b.length);
        w.bytes(b);
        break;
      }
      case 'uint8-list':
        w.u32(v.length);
        for (const x of v as number[]) w.u8(x);
        break;
      case 'uint64-array':
        w.u32(v.length);
        for (const x of v as bigint[]) w.u64(x);
        break;
      case 'float64-list':
        w.u32(v.length);
        for (const x of v as number[]) w.f64(x);
        break;
      case 'struct':
        saveState(f.vmsd!, v, w);
        break;
      case 'struct-array':
        w.u32(v.length);
        for (const e of v as object[]) saveState(f.vmsd!, e, w);
        break;
    }
  }
}

/**
 * Decode a section written by saveState at `versionId` (already checked against the
 * description's range), checking sizes against the destination's object.
 */
export function loadState(vmsd: VMStateDescription, opaque: any, versionId: number, r: ByteReader): Staged {
  const out: Staged = [];
  const where = (f: VMStateField) => `section '${vmsd.name}' field '${f.name}'`;
  const sameLength = (f: VMStateField, here: number, there: number) => {
    if (here !== there) throw new MigrationError(`${where(f)} has ${there} elements in the stream, ${here} here (another machine configuration?)`);
  };
  for (const f of vmsd.fields) {
    if ((f.version ?? 0) > versionId) {
      out.push(undefined);
      continue;
    }
    const cur = fieldValue(f, opaque);
    switch (f.type) {
      case 'bool':
        out.push(r.u8() !== 0);
        break;
      case 'uint8':
        out.push(r.u8());
        break;
      case 'uint16':
        out.push(r.u16());
        break;
      case 'uint32':
        out.push(r.u32());
        break;
      case 'int32':
        out.push(r.u32() | 0);
        break;
      case 'float64':
        out.push(r.f64());
        break;
      case 'uint64':
        out.push(r.u64());
        break;
      case 'buffer': {
        const n = r.u32();
        sameLength(f, asBytes(cur, `${vmsd.name}.${f.name}`).length, n);
        out.push(r.bytes(n).slice());
        break;
      }
      case 'uint8-list': {
        const n = r.u32();
        if (n > r.remaining) throw new MigrationError(`${where(f)}: ${n} bytes announced, ${r.remaining} left`);
        out.push(Array.from(r.bytes(n)));
        break;
      }
      case 'uint64-array': {
        const n = r.u32();
        sameLength(f, (cur as bigint[]).length, n);
        const a: bigint[] = [];
        for (let i = 0; i < n; i++) a.push(r.u64());
        out.push(a);
        break;
      }
      case 'float64-list': {
        const n = r.u32();
        if (n * 8 > r.remaining) throw new MigrationError(`${where(f)}: ${n} values announced, ${r.remaining} bytes left`);
        const a: number[] = [];
        for (let i = 0; i < n; i++) a.push(r.f64());
        out.push(a);
        break;
      }
      case 'struct':
        out.push(loadState(f.vmsd!, cur, f.vmsd!.versionId, r));
        break;
      case 'struct-array': {
        const n = r.u32();
        sameLength(f, (cur as object[]).length, n);
        out.push((cur as object[]).map((e) => loadState(f.vmsd!, e, f.vmsd!.versionId, r)));
        break;
      }
    }
    const bad = f.check?.(opaque, out[out.length - 1]);
    if (bad) throw new MigrationError(`${where(f)}: ${bad}`);
  }
  return out;
}

/** Write staged values into the object, then run its postLoad. */
export function applyState(vmsd: VMStateDescription, opaque: any, staged: Staged, versionId: number): void {
  vmsd.fields.forEach((f, i) => {
    const v = staged[i];
    if (v === undefined) return;
    if (f.type === 'struct') {
      applyState(f.vmsd!, fieldValue(f, opaque), v as Staged, f.vmsd!.versionId);
      return;
    }
    if (f.type === 'struct-array') {
      const arr = fieldValue(f, opaque) as object[];
      (v as Staged[]).forEach((s, k) => applyState(f.vmsd!, arr[k], s, f.vmsd!.versionId));
      return;
    }
    if (f.set) {
      f.set(opaque, v);
      return;
    }
    switch (f.type) {
      case 'buffer':
        asBytes(opaque[f.name], f.name).set(v as Uint8Array);
        break;
      case 'uint8-list':
      case 'float64-list': {
        // Keep the array object (devices hold it readonly); replace its contents.
        const arr = opaque[f.name] as number[];
        arr.length = 0;
        for (const x of v as number[]) arr.push(x);
        break;
      }
      case 'uint64-array': {
        const arr = opaque[f.name] as bigint[];
        (v as bigint[]).forEach((x, k) => (arr[k] = x));
        break;
      }
      default:
        opaque[f.name] = v;
    }
  });
  vmsd.postLoad?.(opaque, versionId);
}
