// QEMU's BIOSLinker (hw/acpi/bios-linker-loader.c): the `etc/table-loader` commands that tell
// the firmware to allocate fw_cfg files in its memory, patch pointers between them and fill in
// checksums. Each command is 128 bytes, little-endian; SeaBIOS's romfile_loader runs them.

export const LOADER_ALLOCATE = 1;
export const LOADER_ADD_POINTER = 2;
export const LOADER_ADD_CHECKSUM = 3;
/** ALLOCATE zones: anywhere in high memory, or the 0xF0000 segment (the RSDP). */
export const ZONE_HIGH = 1;
export const ZONE_FSEG = 2;
const CMD_SIZE = 128;
const FILE_SIZE = 56;

export class BiosLinker {
  private readonly cmds: Uint8Array[] = [];

  constructor(private readonly files: Map<string, Uint8Array>) {}

  private cmd(type: number): [Uint8Array, DataView] {
    const c = new Uint8Array(CMD_SIZE);
    const v = new DataView(c.buffer);
    v.setUint32(0, type, true);
    this.cmds.push(c);
    return [c, v];
  }

  private fileName(c: Uint8Array, at: number, file: string): void {
    const n = new TextEncoder().encode(file);
    if (n.length >= FILE_SIZE) throw new RangeError(`linker: file name '${file}' is too long`);
    if (!this.files.has(file)) throw new RangeError(`linker: no file '${file}'`);
    c.set(n, at);
  }

  /** Allocate `file` aligned to `align` bytes in `zone` (QEMU's bios_linker_loader_alloc). */
  alloc(file: string, align: number, zone: number): void {
    if (align & (align - 1)) throw new RangeError(`linker: alignment ${align} is not a power of two`);
    const [c, v] = this.cmd(LOADER_ALLOCATE);
    this.fileName(c, 4, file);
    v.setUint32(60, align, true);
    c[64] = zone;
  }

  /**
   * Make the `size`-byte field at `offset` in `dest` point to `srcOffset` in `src`: the field
   * holds the offset now, and the loader adds the file's address.
   */
  addPointer(dest: string, offset: number, size: 1 | 2 | 4 | 8, src: string, srcOffset: number): void {
    const data = this.files.get(dest);
    if (!data || offset + size > data.length) throw new RangeError(`linker: pointer at ${offset} outside '${dest}'`);
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    if (size === 1) v.setUint8(offset, srcOffset);
    else if (size === 2) v.setUint16(offset, srcOffset, true);
    else if (size === 4) v.setUint32(offset, srcOffset, true);
    else v.setBigUint64(offset, BigInt(srcOffset), true);
    const [c, cv] = this.cmd(LOADER_ADD_POINTER);
    this.fileName(c, 4, dest);
    this.fileName(c, 60, src);
    cv.setUint32(116, offset, true);
    c[120] = size;
  }

  /** The byte at `checksumOffset` makes [start, start + length) of `file` sum to zero. */
  addChecksum(file: string, start: number, length: number, checksumOffset: number): void {
    const data = this.files.get(file);
    if (!data || start + length > data.length || checksumOffset < start || checksumOffset >= start + length) {
      throw new RangeError(`linker: checksum range outside '${file}'`);
    }
    data[checksumOffset] = 0;
    const [c, v] = this.cmd(LOADER_ADD_CHECKSUM);
    this.fileName(c, 4, file);
    v.setUint32(60, checksumOffset, true);
    v.setUint32(64, start, true);
    v.setUint32(68, length, true);
  }

  /** The commands, padded with zeros (no-op entries) to `alignTo` bytes as QEMU's blob is. */
  blob(alignTo = 4096): Uint8Array {
    const len = Math.ceil((this.cmds.length * CMD_SIZE) / alignTo) * alignTo;
    const out = new Uint8Array(len);
    this.cmds.forEach((c, i) => out.set(c, i * CMD_SIZE));
    return out;
  }
}
