// MemoryListener callbacks as QEMU's memory.c makes them: replay on registration, priority
// order (adds forward, deletes reverse), region_add/del/nop from the old/new view diff, and
// the dirty-logging callbacks (log_start/stop/sync, log_global_start/stop).
import { describe, expect, it } from 'vitest';
import { DIRTY_MEMORY_VGA, MemoryRegion, MemorySystem, type MemoryListener, type MemoryRegionSection } from '../../src/memory/index.js';

const h = (n: number) => n.toString(16);
const sec = (s: MemoryRegionSection) =>
  `${s.mr.name} ${h(s.offsetWithinAddressSpace)}+${h(s.size)}${s.offsetWithinRegion ? '@' + h(s.offsetWithinRegion) : ''}`;

/** A listener that logs every callback as "<tag>:<what>". */
function recorder(log: string[], tag: string, priority = 0): MemoryListener {
  return {
    priority,
    name: tag,
    begin: () => log.push(`${tag}:begin`),
    commit: () => log.push(`${tag}:commit`),
    regionAdd: (s) => log.push(`${tag}:add ${sec(s)}`),
    regionDel: (s) => log.push(`${tag}:del ${sec(s)}`),
    regionNop: (s) => log.push(`${tag}:nop ${sec(s)}`),
    logStart: (s, o, n) => log.push(`${tag}:log_start ${sec(s)} ${o}->${n}`),
    logStop: (s, o, n) => log.push(`${tag}:log_stop ${sec(s)} ${o}->${n}`),
    logSync: (s) => log.push(`${tag}:log_sync ${sec(s)}`),
    logGlobalStart: () => log.push(`${tag}:log_global_start`),
    logGlobalStop: () => log.push(`${tag}:log_global_stop`),
  };
}

function pc() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const ram = MemoryRegion.ram(sys, null, 'ram', 0x100000);
  const bios = MemoryRegion.rom(sys, null, 'bios', 0x10000);
  root.addSubregion(0, ram);
  root.addSubregion(0xffff0000, bios);
  const as = sys.newAddressSpace(root, 'memory');
  return { sys, root, ram, bios, as };
}

