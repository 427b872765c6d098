// AddressSpace accesses: ld/st of 1/2/4/8 bytes with MemTxAttrs and MemTxResult, splitting at
// region boundaries and to each device's access sizes (QEMU's memory_access_size and
// access_with_adjusted_size), endianness, unassigned accesses and map/unmap.
import { describe, expect, it } from 'vitest';
import {
  DIRTY_MEMORY_VGA,
  MEMTX_ACCESS_ERROR,
  MEMTX_DECODE_ERROR,
  MEMTX_ERROR,
  MEMTX_OK,
  MemoryRegion,
  MemorySystem,
  type AddressSpace,
  type MemoryRegionOps,
} from '../../src/memory/index.js';
import { memoryLikeOps } from './helpers.js';

function setup() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const ram = MemoryRegion.ram(sys, null, 'ram', 0x10000);
  root.addSubregion(0, ram);
  const as = sys.newAddressSpace(root, 'memory');
  return { sys, root, ram, as };
}

/** A memory-like device at 0x20000 with the given constraints; bytes 0..15 are 0x10..0x1f. */
function device(extra: Partial<MemoryRegionOps>, size = 0x100) {
  const s = setup();
  const dev = memoryLikeOps(size);
  for (let i = 0; i < 16; i++) dev.bytes[i] = 0x10 + i;
  const mr = MemoryRegion.io(s.sys, null, 'dev', size, { ...dev.ops, ...extra });
  s.root.addSubregion(0x20000, mr);
  return { ...s, dev, mr };
}

