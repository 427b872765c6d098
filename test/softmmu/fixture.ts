// Shared fixture of the softmmu suites: a MemorySystem with RAM, ROM and an I/O region in a
// 'system' container, and a SoftMMU whose fill is a page table of the test's own (identity by default).

import { MemoryRegion, MemorySystem, type AddressSpace } from '../../src/memory/index.js';
import { SoftMMU } from '../../src/softmmu/ldst.js';
import { TLB_ENTRY_INTS } from '../../src/softmmu/tlb.js';
import { PAGE_EXEC, PAGE_READ, PAGE_WRITE, MMU_DATA_STORE, MMU_INST_FETCH } from '../../src/softmmu/tlb-flags.js';

export const RAM_BASE = 0;
export const RAM_SIZE = 0x100000; // 1 MiB
export const ROM_BASE = 0x200000;
export const ROM_SIZE = 0x10000;
export const IO_BASE = 0x300000;
export const IO_SIZE = 0x1000;
export const RWX = PAGE_READ | PAGE_WRITE | PAGE_EXEC;

/** A guest fault thrown by the fixture's fill: the address and access that failed. */
export class TestFault extends Error {
  constructor(
    readonly vaddr: number,
    readonly access: number,
  ) {
    super(`fault at 0x${(vaddr >>> 0).toString(16)} access ${access}`);
  }
}

export interface Mapping {
  phys: number;
  prot: number;
  size: number;
}

export interface Fixture {
  sys: MemorySystem;
  as: AddressSpace;
  ram: MemoryRegion;
  rom: MemoryRegion;
  io: MemoryRegion;
  /** ram_addr of the RAM region's first byte, and of the ROM's. */
  ramOffset: number;
  romOffset: number;
  mmu: SoftMMU;
  /** Every fill call: [vaddr, access, mmuIdx]. */
  fills: [number, number, number][];
  /** Virtual page -> mapping; pages not listed map to themselves with RWX (4 KiB). */
  map: Map<number, Mapping>;
  /** Virtual pages whose fill faults for every access. */
  faults: Set<number>;
  /** I/O callbacks seen: "r off/size" and "w off/size=value", hex. */
  ioLog: string[];
}

export function makeFixture(nbMmuModes = 3): Fixture {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const ram = MemoryRegion.ram(sys, null, 'ram', RAM_SIZE);
  const rom = MemoryRegion.rom(sys, null, 'rom', ROM_SIZE);
  const ioLog: string[] = [];
  const io = MemoryRegion.io(sys, null, 'dev', IO_SIZE, {
    read(addr: number, size: number): number {
      ioLog.push(`r ${addr.toString(16)}/${size}`);
      // Each byte reads as the low byte of its own offset plus 0x40 (distinct per offset).
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + ((addr + k + 0x40) & 0xff);
      return v;
    },
    write(addr: number, value: number, size: number): void {
      ioLog.push(`w ${addr.toString(16)}/${size}=${(value >>> 0).toString(16)}`);
    },
    valid: { minAccessSize: 1, maxAccessSize: 4 },
    impl: { minAccessSize: 1, maxAccessSize: 4 },
  });
  system.addSubregion(RAM_BASE, ram);
  system.addSubregion(ROM_BASE, rom);
  system.addSubregion(IO_BASE, io);
  const as = sys.newAddressSpace(system, 'memory');
  const mmu = new SoftMMU(sys, as, nbMmuModes);
  const fills: [number, number, number][] = [];
  const map = new Map<number, Mapping>();
  const faults = new Set<number>();
  mmu.fill = (vaddr, access, mmuIdx) => {
    fills.push([vaddr, access, mmuIdx]);
    const page = vaddr & -4096;
    if (faults.has(page)) throw new TestFault(vaddr, access);
    const m = map.get(page) ?? { phys: page >>> 0, prot: RWX, size: 4096 };
    const need = access === MMU_DATA_STORE ? PAGE_WRITE : access === MMU_INST_FETCH ? PAGE_EXEC : PAGE_READ;
    if (!(m.prot & need)) throw new TestFault(vaddr, access);
    mmu.setPage(vaddr, m.phys, m.prot, mmuIdx, m.size);
  };
  return {
    sys,
    as,
    ram,
    rom,
    io,
    ramOffset: ram.ramBlock!.offset,
    romOffset: rom.ramBlock!.offset,
    mmu,
    fills,
    map,
    faults,
    ioLog,
  };
}

/** The entry offset of table slot n (what tlbIndex returns for a page that lands there). */
export function slot(n: number): number {
  return n * TLB_ENTRY_INTS;
}

/** Bytes between two virtual pages that share a slot in a table of `size` entries (tlbIndex folds page bits 6 and up). */
export function conflictStride(size: number): number {
  return size * 64 * 4096;
}
