// The destination side of a stream (QEMU's qemu_loadvm_state and ram_load): sections are
// parsed as bytes arrive, checked (CRC-32, configuration, versions), and staged; nothing
// touches the machine until the end-of-stream marker, when RAM and every device are applied.

import { DIRTY_CLIENTS_ALL, DIRTY_MEMORY_TOUCHED, type MemorySystem, type RAMBlock, type VMStateEntry } from '../memory/index.js';
import { ByteReader, MigrationError } from './bytes.js';
import { crc32 } from './crc32.js';
import {
  HEADER_BYTES,
  MAX_SECTION,
  PAGE_DATA,
  PAGE_SIZE,
  PAGE_ZERO,
  SECTION_HEAD,
  SECTION_NAMES,
  SECTION_TAIL,
  SEC_DEVICE,
  SEC_EOS,
  SEC_RAM,
  SEC_SETUP,
  STREAM_MAGIC,
  STREAM_VERSION,
} from './stream-format.js';
import { applyState, loadState, type Staged } from './vmstate-codec.js';

/** What arrived for a page: its data (staged), or the zero flag for a page that is already zero here or not. */
const RECEIVED_DATA = 1;
const RECEIVED_ZERO_CLEAN = 2;
const RECEIVED_ZERO_DIRTY = 3;

function isZero(words: Int32Array, off: number): boolean {
  const end = (off + PAGE_SIZE) >> 2;
  for (let i = off >> 2; i < end; i++) if (words[i] !== 0) return false;
  return true;
}

interface StagedBlock {
  block: RAMBlock;
  /** The block's pages as received (allocated zeroed: the OS maps them lazily). */
  data: Uint8Array;
  /** The machine's block as words (blocks are page aligned), for zero checks. */
  words: Int32Array;
  /** One byte per page: 0 until received, then RECEIVED_*. */
  received: Uint8Array;
}

interface StagedDevice {
  entry: VMStateEntry;
  versionId: number;
  /** The fields, decoded once every section is known to be present. */
  payload: Uint8Array;
  staged: Staged | null;
}

