// Device and CPU state descriptions (QEMU's VMStateDescription) and the list of registered
// sections (QEMU's savevm handlers). Plain data: the migration layer encodes and decodes them.

/**
 * Field types. Numbers are read from and written to `opaque[name]` (or get/set):
 * bool, uint8/16/32, int32, float64 (a JS number that may exceed 32 bits: guest ns, counts),
 * uint64 (a bigint), buffer (a typed array copied byte for byte; its length must match),
 * uint8-list (a number[] of bytes of any length: FIFOs, queues), uint64-array (bigint[] of
 * fixed length), float64-list (number[] of any length), struct (a nested description on
 * `opaque[name]`), struct-array (an array of objects, each under `vmsd`).
 */
export type VMStateType =
  | 'bool'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'int32'
  | 'float64'
  | 'uint64'
  | 'buffer'
  | 'uint8-list'
  | 'uint64-array'
  | 'float64-list'
  | 'struct'
  | 'struct-array';

export interface VMStateField {
  name: string;
  type: VMStateType;
  /** For struct and struct-array. */
  vmsd?: VMStateDescription;
  /** The section version that added the field (older streams do not carry it). */
  version?: number;
  /** Computed fields: read and write through these instead of `opaque[name]`. */
  get?: (opaque: any) => unknown;
  set?: (opaque: any, value: any) => void;
  /** Checked when a stream is staged: a message refuses the stream (before anything is applied). */
  check?: (opaque: any, value: any) => string | null;
}

export interface VMStateDescription {
  name: string;
  versionId: number;
  minimumVersionId: number;
  fields: VMStateField[];
  /** Run before the fields are read on the source. */
  preSave?: (opaque: any) => void;
  /** Run after every field was written on the destination (rebuild derived state). */
  postLoad?: (opaque: any, versionId: number) => void;
  /**
   * Own properties holding numbers, booleans or arrays that deliberately do not travel
   * (configuration both sides share, state rebuilt by postLoad): a test checks that every
   * other such property is a field, so a new register cannot be forgotten silently.
   */
  unmigrated?: string[];
}

export interface VMStateEntry {
  /** Section id in the stream: the description's name. */
  readonly idstr: string;
  /** Distinguishes several devices of one kind (COM1 is 0, COM2 is 1...). */
  readonly instanceId: number;
  readonly vmsd: VMStateDescription;
  readonly opaque: object;
}

/** Registered sections, saved and loaded in registration order (QEMU's savevm_state). */
export class VMStateRegistry {
  readonly entries: VMStateEntry[] = [];

  /**
   * Register a section; without an instance id the next free one for that name is taken (QEMU's
   * VMSTATE_INSTANCE_ID_ANY). Fields must exist on the object: a typo fails at creation.
   */
  register(vmsd: VMStateDescription, opaque: object, instanceId?: number): VMStateEntry {
    checkFields(vmsd, opaque);
    const id = instanceId ?? this.entries.filter((e) => e.idstr === vmsd.name).length;
    if (this.find(vmsd.name, id)) throw new Error(`vmstate: section ${vmsd.name} instance ${id} is registered twice`);
    const entry: VMStateEntry = { idstr: vmsd.name, instanceId: id, vmsd, opaque };
    this.entries.push(entry);
    return entry;
  }

  unregister(opaque: object): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.opaque === opaque) this.entries.splice(i, 1);
  }

  find(idstr: string, instanceId: number): VMStateEntry | undefined {
    return this.entries.find((e) => e.idstr === idstr && e.instanceId === instanceId);
  }
}

function checkFields(vmsd: VMStateDescription, opaque: object): void {
  const o = opaque as Record<string, unknown>;
  for (const f of vmsd.fields) {
    if (f.get) continue;
    if (!(f.name in o)) throw new Error(`vmstate ${vmsd.name}: field '${f.name}' is not a property of the object`);
    if (f.type === 'struct') checkFields(f.vmsd!, o[f.name] as object);
    if (f.type === 'struct-array') for (const e of o[f.name] as object[]) checkFields(f.vmsd!, e);
  }
}
