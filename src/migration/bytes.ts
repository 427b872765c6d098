// Growable big-endian byte writer and a bounds-checked reader for the migration stream
// (QEMU's QEMUFile put/get helpers); a read past the end throws a MigrationError.

export class MigrationError extends Error {}

export class ByteWriter {
  buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v);
    this.length += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0);
    this.length += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v);
    this.length += 8;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, v));
    this.length += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255) throw new Error(`migration: name '${s}' is longer than 255 bytes`);
    this.u8(b.length);
    this.bytes(b);
  }
  /** Overwrite a u16 written earlier (record counts). */
  patchU16(at: number, v: number): void {
    this.view.setUint16(at, v);
  }
  /** Overwrite a u32 written earlier (section lengths). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0);
  }
  reset(): void {
    this.length = 0;
  }
  /** A copy of what was written. */
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  private readonly view: DataView;
  pos = 0;

  constructor(
    readonly buf: Uint8Array,
    /** What is being read, for error messages ("section 'i8254'"). */
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new MigrationError(`${this.what} is too short: ${this.buf.length} bytes, more needed at offset ${this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)]!;
  }
  u16(): number {
    return this.view.getUint16(this.need(2));
  }
  u32(): number {
    return this.view.getUint32(this.need(4));
  }
  f64(): number {
    return this.view.getFloat64(this.need(8));
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8));
  }
  bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }
  str(): string {
    const n = this.u8();
    return Buffer.from(this.bytes(n)).toString('utf8');
  }
}
