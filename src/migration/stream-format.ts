// The migration stream's layout (tcg86's own, modelled on QEMU's savevm format):
//
//   header   "T86M" magic, u32 version
//   section  u8 type, u32 payload length, payload, u32 CRC-32 of type + length + payload
//
// Sections: SETUP (every RAMBlock's idstr and used length, as QEMU's RAM_SAVE_FLAG_MEM_SIZE),
// RAM (a batch of page records: u8 flags, u16 block index, u32 page index, then 4096 bytes
// unless the page is all zeros), DEVICE (idstr, instance id, version id, the fields) and EOS.

export const STREAM_MAGIC = 0x5438364d; // "T86M"
export const STREAM_VERSION = 1;
export const HEADER_BYTES = 8;
/** Type and payload length before the payload, CRC after it. */
export const SECTION_HEAD = 5;
export const SECTION_TAIL = 4;
/** A section larger than this is refused before it is buffered (a corrupted length). */
export const MAX_SECTION = 64 * 1024 * 1024;

export const SEC_SETUP = 1;
export const SEC_RAM = 2;
export const SEC_DEVICE = 3;
export const SEC_EOS = 4;

export const SECTION_NAMES: Record<number, string> = {
  [SEC_SETUP]: 'setup',
  [SEC_RAM]: 'RAM pages',
  [SEC_DEVICE]: 'device state',
  [SEC_EOS]: 'end of stream',
};

/** Page record flags (QEMU's RAM_SAVE_FLAG_ZERO / RAM_SAVE_FLAG_PAGE). */
export const PAGE_ZERO = 0x02;
export const PAGE_DATA = 0x08;
export const PAGE_SIZE = 4096;
/** Bytes of a page record before its data. */
export const PAGE_RECORD_HEAD = 7;
/** Pages per RAM section: big enough to amortise the section head, small enough to pace. */
export const PAGES_PER_SECTION = 64;
