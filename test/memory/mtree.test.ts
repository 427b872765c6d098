// `info mtree`, `info mtree -f` and `info ramblock` in QEMU's exact layout, on a small tree
// shaped like QEMU's pc machine (lines written from QEMU's mtree_print_mr/mtree_print_flatview
// and ram_block_format formats, not from our output).
import { describe, expect, it } from 'vitest';
import { MemoryRegion, MemorySystem, formatMtree, formatMtreeFlat, formatRamblocks } from '../../src/memory/index.js';

function pcMachine() {
  const sys = new MemorySystem();
  const system = MemoryRegion.container(sys, null, 'system', 2 ** 64);
  const pcRam = MemoryRegion.ram(sys, null, 'pc.ram', 0x800000);
  system.addSubregion(0, MemoryRegion.alias(sys, null, 'ram-below-4g', pcRam, 0, 0x800000));
  const bios = MemoryRegion.rom(sys, null, 'pc.bios', 0x40000);
  system.addSubregion(0xfffc0000, bios);
  const isaBios = MemoryRegion.alias(sys, null, 'isa-bios', bios, 0x20000, 0x20000);
  isaBios.setReadonly(true);
  system.addSubregionOverlap(0xe0000, isaBios, 1);
  system.addSubregionOverlap(0xa0000, MemoryRegion.io(sys, null, 'vga-lowmem', 0x20000, { read: () => 0 }), 1);
  const smram = MemoryRegion.alias(sys, null, 'smram-low', pcRam, 0xa0000, 0x20000);
  smram.setEnabled(false);
  system.addSubregionOverlap(0xa0000, smram, 2);
  const io = MemoryRegion.io(sys, null, 'io', 0x10000, { read: () => 0xffffffff });
  const port = (name: string, addr: number, size: number) => io.addSubregion(addr, MemoryRegion.io(sys, null, name, size, { read: () => 0 }));
  port('serial', 0x3f8, 8);
  port('debugcon', 0xe9, 1);
  port('pic', 0x20, 2);
  sys.newAddressSpace(system, 'memory');
  sys.newAddressSpace(io, 'I/O');
  sys.newAddressSpace(system, 'cpu-memory-0');
  return { sys, system, io };
}

describe('info mtree', () => {
  it('prints each root once with its address spaces (sorted by name), then alias targets', () => {
    const { sys } = pcMachine();
    expect(formatMtree(sys).split('\n')).toEqual([
      'address-space: cpu-memory-0',
      'address-space: memory',
      '  0000000000000000-ffffffffffffffff (prio 0, i/o): system',
      '    0000000000000000-00000000007fffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-00000000007fffff',
      '    00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem',
      '    00000000000e0000-00000000000fffff (prio 1, rom): alias isa-bios @pc.bios 0000000000020000-000000000003ffff',
      '    00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios',
      '',
      'address-space: I/O',
      '  0000000000000000-000000000000ffff (prio 0, i/o): io',
      '    0000000000000020-0000000000000021 (prio 0, i/o): pic',
      '    00000000000000e9-00000000000000e9 (prio 0, i/o): debugcon',
      '    00000000000003f8-00000000000003ff (prio 0, i/o): serial',
      '',
      // Every alias target gets its own section, printed at its own address (pc.bios sits
      // at 0xfffc0000 in its container), even if it also appears in a tree above.
      'memory-region: pc.ram',
      '  0000000000000000-00000000007fffff (prio 0, ram): pc.ram',
      '',
      'memory-region: pc.bios',
      '  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios',
      '',
      '',
    ]);
  });

  it('with disabled regions shown (-D), marks them " [disabled]" and orders equal addresses by priority', () => {
    const { sys } = pcMachine();
    const lines = formatMtree(sys, { disabled: true }).split('\n');
    expect(lines.slice(3, 6)).toEqual([
      '    0000000000000000-00000000007fffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-00000000007fffff',
      '    00000000000a0000-00000000000bffff (prio 2, ram): alias smram-low @pc.ram 00000000000a0000-00000000000bffff [disabled]',
      '    00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem',
    ]);
  });

  it('a disabled container is hidden but its enabled children are still printed (as QEMU does)', () => {
    const { sys, io } = pcMachine();
    io.setEnabled(false);
    const lines = formatMtree(sys).split('\n');
    const at = lines.indexOf('address-space: I/O');
    expect(lines.slice(at, at + 5)).toEqual([
      'address-space: I/O',
      '    0000000000000020-0000000000000021 (prio 0, i/o): pic',
      '    00000000000000e9-00000000000000e9 (prio 0, i/o): debugcon',
      '    00000000000003f8-00000000000003ff (prio 0, i/o): serial',
      '',
    ]);
  });
});

describe('info mtree -f', () => {
  it('prints each flat view once with the address spaces that use it', () => {
    const { sys } = pcMachine();
    expect(formatMtreeFlat(sys).split('\n')).toEqual([
      'FlatView #0',
      ' AS "memory", root: system',
      ' AS "cpu-memory-0", root: system',
      ' Root memory region: system',
      '  0000000000000000-000000000009ffff (prio 0, ram): pc.ram',
      '  00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem',
      '  00000000000c0000-00000000000dffff (prio 0, ram): pc.ram @00000000000c0000',
      '  00000000000e0000-00000000000fffff (prio 0, rom): pc.bios @0000000000020000',
      '  0000000000100000-00000000007fffff (prio 0, ram): pc.ram @0000000000100000',
      '  00000000fffc0000-00000000ffffffff (prio 0, rom): pc.bios',
      '',
      'FlatView #1',
      ' AS "I/O", root: io',
      ' Root memory region: io',
      '  0000000000000000-000000000000001f (prio 0, i/o): io',
      '  0000000000000020-0000000000000021 (prio 0, i/o): pic',
      '  0000000000000022-00000000000000e8 (prio 0, i/o): io @0000000000000022',
      '  00000000000000e9-00000000000000e9 (prio 0, i/o): debugcon',
      '  00000000000000ea-00000000000003f7 (prio 0, i/o): io @00000000000000ea',
      '  00000000000003f8-00000000000003ff (prio 0, i/o): serial',
      '  0000000000000400-000000000000ffff (prio 0, i/o): io @0000000000000400',
      '',
      '',
    ]);
  });

  it('an empty view has no root and says so', () => {
    const sys = new MemorySystem();
    const root = MemoryRegion.container(sys, null, 'empty', 0x1000);
    sys.newAddressSpace(root, 'nothing');
    expect(formatMtreeFlat(sys)).toBe('FlatView #0\n AS "nothing", root: empty\n Root memory region: (none)\n  No rendered FlatView\n\n');
  });
});

describe('info ramblock', () => {
  it('prints the header and one row per block, biggest first', () => {
    const { sys } = pcMachine();
    const pad = (s: string, n: number) => ' '.repeat(n - s.length) + s;
    // "%24s %8s  %18s %18s %18s %18s %3s"
    const header = `${pad('Block Name', 24)} ${pad('PSize', 8)}  ${pad('Offset', 18)} ${pad('Used', 18)} ${pad('Total', 18)} ${pad('HVA', 18)} ${pad('RO', 3)}`;
    expect(header).toBe('              Block Name    PSize              Offset               Used              Total                HVA  RO');
    expect(formatRamblocks(sys).split('\n')).toEqual([
      header,
      '                  pc.ram    4 KiB  0x0000000000000000 0x0000000000800000 0x0000000000800000 0x0000000000000000  rw',
      '                 pc.bios    4 KiB  0x0000000000800000 0x0000000000040000 0x0000000000040000 0x0000000000800000  ro',
      '',
    ]);
  });
});