export class StreamLoader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private headerSeen = false;
  private blocks: StagedBlock[] | null = null;
  private readonly devices = new Map<VMStateEntry, StagedDevice>();
  private sections = 0;
  /** Bytes consumed so far (for error messages). */
  private offset = 0;
  done = false;
  /** Counters: pages received (data and zero). */
  pages = 0;
  zeroPages = 0;

  constructor(
    private readonly sys: MemorySystem,
    /** Run after everything was applied (the machine flushes its TLB and translated code). */
    private readonly afterApply: () => void,
  ) {}

  /** Take more stream bytes; throws MigrationError when the stream is refused. */
  feed(chunk: Uint8Array): void {
    if (this.done) {
      if (chunk.length > 0) throw new MigrationError(`${chunk.length} bytes follow the end-of-stream marker`);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.parse();
  }

  /** The stream ended: refuse it unless the end marker was seen. */
  finish(): void {
    if (this.done) return;
    if (!this.headerSeen) throw new MigrationError(`the stream ended after ${this.pendingBytes} bytes, inside the header`);
    if (this.pendingBytes > 0) {
      const head = this.peek(Math.min(this.pendingBytes, SECTION_HEAD));
      const kind = SECTION_NAMES[head[0]!] ?? `type ${head[0]}`;
      throw new MigrationError(
        `the stream is truncated: it ends ${this.pendingBytes} bytes into section ${this.sections + 1} (${kind}) at offset ${this.offset}`,
      );
    }
    throw new MigrationError(
      `the stream is truncated: it ends after section ${this.sections} (offset ${this.offset}) without the end-of-stream marker`,
    );
  }

  private peek(n: number): Uint8Array {
    if (this.pending.length > 1) {
      const all = new Uint8Array(this.pendingBytes);
      let at = 0;
      for (const c of this.pending) {
        all.set(c, at);
        at += c.length;
      }
      this.pending = [all];
    }
    return this.pending[0]!.subarray(0, n);
  }

  private consume(n: number): Uint8Array {
    const out = this.peek(n).slice();
    const first = this.pending[0]!;
    this.pending = n < first.length ? [first.subarray(n)] : [];
    this.pendingBytes -= n;
    this.offset += n;
    return out;
  }

  private parse(): void {
    if (!this.headerSeen) {
      if (this.pendingBytes < HEADER_BYTES) return;
      const r = new ByteReader(this.consume(HEADER_BYTES), 'the header');
      const magic = r.u32();
      if (magic !== STREAM_MAGIC) throw new MigrationError(`not a tcg86 migration stream (magic 0x${magic.toString(16).padStart(8, '0')})`);
      const version = r.u32();
      if (version !== STREAM_VERSION) throw new MigrationError(`stream format version ${version} is not supported (this tcg86 reads ${STREAM_VERSION})`);
      this.headerSeen = true;
    }
    while (!this.done && this.pendingBytes >= SECTION_HEAD) {
      const head = this.peek(SECTION_HEAD);
      const type = head[0]!;
      const len = ((head[1]! << 24) | (head[2]! << 16) | (head[3]! << 8) | head[4]!) >>> 0;
      if (!(type in SECTION_NAMES)) throw new MigrationError(`section ${this.sections + 1} at offset ${this.offset}: unknown section type ${type}`);
      if (len > MAX_SECTION) throw new MigrationError(`section ${this.sections + 1} at offset ${this.offset}: length ${len} is too large (corrupted?)`);
      const total = SECTION_HEAD + len + SECTION_TAIL;
      if (this.pendingBytes < total) return;
      const at = this.offset;
      const sec = this.consume(total);
      const want = ((sec[total - 4]! << 24) | (sec[total - 3]! << 16) | (sec[total - 2]! << 8) | sec[total - 1]!) >>> 0;
      const got = crc32(sec, 0, 0, total - SECTION_TAIL);
      this.sections++;
      if (want !== got) {
        throw new MigrationError(
          `section ${this.sections} (${SECTION_NAMES[type]}) at offset ${at} is corrupted: CRC-32 0x${got.toString(16).padStart(8, '0')}, expected 0x${want.toString(16).padStart(8, '0')}`,
        );
      }
      this.section(type, sec.subarray(SECTION_HEAD, SECTION_HEAD + len));
    }
    if (this.done && this.pendingBytes > 0) throw new MigrationError(`${this.pendingBytes} bytes follow the end-of-stream marker`);
  }

  private section(type: number, payload: Uint8Array): void {
    if (type !== SEC_SETUP && this.blocks === null) {
      throw new MigrationError(`section ${this.sections} (${SECTION_NAMES[type]}) comes before the setup section`);
    }
    switch (type) {
      case SEC_SETUP:
        return this.setup(new ByteReader(payload, 'the setup section'));
      case SEC_RAM:
        return this.ram(new ByteReader(payload, `RAM section ${this.sections}`));
      case SEC_DEVICE:
        return this.device(payload);
      case SEC_EOS:
        if (payload.length !== 0) throw new MigrationError('the end-of-stream section is not empty');
        if (this.pendingBytes > 0) throw new MigrationError(`${this.pendingBytes} bytes follow the end-of-stream marker`);
        this.apply();
        this.done = true;
        return;
    }
  }

  private setup(r: ByteReader): void {
    if (this.blocks !== null) throw new MigrationError('a second setup section');
    const n = r.u16();
    const blocks: StagedBlock[] = [];
    const ramList = this.sys.ramList;
    for (let i = 0; i < n; i++) {
      const idstr = r.str();
      const used = r.f64();
      const block = ramList.findByIdstr(idstr);
      if (!block) throw new MigrationError(`unknown RAMBlock '${idstr}' in the stream (another machine configuration?)`);
      if (block.usedLength !== used) {
        throw new MigrationError(`RAMBlock '${idstr}' is ${used} bytes in the stream but ${block.usedLength} here (RAM sizes differ)`);
      }
      const words = new Int32Array(block.host.buffer, block.host.byteOffset, used >> 2);
      blocks.push({ block, data: new Uint8Array(used), words, received: new Uint8Array(used / PAGE_SIZE) });
    }
    if (r.remaining !== 0) throw new MigrationError(`the setup section has ${r.remaining} bytes after its blocks`);
    for (const b of ramList.blocks) {
      if (!blocks.some((s) => s.block === b)) throw new MigrationError(`RAMBlock '${b.idstr}' is missing from the stream (another machine configuration?)`);
    }
    this.blocks = blocks;
  }

  private ram(r: ByteReader): void {
    const blocks = this.blocks!;
    const count = r.u16();
    for (let i = 0; i < count; i++) {
      const flags = r.u8();
      const bi = r.u16();
      const page = r.u32();
      const sb = blocks[bi];
      if (!sb) throw new MigrationError(`RAM section ${this.sections}: block index ${bi} out of range (${blocks.length} blocks)`);
      if (page >= sb.received.length) {
        throw new MigrationError(`RAM section ${this.sections}: page ${page} is beyond the end of RAMBlock '${sb.block.idstr}'`);
      }
      const off = page * PAGE_SIZE;
      if (flags === PAGE_ZERO) {
        // Whether the machine's page needs clearing at apply time is decided now, while the
        // source still iterates, not during the downtime (reading untouched RAM can fault).
        // A page this machine never wrote is zero without reading it.
        const pn = (sb.block.offset + off) / PAGE_SIZE;
        const untouched = !this.sys.dirty.isPageDirty(pn, DIRTY_MEMORY_TOUCHED);
        sb.received[page] = untouched || isZero(sb.words, off) ? RECEIVED_ZERO_CLEAN : RECEIVED_ZERO_DIRTY;
        this.zeroPages++;
      } else if (flags === PAGE_DATA) {
        sb.data.set(r.bytes(PAGE_SIZE), off);
        sb.received[page] = RECEIVED_DATA;
      } else {
        throw new MigrationError(`RAM section ${this.sections}: unknown page flags 0x${flags.toString(16)}`);
      }
      this.pages++;
    }
    if (r.remaining !== 0) throw new MigrationError(`RAM section ${this.sections} has ${r.remaining} bytes after its ${count} pages`);
  }

  private device(payload: Uint8Array): void {
    const r = new ByteReader(payload, `device section ${this.sections}`);
    const idstr = r.str();
    const instanceId = r.u32();
    const versionId = r.u32();
    const entry = this.sys.vmstate.find(idstr, instanceId);
    const name = `'${idstr}' instance ${instanceId}`;
    if (!entry) throw new MigrationError(`device section ${name} has no device here (another machine configuration?)`);
    if (this.devices.has(entry)) throw new MigrationError(`device section ${name} appears twice`);
    const vmsd = entry.vmsd;
    if (versionId > vmsd.versionId) throw new MigrationError(`device section ${name}: version ${versionId} is newer than ${vmsd.versionId}, the newest this tcg86 reads`);
    if (versionId < vmsd.minimumVersionId) {
      throw new MigrationError(`device section ${name}: version ${versionId} is below the minimum version ${vmsd.minimumVersionId} accepted`);
    }
    this.devices.set(entry, { entry, versionId, payload: payload.subarray(r.pos), staged: null });
  }

  /** Decode every device section into staged values (still nothing applied). */
  private decodeDevices(): void {
    for (const d of this.devices.values()) {
      const name = `'${d.entry.idstr}' instance ${d.entry.instanceId}`;
      const rr = new ByteReader(d.payload, `device section ${name}`);
      d.staged = loadState(d.entry.vmsd, d.entry.opaque, d.versionId, rr);
      if (rr.remaining !== 0) throw new MigrationError(`device section ${name} has ${rr.remaining} bytes after its fields`);
    }
  }

  /** Everything arrived and checked: write RAM and device state into the machine. */
  private apply(): void {
    for (const sb of this.blocks!) {
      const missing = sb.received.indexOf(0);
      if (missing >= 0) throw new MigrationError(`page ${missing} of RAMBlock '${sb.block.idstr}' never arrived`);
    }
    for (const e of this.sys.vmstate.entries) {
      if (!this.devices.has(e)) throw new MigrationError(`the stream has no state for device '${e.idstr}' instance ${e.instanceId}`);
    }
    this.decodeDevices();
    for (const sb of this.blocks!) {
      const host = sb.block.host;
      for (let p = 0; p < sb.received.length; p++) {
        const how = sb.received[p];
        const off = p * PAGE_SIZE;
        if (how === RECEIVED_DATA) host.set(sb.data.subarray(off, off + PAGE_SIZE), off);
        else if (how === RECEIVED_ZERO_DIRTY) host.fill(0, off, off + PAGE_SIZE);
      }
    }
    for (const e of this.sys.vmstate.entries) {
      const d = this.devices.get(e)!;
      applyState(e.vmsd, e.opaque, d.staged!, d.versionId);
    }
    // RAM changed behind every client's back: everything is dirty (no translated code is
    // valid, a display redraws, a later migration from here sends all).
    this.sys.dirty.setRange(0, this.sys.dirty.trackedPages * PAGE_SIZE, DIRTY_CLIENTS_ALL);
    this.afterApply();
    this.blocks = null;
    this.devices.clear();
  }
}
