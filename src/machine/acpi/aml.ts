// A small AML encoder (ACPI 6.x, chapter 20): the terms tcg86's DSDT needs, each a function
// returning bytes, composed the way QEMU's hw/acpi/aml-build.c composes aml_* objects.

export type Aml = Uint8Array;

/** Concatenate terms. */
export function cat(...parts: Aml[]): Aml {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const b = (...bytes: number[]): Aml => Uint8Array.from(bytes);

/** PkgLength of a body of `len` bytes (the encoding counts its own bytes). */
export function pkgLength(len: number): Aml {
  if (len + 1 < 0x40) return b(len + 1);
  for (let n = 2; n <= 4; n++) {
    const total = len + n;
    if (total < 1 << (4 + 8 * (n - 1))) {
      const out = [((n - 1) << 6) | (total & 0xf)];
      for (let i = 1; i < n; i++) out.push((total >> (4 + 8 * (i - 1))) & 0xff);
      return b(...out);
    }
  }
  throw new RangeError(`AML: package of ${len} bytes is too long`);
}

/** An opcode followed by PkgLength and the body. */
function pkg(op: Aml, ...body: Aml[]): Aml {
  const inner = cat(...body);
  return cat(op, pkgLength(inner.length), inner);
}

/** A NameSeg: four characters from A-Z, 0-9, _ (shorter ones are padded with _). */
function nameSeg(seg: string): Aml {
  if (!/^[A-Z_][A-Z0-9_]{0,3}$/.test(seg)) throw new RangeError(`AML: bad name segment '${seg}'`);
  const s = seg.padEnd(4, '_');
  return b(...[...s].map((c) => c.charCodeAt(0)));
}

/** A NameString: optional \ or ^ prefixes, then dot-separated segments. */
export function name(path: string): Aml {
  let i = 0;
  const prefix: number[] = [];
  if (path[0] === '\\') {
    prefix.push(0x5c);
    i = 1;
  } else {
    while (path[i] === '^') {
      prefix.push(0x5e);
      i++;
    }
  }
  const rest = path.slice(i);
  const segs = rest === '' ? [] : rest.split('.');
  let body: Aml;
  if (segs.length === 0) body = b(0x00);
  else if (segs.length === 1) body = nameSeg(segs[0]!);
  else if (segs.length === 2) body = cat(b(0x2e), ...segs.map(nameSeg));
  else body = cat(b(0x2f, segs.length), ...segs.map(nameSeg));
  return cat(b(...prefix), body);
}

/** The shortest integer encoding (ZeroOp, OneOp, OnesOp, Byte/Word/DWord/QWord prefixes). */
export function int(v: number | bigint): Aml {
  const x = BigInt(v);
  if (x < 0n || x > 0xffffffffffffffffn) throw new RangeError(`AML: integer ${v} out of range`);
  if (x === 0n) return b(0x00);
  if (x === 1n) return b(0x01);
  if (x === 0xffffffffffffffffn) return b(0xff);
  const le = (n: number) => Array.from({ length: n }, (_, k) => Number((x >> BigInt(8 * k)) & 0xffn));
  if (x <= 0xffn) return b(0x0a, ...le(1));
  if (x <= 0xffffn) return b(0x0b, ...le(2));
  if (x <= 0xffffffffn) return b(0x0c, ...le(4));
  return b(0x0e, ...le(8));
}

/** A String (ASCII, NUL-terminated). */
export function str(s: string): Aml {
  if (!/^[\x01-\x7f]*$/.test(s)) throw new RangeError(`AML: string '${s}' is not ASCII`);
  return cat(b(0x0d), new TextEncoder().encode(s), b(0));
}

/** EISAID("PNP0A03") as its compressed DWord. */
export function eisaId(id: string): Aml {
  if (!/^[A-Z]{3}[0-9A-F]{4}$/.test(id)) throw new RangeError(`AML: bad EISA id '${id}'`);
  const c = (k: number) => id.charCodeAt(k) - 0x40;
  const hex = parseInt(id.slice(3), 16);
  const v = ((c(0) << 26) | (c(1) << 21) | (c(2) << 16) | hex) >>> 0;
  // Stored big-endian in the first two bytes as the spec's compressed form: swap to little-endian.
  const be = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return b(0x0c, ...be);
}

export const nameDecl = (n: string, value: Aml): Aml => cat(b(0x08), name(n), value);
export const scope = (n: string, ...body: Aml[]): Aml => pkg(b(0x10), name(n), ...body);
export const device = (n: string, ...body: Aml[]): Aml => pkg(b(0x5b, 0x82), name(n), ...body);

/** Method(name, argc[, Serialized]) { body } */
export function method(n: string, argc: number, serialized: boolean, ...body: Aml[]): Aml {
  if (argc < 0 || argc > 7) throw new RangeError(`AML: method ${n} with ${argc} arguments`);
  return pkg(b(0x14), name(n), b(argc | (serialized ? 0x08 : 0)), ...body);
}

/** Processor(name, id, PBLK address, PBLK length) { body } (the ACPI 1.0 processor object). */
export function processor(n: string, id: number, pblk: number, pblkLen: number, ...body: Aml[]): Aml {
  return pkg(b(0x5b, 0x83), name(n), b(id & 0xff, pblk & 0xff, (pblk >>> 8) & 0xff, (pblk >>> 16) & 0xff, pblk >>> 24, pblkLen), ...body);
}

/** Package(n) { elements } */
export function pkgOf(...elements: Aml[]): Aml {
  if (elements.length > 255) throw new RangeError('AML: Package of more than 255 elements');
  return pkg(b(0x12), b(elements.length), ...elements);
}

/** Buffer() { bytes } */
export function buffer(bytes: Aml): Aml {
  return pkg(b(0x11), int(bytes.length), bytes);
}

export const ret = (v: Aml): Aml => cat(b(0xa4), v);
export const store = (src: Aml, dst: Aml): Aml => cat(b(0x70), src, dst);
export const and = (x: Aml, y: Aml, target: Aml = b(0)): Aml => cat(b(0x7b), x, y, target);
export const or = (x: Aml, y: Aml, target: Aml = b(0)): Aml => cat(b(0x7d), x, y, target);
export const lLess = (x: Aml, y: Aml): Aml => cat(b(0x95), x, y);
export const ifThen = (pred: Aml, ...body: Aml[]): Aml => pkg(b(0xa0), pred, ...body);
export const arg = (n: number): Aml => b(0x68 + n);
export const local = (n: number): Aml => b(0x60 + n);
export const createDWordField = (src: Aml, index: Aml, n: string): Aml => cat(b(0x8a), src, index, name(n));

/** OperationRegion(name, space, offset, length); space 2 is PCI_Config, 0 SystemMemory. */
export function opRegion(n: string, space: number, offset: number, length: number): Aml {
  return cat(b(0x5b, 0x80), name(n), b(space), int(offset), int(length));
}

/** Field(region, flags) { name, bits ... }; unnamed entries ('') are reserved bits. */
export function field(region: string, flags: number, entries: [string, number][]): Aml {
  const body = entries.map(([n, bits]) => cat(n === '' ? b(0x00) : nameSeg(n), fieldLen(bits)));
  return pkg(b(0x5b, 0x81), name(region), b(flags), ...body);
}

/** A field element's length: a PkgLength without the self-count (ACPI's FieldElement). */
function fieldLen(bits: number): Aml {
  if (bits < 0x40) return b(bits);
  if (bits < 0x1000) return b(0x40 | (bits & 0xf), bits >> 4);
  throw new RangeError(`AML: field of ${bits} bits`);
}

export const FIELD_BYTE_ACC = 0x01;
export const FIELD_DWORD_ACC = 0x03;
export const FIELD_PRESERVE = 0x00;
export const SPACE_SYSTEM_MEMORY = 0;
export const SPACE_PCI_CONFIG = 2;

// ---- resource templates (ACPI 6.4, 6.4 Resource Data Types) ----

/** ResourceTemplate() { descriptors }: a Buffer ending with the End Tag (checksum 0). */
export function resourceTemplate(...descs: Aml[]): Aml {
  return buffer(cat(...descs, b(0x79, 0x00)));
}

const le16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** IO(Decode16, min, max, align, length). */
export const io = (min: number, max: number, align: number, len: number): Aml => b(0x47, 0x01, ...le16(min), ...le16(max), align, len);

/** IRQNoFlags() { irq } */
export const irqNoFlags = (irq: number): Aml => b(0x22, ...le16(1 << irq));

/** DMA(Compatibility, NotBusMaster, Transfer8) { channel } */
export const dma = (channel: number): Aml => b(0x2a, 1 << channel, 0x00);

/** Memory32Fixed(ReadWrite|ReadOnly, base, length). */
export const memory32Fixed = (base: number, len: number, readWrite: boolean): Aml => b(0x86, ...le16(9), readWrite ? 1 : 0, ...le32(base), ...le32(len));

/**
 * Interrupt(ResourceConsumer, Level|Edge, ActiveHigh|Low, Shared|Exclusive) { irqs }: the
 * extended interrupt descriptor.
 */
export function interrupt(level: boolean, activeLow: boolean, shared: boolean, irqs: number[]): Aml {
  const flags = 0x01 | (level ? 0 : 0x02) | (activeLow ? 0x04 : 0) | (shared ? 0x08 : 0);
  return b(0x89, ...le16(2 + 4 * irqs.length), flags, irqs.length, ...irqs.flatMap(le32));
}

/** Word address space descriptors: WordBusNumber (type 2) and WordIO (type 1). */
function wordSpace(type: number, genFlags: number, typeFlags: number, min: number, max: number, translation: number, len: number): Aml {
  return b(0x88, ...le16(13), type, genFlags, typeFlags, ...le16(0), ...le16(min), ...le16(max), ...le16(translation), ...le16(len));
}

/** WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, min, max, 0, len). */
export const wordBusNumber = (min: number, max: number): Aml => wordSpace(2, 0x0c, 0x00, min, max, 0, max - min + 1);

/** WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, min, max, 0, len). */
export const wordIO = (min: number, max: number): Aml => wordSpace(1, 0x0c, 0x03, min, max, 0, max - min + 1);

/**
 * DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, cacheable, ReadWrite, 0, min,
 * max, 0, len); `cacheable` 0 NonCacheable, 1 Cacheable.
 */
export function dwordMemory(min: number, max: number, cacheable: number): Aml {
  const typeFlags = 0x01 | (cacheable << 1); // read-write
  return b(0x87, ...le16(23), 0, 0x0c, typeFlags, ...le32(0), ...le32(min), ...le32(max), ...le32(0), ...le32(max - min + 1));
}

/** QWordMemory like dwordMemory, for windows above 4 GiB. */
export function qwordMemory(min: bigint, max: bigint, cacheable: number): Aml {
  const le64 = (v: bigint) => Array.from({ length: 8 }, (_, k) => Number((v >> BigInt(8 * k)) & 0xffn));
  const typeFlags = 0x01 | (cacheable << 1);
  return b(0x8a, ...le16(43), 0, 0x0c, typeFlags, ...le64(0n), ...le64(min), ...le64(max), ...le64(0n), ...le64(max - min + 1n));
}

/** DefinitionBlock: the 36-byte table header (checksum left 0 for the loader) and the AML. */
export function definitionBlock(signature: string, revision: number, oemId: string, oemTableId: string, body: Aml): Aml {
  const header = new Uint8Array(36);
  const enc = new TextEncoder();
  header.set(enc.encode(signature), 0);
  new DataView(header.buffer).setUint32(4, 36 + body.length, true);
  header[8] = revision;
  header.set(enc.encode(oemId.padEnd(6, ' ').slice(0, 6)), 10);
  header.set(enc.encode(oemTableId.padEnd(8, ' ').slice(0, 8)), 16);
  new DataView(header.buffer).setUint32(24, 1, true);
  header.set(enc.encode('BXPC'), 28);
  new DataView(header.buffer).setUint32(32, 1, true);
  return cat(header, body);
}