describe('fixed-size accesses', () => {
  it('ld/st of 1, 2, 4 and 8 bytes are little-endian on RAM', () => {
    const { as, ram } = setup();
    expect(as.stq(0x100, 0x0102030405060708n)).toBe(MEMTX_OK);
    expect([...ram.ramBlock!.host.subarray(0x100, 0x108)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(as.ldub(0x100)).toBe(0x08);
    expect(as.lduw(0x101)).toBe(0x0607);
    expect(as.ldl(0x102)).toBe(0x03040506);
    expect(as.ldq(0x100)).toBe(0x0102030405060708n);
    as.stb(0x200, 0x1ff); // only the low byte is stored
    as.stw(0x201, 0x12345); // only the low 16 bits
    expect(as.ldl(0x200)).toBe(0x002345ff);
  });

  it('an access crossing from RAM into a device is split at the boundary', () => {
    const { sys, root, as, ram } = setup();
    const dev = memoryLikeOps(0x10);
    root.addSubregion(0x10000, MemoryRegion.io(sys, null, 'dev', 0x10, dev.ops));
    expect(as.stl(0xfffe, 0xaabbccdd)).toBe(MEMTX_OK);
    expect([...ram.ramBlock!.host.subarray(0xfffe)]).toEqual([0xdd, 0xcc]);
    expect(dev.log).toEqual(['w0/2=aabb']);
    expect(as.ldl(0xfffe)).toBe(0xaabbccdd);
    expect(dev.log[1]).toBe('r0/2');
  });

  it('an access crossing into unassigned space keeps the RAM part and reports a decode error', () => {
    const { as, ram } = setup();
    ram.ramBlock!.host.set([0x11, 0x22], 0xfffe);
    expect(as.ldl(0xfffe)).toBe(0xffff2211);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
    expect(as.stl(0xfffe, 0x33334444)).toBe(MEMTX_DECODE_ERROR);
    expect(as.lduw(0xfffe)).toBe(0x4444);
  });
});

describe('device access sizes', () => {
  it('impl.max 1: a 4-byte access becomes four byte accesses, assembled little-endian', () => {
    const { as, dev } = device({ impl: { maxAccessSize: 1 } });
    expect(as.ldl(0x20004)).toBe(0x17161514);
    expect(dev.log).toEqual(['r4/1', 'r5/1', 'r6/1', 'r7/1']);
    dev.log.length = 0;
    as.stl(0x20008, 0xa1b2c3d4);
    expect(dev.log).toEqual(['w8/1=d4', 'w9/1=c3', 'wa/1=b2', 'wb/1=a1']);
  });

  it('impl.max 2: a 4-byte access becomes two 2-byte accesses', () => {
    const { as, dev } = device({ impl: { maxAccessSize: 2 } });
    expect(as.ldl(0x20000)).toBe(0x13121110);
    expect(dev.log).toEqual(['r0/2', 'r2/2']);
  });

  it('impl.min 4: smaller accesses are widened; the device sees the access at the same offset', () => {
    const { as, dev } = device({ impl: { minAccessSize: 4, maxAccessSize: 4 } });
    expect(as.ldub(0x20002)).toBe(0x12);
    expect(as.lduw(0x20004)).toBe(0x1514);
    expect(dev.log).toEqual(['r2/4', 'r4/4']);
    dev.log.length = 0;
    as.stb(0x20008, 0xee);
    // QEMU's access_with_adjusted_size widens the value with zeros.
    expect(dev.log).toEqual(['w8/4=ee']);
  });

  it('valid.max 2: the address space splits 4-byte accesses into 2-byte ones', () => {
    const { as, dev } = device({ valid: { maxAccessSize: 2 } });
    expect(as.ldl(0x20000)).toBe(0x13121110);
    expect(as.lastResult).toBe(MEMTX_OK);
    expect(dev.log).toEqual(['r0/2', 'r2/2']);
  });

  it('an unaligned access to an aligned-only device is split at alignment boundaries', () => {
    const { as, dev } = device({});
    expect(as.ldl(0x20001)).toBe(0x14131211);
    expect(dev.log).toEqual(['r1/1', 'r2/2', 'r4/1']);
  });

  it('impl.unaligned + valid.unaligned: one unaligned access reaches the device', () => {
    const { as, dev } = device({ impl: { unaligned: true }, valid: { unaligned: true } });
    expect(as.ldl(0x20001)).toBe(0x14131211);
    expect(dev.log).toEqual(['r1/4']);
  });

  it('accesses the device refuses are decode errors that never reach it', () => {
    const { as, dev } = device({ valid: { minAccessSize: 4, maxAccessSize: 4 } });
    expect(as.ldub(0x20000)).toBe(0);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
    expect(as.stw(0x20000, 1)).toBe(MEMTX_DECODE_ERROR);
    expect(dev.log).toEqual([]);
    expect(as.ldl(0x20000)).toBe(0x13121110);
    expect(as.lastResult).toBe(MEMTX_OK);
  });

  it('valid.accepts sees offset, size, direction and attributes', () => {
    const seen: string[] = [];
    const { as } = device({
      valid: {
        accepts: (addr, size, isWrite, attrs) => {
          seen.push(`${addr}/${size}/${isWrite}/${attrs.secure === true}`);
          return !attrs.secure;
        },
      },
    });
    expect(as.ldub(0x20003)).toBe(0x13);
    expect(as.stb(0x20003, 0, { secure: true })).toBe(MEMTX_DECODE_ERROR);
    expect(seen).toEqual(['3/1/false/false', '3/1/true/true']);
  });
});

describe('endianness', () => {
  const word = { read: () => 0x11223344, write: () => {} };

  it('a big-endian 32-bit device has its values byte-swapped for the little-endian guest', () => {
    const writes: number[] = [];
    const { as } = device({ ...word, write: (_a: number, v: number) => writes.push(v), endianness: 'big', impl: { minAccessSize: 4, maxAccessSize: 4 } });
    expect(as.ldl(0x20000)).toBe(0x44332211);
    as.stl(0x20000, 0xaabbccdd);
    expect(writes).toEqual([0xddccbbaa]);
  });

  it('native and little endian devices are not swapped (x86 is little-endian)', () => {
    for (const endianness of ['native', 'little'] as const) {
      const { as } = device({ ...word, endianness, impl: { minAccessSize: 4, maxAccessSize: 4 } });
      expect(as.ldl(0x20000)).toBe(0x11223344);
    }
  });

  it('a big-endian 16-bit device read 4 bytes at a time: the halves keep address order', () => {
    // The device answers with big-endian halfwords of its bytes, as a real BE bus would;
    // whatever the split, the guest must see the bytes in address order.
    const bytes = [0x10, 0x11, 0x12, 0x13];
    const { as } = device({
      read: (a: number) => (bytes[a]! << 8) | bytes[a + 1]!,
      endianness: 'big',
      impl: { minAccessSize: 2, maxAccessSize: 2 },
    });
    expect(as.ldl(0x20000)).toBe(0x13121110);
    expect(as.lduw(0x20002)).toBe(0x1312);
  });

  it('a big-endian byte device is assembled in address order too', () => {
    const { as } = device({ endianness: 'big', impl: { maxAccessSize: 1 } });
    expect(as.ldl(0x20000)).toBe(0x13121110);
  });
});

describe('results', () => {
  it('device errors are OR-combined over the pieces of a split access', () => {
    const { as } = device({
      readWithAttrs: (addr, _size, _attrs, out) => {
        out.value = 0;
        return addr === 2 ? MEMTX_ERROR : MEMTX_OK;
      },
      impl: { maxAccessSize: 1 },
    });
    as.ldl(0x20000);
    expect(as.lastResult).toBe(MEMTX_ERROR);
    // A read straddling the device end (bytes 0xfe, 0xff: fine) and unassigned space.
    as.ldl(0x200fe);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
  });

  it('a device re-entering itself gets an access error (QEMU re-entrancy guard)', () => {
    let as!: AddressSpace;
    let inner = -1;
    const s = device({
      read: () => {
        as.ldub(0x20000);
        inner = as.lastResult;
        return 0x42;
      },
    });
    as = s.as;
    expect(as.ldub(0x20001)).toBe(0x42);
    expect(as.lastResult).toBe(MEMTX_OK);
    expect(inner).toBe(MEMTX_ACCESS_ERROR);
  });

  it('unassigned: reads all-ones, writes dropped; both counted, logged and decode errors', () => {
    const { sys, as } = setup();
    const log: string[] = [];
    sys.guestErrorLog = (m) => log.push(m);
    expect(as.ldl(0x80000)).toBe(0xffffffff);
    expect(as.lastResult).toBe(MEMTX_DECODE_ERROR);
    expect(as.ldq(0x80000)).toBe(0xffffffffffffffffn);
    expect(as.stl(0x80000, 0)).toBe(MEMTX_DECODE_ERROR);
    expect(as.ldl(0x80000)).toBe(0xffffffff);
    expect(as.stats.unassignedReads).toBe(4);
    expect(as.stats.unassignedWrites).toBe(1);
    expect(log[0]).toBe("Invalid read at addr 0x80000, size 4, region '(unassigned)', reason: rejected");
    expect(log).toHaveLength(5);
  });

  it('writeRom writes RAM and ROM but leaves devices alone (QEMU address_space_write_rom)', () => {
    const { as, dev } = device({});
    as.writeRom(0x20000, new Uint8Array([1, 2]));
    expect(dev.log).toEqual([]);
    as.writeRom(0x100, new Uint8Array([1, 2]));
    expect(as.lduw(0x100)).toBe(0x0201);
  });
});

describe('map/unmap', () => {
  it('RAM maps directly: the view is guest memory, clipped to the section', () => {
    const { as, ram } = setup();
    const m = as.map(0xff00, 0x1000, false)!;
    expect(m.ramAddr).toBe(ram.ramBlock!.offset + 0xff00);
    expect(m.len).toBe(0x100);
    m.view[0] = 0x5a;
    expect(as.ldub(0xff00)).toBe(0x5a);
    as.unmap(m, 0);
  });

  it('unmapping a written RAM mapping marks the written bytes dirty', () => {
    const { sys, as, ram } = setup();
    const off = ram.ramBlock!.offset;
    sys.dirty.testAndClear(off, 0x10000, DIRTY_MEMORY_VGA);
    const m = as.map(0x3000, 0x2000, true)!;
    m.view.fill(1);
    as.unmap(m, 0x1001);
    expect(sys.dirty.get(off + 0x3000, 0x1000, DIRTY_MEMORY_VGA)).toBe(true);
    expect(sys.dirty.get(off + 0x4000, 1, DIRTY_MEMORY_VGA)).toBe(true);
    expect(sys.dirty.get(off + 0x5000, 1, DIRTY_MEMORY_VGA)).toBe(false);
  });

  it('a device gets a bounce buffer: filled on map for reads, written back on unmap; one at a time', () => {
    const { as, dev } = device({});
    const r = as.map(0x20000, 8, false)!;
    expect(r.ramAddr).toBe(-1);
    expect([...r.view]).toEqual([0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17]);
    expect(as.map(0x20000, 4, true)).toBeNull(); // busy
    as.unmap(r, 0);
    const w = as.map(0x20040, 0x10000, true)!;
    expect(w.len).toBe(4096); // the bounce buffer is at most a page
    w.view.set([0xa0, 0xa1, 0xa2, 0xa3]);
    dev.log.length = 0;
    as.unmap(w, 4);
    expect(dev.log).toEqual(['w40/4=a3a2a1a0']);
    expect(as.map(0x20000, 1, false)).not.toBeNull();
  });
});
