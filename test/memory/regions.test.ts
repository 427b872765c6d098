// Every kind of MemoryRegion seen through an address space: RAM, ROM, I/O, container, alias,
// ROM device (romd mode on/off) and IOMMU (translate callback), as QEMU's memory API defines them.
import { describe, expect, it } from 'vitest';
import {
  IOMMU_NONE,
  IOMMU_RO,
  IOMMU_RW,
  MEMTX_DECODE_ERROR,
  MEMTX_OK,
  MemoryRegion,
  MemorySystem,
  type AddressSpace,
  type IOMMUTLBEntry,
} from '../../src/memory/index.js';
import { asLines, memoryLikeOps } from './helpers.js';

function system() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const as = sys.newAddressSpace(root, 'memory');
  return { sys, root, as };
}

describe('RAM', () => {
  it('is read and written directly, and owns a RAM block named owner/name', () => {
    const { sys, root, as } = system();
    const ram = MemoryRegion.ram(sys, 'dimm0', 'mem', 0x2000);
    root.addSubregion(0x10000, ram);
    expect(ram.ramBlock!.idstr).toBe('dimm0/mem');
    expect(ram.typeName).toBe('ram');
    expect(as.stl(0x10ffe, 0x11223344)).toBe(MEMTX_OK);
    // Little-endian bytes land at block offsets 0xffe..0x1001.
    expect([...ram.ramBlock!.host.subarray(0xffe, 0x1002)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(as.ldl(0x10ffe)).toBe(0x11223344);
    expect(as.lduw(0x11000)).toBe(0x1122);
    // Bytes 0x10ffc..0x11003 are 00 00 44 33 22 11 00 00.
    expect(as.ldq(0x10ffc)).toBe(0x0000112233440000n);
  });
});

describe('ROM', () => {
  it('reads like RAM; guest writes are dropped; writeRom (a loader) can fill it', () => {
    const { sys, root, as } = system();
    const rom = MemoryRegion.rom(sys, null, 'bios', 0x1000);
    root.addSubregion(0xf000, rom);
    expect(rom.typeName).toBe('rom');
    as.writeRom(0xf010, new Uint8Array([1, 2, 3, 4]));
    expect(as.ldl(0xf010)).toBe(0x04030201);
    as.stl(0xf010, 0xffffffff);
    expect(as.ldl(0xf010)).toBe(0x04030201);
    expect(as.stats.romWritesDropped).toBe(1);
  });
});

describe('I/O', () => {
  it('goes to the callbacks with the offset inside the region', () => {
    const { sys, root, as } = system();
    const dev = memoryLikeOps(0x100);
    const io = MemoryRegion.io(sys, null, 'dev', 0x100, dev.ops);
    root.addSubregion(0x3000, io);
    expect(io.typeName).toBe('i/o');
    as.stw(0x3010, 0xbeef);
    expect(as.lduw(0x3010)).toBe(0xbeef);
    expect(dev.log).toEqual(['w10/2=beef', 'r10/2']);
  });

  it('reports device errors from the *WithAttrs callbacks and passes the attributes', () => {
    const { sys, root, as } = system();
    const seen: unknown[] = [];
    const io = MemoryRegion.io(sys, null, 'err', 0x10, {
      readWithAttrs(addr, size, attrs, out) {
        seen.push(attrs.requesterId);
        out.value = 0x5a;
        return addr === 0 ? 1 /* MEMTX_ERROR */ : MEMTX_OK;
      },
      writeWithAttrs: () => 1,
    });
    root.addSubregion(0x4000, io);
    expect(as.ldub(0x4000, { requesterId: 7 })).toBe(0x5a);
    expect(as.lastResult).toBe(1);
    expect(as.ldub(0x4001, { requesterId: 8 })).toBe(0x5a);
    expect(as.lastResult).toBe(MEMTX_OK);
    expect(as.stb(0x4000, 1)).toBe(1);
    expect(seen).toEqual([7, 8]);
  });
});

describe('container', () => {
  it('has no contents of its own: holes read as unassigned', () => {
    const { sys, root, as } = system();
    const box = MemoryRegion.container(sys, null, 'box', 0x10000);
    const ram = MemoryRegion.ram(sys, null, 'r', 0x1000);
    box.addSubregion(0x1000, ram);
    root.addSubregion(0x20000, box);
    expect(asLines(as)).toEqual(['21000-21fff r']);
    expect(as.ldub(0x20000)).toBe(0xff);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
  });
});

describe('alias', () => {
  it('shows a window of its target starting at the alias offset', () => {
    const { sys, root, as } = system();
    const ram = MemoryRegion.ram(sys, null, 'ram', 0x4000);
    const win = MemoryRegion.alias(sys, null, 'win', ram, 0x1800, 0x1000);
    root.addSubregion(0x100000, win);
    expect(asLines(as)).toEqual(['100000-100fff ram@1800']);
    ram.ramBlock!.host[0x1800] = 0x77;
    ram.ramBlock!.host[0x27ff] = 0x88;
    expect(as.ldub(0x100000)).toBe(0x77);
    expect(as.ldub(0x100fff)).toBe(0x88);
    expect(win.typeName).toBe('ram');
  });

  it('is clipped to its target: an alias longer than what remains of the target leaves a hole', () => {
    const { sys, root, as } = system();
    const ram = MemoryRegion.ram(sys, null, 'ram', 0x2000);
    root.addSubregion(0, MemoryRegion.alias(sys, null, 'tail', ram, 0x1000, 0x3000));
    expect(asLines(as)).toEqual(['0-fff ram@1000']);
  });
});

describe('ROM device', () => {
  function romd() {
    const { sys, root, as } = system();
    const dev = memoryLikeOps(0x1000);
    const flash = MemoryRegion.romDevice(sys, null, 'flash', 0x1000, dev.ops);
    root.addSubregion(0x8000, flash);
    flash.ramBlock!.host.set([0xaa, 0xbb], 0x20);
    dev.bytes.set([0x01, 0x02], 0x20);
    return { sys, as, flash, dev };
  }

  it('in romd mode reads its RAM and sends writes to the callbacks', () => {
    const { as, flash, dev } = romd();
    expect(flash.romdMode).toBe(true);
    expect(flash.typeName).toBe('romd');
    expect(as.lduw(0x8020)).toBe(0xbbaa);
    as.stb(0x8020, 0x99);
    expect(dev.log).toEqual(['w20/1=99']);
    expect(flash.ramBlock!.host[0x20]).toBe(0xaa);
  });

  it('with romd mode off reads through the callbacks too (QEMU prints it as i/o)', () => {
    const { as, flash, dev } = romd();
    flash.setRomdMode(false);
    expect(as.lduw(0x8020)).toBe(0x0201);
    expect(dev.log).toEqual(['r20/2']);
    expect(flash.typeName).toBe('i/o');
  });
});

describe('IOMMU', () => {
  // A DMA address space whose window [0x10800, +0x4000) is an IOMMU: page n of the window maps
  // to 0x100000 + n * 0x1000 of system memory; page 2 is read-only and page 3 has no access.
  function iommu() {
    const { sys, root, as } = system();
    const ram = MemoryRegion.ram(sys, null, 'ram', 0x200000);
    root.addSubregion(0, ram);
    const dmaRoot = MemoryRegion.container(sys, null, 'dma-root', 2 ** 32);
    const asked: string[] = [];
    let memory: AddressSpace = as;
    const mr = MemoryRegion.iommu(sys, null, 'iommu', 0x4000, {
      translate(addr, flag): IOMMUTLBEntry {
        asked.push(`${addr.toString(16)}/${flag}`);
        const page = Math.floor(addr / 0x1000);
        const perm = page === 2 ? IOMMU_RO : page === 3 ? IOMMU_NONE : IOMMU_RW;
        return { targetAs: memory, iova: addr & ~0xfff, translatedAddr: 0x100000 + page * 0x1000, addrMask: 0xfff, perm };
      },
    });
    // Deliberately not page aligned: the page offset must come from the offset in the region.
    dmaRoot.addSubregion(0x10800, mr);
    const dma = sys.newAddressSpace(dmaRoot, 'dma');
    memory = as;
    return { sys, as, dma, ram, asked };
  }

  it('translates through the callback into the target address space', () => {
    const { as, dma, asked } = iommu();
    as.stl(0x101004, 0xcafef00d);
    // Offset 0x1004 in the IOMMU region: page 1, in-page offset 4 -> 0x101004.
    expect(dma.ldl(0x10800 + 0x1004)).toBe(0xcafef00d);
    expect(asked).toEqual(['1004/1']);
  });

  it('splits an access at the IOMMU page boundary', () => {
    const { as, dma } = iommu();
    as.stb(0x100fff, 0x11); // page 0, last byte
    as.stb(0x101000, 0x22); // page 1, first byte
    expect(dma.lduw(0x10800 + 0xfff)).toBe(0x2211);
  });

  it('refuses accesses the permissions forbid (decode error, nothing written)', () => {
    const { as, dma } = iommu();
    expect(dma.stl(0x10800 + 0x2000, 1)).toBe(MEMTX_DECODE_ERROR); // read-only page
    expect(as.ldl(0x102000)).toBe(0);
    expect(dma.ldl(0x10800 + 0x2000)).toBe(0); // reads are allowed there
    expect(dma.lastResult).toBe(MEMTX_OK);
    expect(dma.ldl(0x10800 + 0x3000)).toBe(0xffffffff); // no access at all
    expect(dma.lastResult).toBe(MEMTX_DECODE_ERROR);
  });
});
