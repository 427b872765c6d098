// AddressSpaceDispatch: a four-level page map from physical page number to section index,
// with subpage sections for pages several regions share (QEMU's phys_map + subpage_t).
// A lookup is at most four Int32Array reads plus one Uint16Array read for a subpage.

import type { FlatRange, FlatView } from './flatview.js';

const LEVEL_BITS = 10;
const NODE_SIZE = 1 << LEVEL_BITS;
const LEVELS = 4; // 4 x 10 bits of page number = 40 bits, with 12 bits of offset: 2^52
const PAGE = 4096;
const TOP_SPAN = 2 ** 30; // pages covered by one entry of the top node

/** Section 0: nothing there. */
export const SECTION_UNASSIGNED = 0;

export class AddressSpaceDispatch {
  /** Nodes of LEVEL_BITS entries: < 0 is a leaf (~section), >= 0 a child node index. */
  private nodes = new Int32Array(NODE_SIZE * 16);
  private nodeCount = 1;
  /** Section index -> flat range (null for unassigned and for subpage sections). */
  readonly sections: (FlatRange | null)[] = [null];
  /** Section index -> per-byte section map of a subpage section (null for plain ones). */
  readonly subpages: (Uint16Array | null)[] = [null];

  constructor(readonly view: FlatView) {
    this.nodes.fill(~SECTION_UNASSIGNED, 0, NODE_SIZE);
    for (const range of view.ranges) this.register(range);
  }

  /** Section index for a physical address (resolving subpages). No allocation. */
  lookup(addr: number): number {
    if (addr < 0x100000000 && addr >= 0) {
      // Below 4 GiB (nearly every access): integer shifts, top-level index 0.
      const nodes = this.nodes;
      let e = nodes[0]!;
      if (e >= 0) {
        e = nodes[e * NODE_SIZE]!; // page bits 20-29 are address bits 32-41: zero here
        if (e >= 0) {
          e = nodes[e * NODE_SIZE + ((addr >>> 22) & 1023)]!;
          if (e >= 0) e = nodes[e * NODE_SIZE + ((addr >>> 12) & 1023)]!;
        }
      }
      const s = ~e;
      const sub = this.subpages[s];
      return sub ? sub[addr & 0xfff]! : s;
    }
    const page = Math.floor(addr / PAGE);
    const top = Math.floor(page / TOP_SPAN);
    if (top >= NODE_SIZE) return SECTION_UNASSIGNED;
    const low = page - top * TOP_SPAN; // fits in 30 bits
    const nodes = this.nodes;
    let e = nodes[top]!;
    if (e >= 0) {
      e = nodes[e * NODE_SIZE + (low >>> 20)]!;
      if (e >= 0) {
        e = nodes[e * NODE_SIZE + ((low >>> 10) & 1023)]!;
        if (e >= 0) e = nodes[e * NODE_SIZE + (low & 1023)]!;
      }
    }
    const s = ~e;
    const sub = this.subpages[s];
    return sub ? sub[addr % PAGE]! : s;
  }

  /** The flat range at addr, or null where nothing is mapped. */
  rangeAt(addr: number): FlatRange | null {
    return this.sections[this.lookup(addr)]!;
  }

  /** True when the page holding addr is shared by several sections (a subpage). */
  isSubpage(addr: number): boolean {
    const s = this.leafSection(Math.floor(addr / PAGE));
    return this.subpages[s] !== null;
  }

  get sectionCount(): number {
    return this.sections.length;
  }

  private register(range: FlatRange): void {
    const section = this.sections.length;
    if (section > 0xffff) throw new RangeError('too many memory sections in one address space (max 65535)');
    this.sections.push(range);
    this.subpages.push(null);
    let start = range.addr;
    const end = Math.min(range.end, PAGE * TOP_SPAN * NODE_SIZE); // addresses stop at 2^52
    if (start >= end) return;
    // Head: a partial first page.
    if (start % PAGE !== 0) {
      const stop = Math.min(end, (Math.floor(start / PAGE) + 1) * PAGE);
      this.registerSubpage(start, stop, section);
      start = stop;
    }
    if (start >= end) return;
    // Middle: whole pages.
    const firstPage = start / PAGE;
    const endPage = Math.floor(end / PAGE);
    if (endPage > firstPage) this.setPages(0, 0, 0, firstPage, endPage, ~section);
    // Tail: a partial last page.
    const tail = endPage * PAGE;
    if (tail < end && tail >= start) this.registerSubpage(tail, end, section);
  }

  private registerSubpage(start: number, end: number, section: number): void {
    const page = Math.floor(start / PAGE);
    let leaf = this.leafSection(page);
    let map = this.subpages[leaf];
    if (!map) {
      map = new Uint16Array(PAGE).fill(leaf);
      const subSection = this.sections.length;
      if (subSection > 0xffff) throw new RangeError('too many memory sections in one address space (max 65535)');
      this.sections.push(null);
      this.subpages.push(map);
      this.setPages(0, 0, 0, page, page + 1, ~subSection);
      leaf = subSection;
    }
    map.fill(section, start - page * PAGE, end - page * PAGE);
  }

  private leafSection(page: number): number {
    let node = 0;
    let span = TOP_SPAN;
    let rel = page;
    for (let level = 0; level < LEVELS; level++) {
      const idx = Math.floor(rel / span);
      const e = this.nodes[node * NODE_SIZE + idx]!;
      if (e < 0) return ~e;
      node = e;
      rel -= idx * span;
      span /= NODE_SIZE;
    }
    throw new Error('dispatch map corrupt: no leaf at the last level');
  }

  /** Map pages [first, end) to `leaf` under `node`, whose first page is `nodeFirst`. */
  private setPages(node: number, level: number, nodeFirst: number, first: number, end: number, leaf: number): void {
    const span = TOP_SPAN / NODE_SIZE ** level;
    const i0 = Math.floor((first - nodeFirst) / span);
    const i1 = Math.min(NODE_SIZE, Math.ceil((end - nodeFirst) / span));
    for (let i = i0; i < i1; i++) {
      const entryStart = nodeFirst + i * span;
      const entryEnd = entryStart + span;
      const slot = node * NODE_SIZE + i;
      if (first <= entryStart && entryEnd <= end) {
        this.nodes[slot] = leaf;
        continue;
      }
      let child = this.nodes[slot]!;
      if (child < 0) {
        const fill = child;
        child = this.allocNode(fill);
        this.nodes[slot] = child;
      }
      this.setPages(child, level + 1, entryStart, Math.max(first, entryStart), Math.min(end, entryEnd), leaf);
    }
  }

  private allocNode(fill: number): number {
    const index = this.nodeCount++;
    if ((index + 1) * NODE_SIZE > this.nodes.length) {
      const grown = new Int32Array(this.nodes.length * 2);
      grown.set(this.nodes);
      this.nodes = grown;
    }
    this.nodes.fill(fill, index * NODE_SIZE, (index + 1) * NODE_SIZE);
    return index;
  }
}
