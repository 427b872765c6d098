// Frames stream sections (type, length, payload, CRC-32) into one growing buffer that the
// migration hands to its transport in chunks.

import { ByteWriter } from './bytes.js';
import { crc32 } from './crc32.js';
import { SECTION_HEAD, STREAM_MAGIC, STREAM_VERSION } from './stream-format.js';

export class SectionWriter {
  readonly w = new ByteWriter();
  private start = -1;
  /** Sections framed so far. */
  sections = 0;

  header(): void {
    this.w.u32(STREAM_MAGIC);
    this.w.u32(STREAM_VERSION);
  }

  /** Start a section; write its payload into the returned writer, then call end(). */
  begin(type: number): ByteWriter {
    if (this.start >= 0) throw new Error('migration: a section is already open');
    this.start = this.w.length;
    this.w.u8(type);
    this.w.u32(0);
    return this.w;
  }

  end(): void {
    const w = this.w;
    const start = this.start;
    w.patchU32(start + 1, w.length - start - SECTION_HEAD);
    w.u32(crc32(w.buf, 0, start, w.length));
    this.start = -1;
    this.sections++;
  }

  get pendingBytes(): number {
    return this.w.length;
  }

  /** What was framed since the last take (a copy), leaving the writer empty. */
  take(): Uint8Array {
    if (this.start >= 0) throw new Error('migration: take() inside an open section');
    const out = this.w.take();
    this.w.reset();
    return out;
  }
}