describe('MemoryListener', () => {
  it('registering on an existing address space replays region_add for every range', () => {
    const { sys, as } = pc();
    const log: string[] = [];
    sys.registerListener(recorder(log, 'L'), as);
    expect(log).toEqual(['L:begin', 'L:add ram 0+100000', 'L:add bios ffff0000+10000', 'L:commit']);
  });

  it('replays log_global_start and log_start when dirty logging is already on', () => {
    const { sys, as } = pc();
    sys.globalDirtyLogStart();
    const log: string[] = [];
    sys.registerListener(recorder(log, 'L'), as);
    // MIGRATION (bit 2) is logged for migratable RAM and ROM alike.
    expect(log).toEqual([
      'L:begin',
      'L:log_global_start',
      'L:add ram 0+100000',
      'L:log_start ram 0+100000 0->4',
      'L:add bios ffff0000+10000',
      'L:log_start bios ffff0000+10000 0->4',
      'L:commit',
    ]);
  });

  it('a PCI BAR (priority 1) moving over RAM gives exactly QEMU’s del/add/nop sequence', () => {
    const { sys, root, as } = pc();
    const bar = MemoryRegion.io(sys, 'pci-dev', 'bar', 0x1000, { read: () => 0 });
    root.addSubregionOverlap(0x200000, bar, 1);
    const log: string[] = [];
    sys.registerListener(recorder(log, 'hi', 10), as);
    sys.registerListener(recorder(log, 'lo', 0), as);
    log.length = 0;

    bar.setAddress(0x80000);
    // address_space_update_topology_pass walks old and new views in address order.
    // old: ram 0+100000 | bar 200000+1000 | bios ffff0000+10000
    // new: ram 0+80000 | bar 80000+1000 | ram 81000+7f000@81000 | bios ffff0000+10000
    // Delete pass: old ram and new ram start together but differ (size) -> del ram.
    //   old bar@200000 is after new ram@0, bar@80000, ram@81000 (those are skipped as "new"),
    //   and before new bios -> del bar. old bios == new bios -> skipped (nop is for the add pass).
    // Add pass: old ram differs from new ram -> skip old; old bar@200000 is beyond new ram@0,
    //   bar@80000 and ram@81000 -> add each; then old bar is before bios and gone -> skip;
    //   bios equal -> nop.
    // Deletes run listeners in reverse (hi before lo), adds and nops forward (lo before hi);
    // begin/commit go to every listener forward.
    expect(log).toEqual([
      'lo:begin',
      'hi:begin',
      'hi:del ram 0+100000',
      'lo:del ram 0+100000',
      'hi:del bar 200000+1000',
      'lo:del bar 200000+1000',
      'lo:add ram 0+80000',
      'hi:add ram 0+80000',
      'lo:add bar 80000+1000',
      'hi:add bar 80000+1000',
      'lo:add ram 81000+7f000@81000',
      'hi:add ram 81000+7f000@81000',
      'lo:nop bios ffff0000+10000',
      'hi:nop bios ffff0000+10000',
      'lo:commit',
      'hi:commit',
    ]);

    log.length = 0;
    bar.setAddress(0x300000);
    // old: ram 0+80000 | bar 80000 | ram 81000@81000 | bios;  new: ram 0+100000 | bar 300000 | bios.
    // Deletes: ram 0+80000 (same start, differs), bar 80000 and ram@81000 (before new bar@300000).
    // Adds: ram 0+100000, bar 300000 (before bios); bios unchanged -> nop.
    const lo = log.filter((l) => l.startsWith('lo:'));
    expect(lo).toEqual([
      'lo:begin',
      'lo:del ram 0+80000',
      'lo:del bar 80000+1000',
      'lo:del ram 81000+7f000@81000',
      'lo:add ram 0+100000',
      'lo:add bar 300000+1000',
      'lo:nop bios ffff0000+10000',
      'lo:commit',
    ]);
  });

  it('equal priorities keep registration order', () => {
    const { sys, root, as } = pc();
    const log: string[] = [];
    sys.registerListener(recorder(log, 'first'), as);
    sys.registerListener(recorder(log, 'second'), as);
    log.length = 0;
    root.removeSubregion(root.subregions.find((r) => r.name === 'bios')!);
    expect(log.filter((l) => !l.includes('nop'))).toEqual([
      'first:begin',
      'second:begin',
      'second:del bios ffff0000+10000',
      'first:del bios ffff0000+10000',
      'first:commit',
      'second:commit',
    ]);
  });

  it('a listener of another address space gets begin/commit but no region callbacks', () => {
    const { sys, root, as } = pc();
    const ioRoot = MemoryRegion.container(sys, null, 'io', 0x10000);
    const io = sys.newAddressSpace(ioRoot, 'I/O');
    const log: string[] = [];
    sys.registerListener(recorder(log, 'io'), io);
    log.length = 0;
    root.addSubregion(0x200000, MemoryRegion.io(sys, null, 'x', 0x10, { read: () => 0 }));
    expect(log).toEqual(['io:begin', 'io:commit']);
    expect(as.listeners).toEqual([]);
  });

  it('log_start/log_stop follow per-region VGA logging; both at once: start forward, then stop reverse', () => {
    const { sys, ram, as } = pc();
    const log: string[] = [];
    sys.registerListener(recorder(log, 'a', 0), as);
    sys.registerListener(recorder(log, 'b', 1), as);
    log.length = 0;
    ram.setLog(true, DIRTY_MEMORY_VGA);
    expect(log.filter((l) => l.includes('log'))).toEqual(['a:log_start ram 0+100000 0->1', 'b:log_start ram 0+100000 0->1']);
    log.length = 0;
    // VGA off and migration on in one transaction: the mask goes from 1 to 4.
    sys.begin();
    ram.setLog(false, DIRTY_MEMORY_VGA);
    sys.globalDirtyLogStart();
    sys.commit();
    expect(log.filter((l) => l.includes('ram'))).toEqual([
      'a:nop ram 0+100000',
      'b:nop ram 0+100000',
      'a:log_start ram 0+100000 1->4',
      'b:log_start ram 0+100000 1->4',
      'b:log_stop ram 0+100000 1->4',
      'a:log_stop ram 0+100000 1->4',
    ]);
  });

  it('global dirty log: start before the render, stop after it in reverse order', () => {
    const { sys, as } = pc();
    const log: string[] = [];
    sys.registerListener(recorder(log, 'a', 0), as);
    sys.registerListener(recorder(log, 'b', 1), as);
    log.length = 0;
    sys.globalDirtyLogStart();
    expect(log.filter((l) => !l.includes('nop'))).toEqual([
      'a:log_global_start',
      'b:log_global_start',
      'a:begin',
      'b:begin',
      'a:log_start ram 0+100000 0->4',
      'b:log_start ram 0+100000 0->4',
      'a:log_start bios ffff0000+10000 0->4',
      'b:log_start bios ffff0000+10000 0->4',
      'a:commit',
      'b:commit',
    ]);
    log.length = 0;
    sys.globalDirtyLogSync();
    expect(log).toEqual([
      'a:log_sync ram 0+100000',
      'a:log_sync bios ffff0000+10000',
      'b:log_sync ram 0+100000',
      'b:log_sync bios ffff0000+10000',
    ]);
    log.length = 0;
    sys.globalDirtyLogStop();
    expect(log.filter((l) => !l.includes('nop'))).toEqual([
      'a:begin',
      'b:begin',
      'b:log_stop ram 0+100000 4->0',
      'a:log_stop ram 0+100000 4->0',
      'b:log_stop bios ffff0000+10000 4->0',
      'a:log_stop bios ffff0000+10000 4->0',
      'a:commit',
      'b:commit',
      'b:log_global_stop',
      'a:log_global_stop',
    ]);
  });

  it('log_sync follows the global listener order across address spaces', () => {
    const { sys, as, ram } = pc();
    const vgaRoot = MemoryRegion.container(sys, null, 'vga-root', 0x100000);
    vgaRoot.addSubregion(0, MemoryRegion.alias(sys, null, 'vga-win', ram, 0xa0000, 0x1000));
    const other = sys.newAddressSpace(vgaRoot, 'other');
    ram.setLog(true, DIRTY_MEMORY_VGA);
    const log: string[] = [];
    sys.registerListener({ ...recorder(log, 'm', 5), regionAdd: undefined, begin: undefined, commit: undefined, logStart: undefined }, as);
    sys.registerListener({ ...recorder(log, 'o', 1), regionAdd: undefined, begin: undefined, commit: undefined, logStart: undefined }, other);
    sys.globalDirtyLogSync();
    expect(log).toEqual(['o:log_sync ram 0+1000@a0000', 'm:log_sync ram 0+100000']);
  });

  it('unregistering tells the listener log_stop and region_del for every range', () => {
    const { sys, ram, as } = pc();
    ram.setLog(true, DIRTY_MEMORY_VGA);
    const log: string[] = [];
    const l = recorder(log, 'L');
    sys.registerListener(l, as);
    log.length = 0;
    sys.unregisterListener(l, as);
    expect(log).toEqual(['L:begin', 'L:log_stop ram 0+100000 1->0', 'L:del ram 0+100000', 'L:del bios ffff0000+10000', 'L:commit']);
    log.length = 0;
    ram.setLog(false, DIRTY_MEMORY_VGA);
    expect(log).toEqual([]);
    expect(sys.listeners).not.toContain(l);
  });
});
