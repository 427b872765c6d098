// Memory transaction results and attributes, as QEMU's MemTxResult / MemTxAttrs.
// Results are bit flags so that a split access can OR the results of its pieces.

export type MemTxResult = number;
export const MEMTX_OK = 0;
export const MEMTX_ERROR = 1 << 0; // device returned an error
export const MEMTX_DECODE_ERROR = 1 << 1; // nothing decodes this address
export const MEMTX_ACCESS_ERROR = 1 << 2; // access not permitted (size, alignment, re-entrancy)

/** Attributes carried by a memory transaction (who is asking, in what mode). */
export interface MemTxAttrs {
  readonly unspecified?: boolean;
  readonly secure?: boolean;
  readonly user?: boolean;
  /** Bus requester id (e.g. a DMA-capable device). */
  readonly requesterId?: number;
}

export const MEMTXATTRS_UNSPECIFIED: MemTxAttrs = Object.freeze({ unspecified: true });

/** Physical addresses are JS numbers; everything at or above 2^52 is refused. */
export const PHYS_ADDR_LIMIT = 2 ** 52;
/** Size used for regions that span the whole 64-bit space (QEMU's UINT64_MAX + 1). */
export const SIZE_64BIT = 2 ** 64;

export const TARGET_PAGE_BITS = 12;
export const TARGET_PAGE_SIZE = 1 << TARGET_PAGE_BITS;
export const TARGET_PAGE_MASK = ~(TARGET_PAGE_SIZE - 1);

export function memTxResultName(r: MemTxResult): string {
  if (r === MEMTX_OK) return 'ok';
  const parts: string[] = [];
  if (r & MEMTX_ERROR) parts.push('device error');
  if (r & MEMTX_DECODE_ERROR) parts.push('decode error');
  if (r & MEMTX_ACCESS_ERROR) parts.push('access error');
  return parts.join('|');
}
