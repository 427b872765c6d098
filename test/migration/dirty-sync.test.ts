// Dirty clients stay independent: a migration sync takes and clears only MIGRATION bits, VGA
// and CODE bitmaps are left exactly as they were, and clearing re-arms the CPU's write
// tracking so the guest's next store to a synced page marks it again.

import { describe, expect, it } from 'vitest';
import { DIRTY_MEMORY_CODE, DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_VGA, DirtyMemory } from '../../src/memory/index.js';
import { RamSaver } from '../../src/migration/ram-save.js';
import { SectionWriter } from '../../src/migration/section-writer.js';
import { machine } from './helpers.js';

const P = 4096;

describe('migration dirty sync', () => {
  it('syncAndClear takes one client only and reports the pages it added', () => {
    const d = new DirtyMemory();
    d.extend(128 * P);
    const cleared: string[] = [];
    d.onBitsCleared((s, l) => cleared.push(`${s / P}+${l / P}`));
    d.setRange(64 * P, 64 * P, 0b111);
    const into = new Uint32Array(2);
    into[0] = 1; // page 64 already marked by the migration
    expect(d.syncAndClear(64 * P, 64 * P, DIRTY_MEMORY_MIGRATION, into)).toBe(63);
    expect(Array.from(into)).toEqual([0xffffffff, 0xffffffff]);
    expect(d.get(64 * P, 64 * P, DIRTY_MEMORY_MIGRATION)).toBe(false);
    expect(d.allDirty(64 * P, 64 * P, DIRTY_MEMORY_VGA)).toBe(true);
    expect(d.allDirty(64 * P, 64 * P, DIRTY_MEMORY_CODE)).toBe(true);
    expect(cleared).toEqual(['64+64']);
    expect(d.syncAndClear(64 * P, 64 * P, DIRTY_MEMORY_MIGRATION, into)).toBe(0);
    expect(cleared, 'nothing to re-arm the second time').toEqual(['64+64']);
  });

  it('on a running machine, VGA and CODE bitmaps are untouched and guest stores mark pages again', async () => {
    const t = machine('migrate-dirty', 'tcg');
    await expect(t.m.run(600_000)).rejects.toThrow(/without exiting/);
    const dirty = t.m.sys.dirty;
    const vga = dirty.bitmaps[DIRTY_MEMORY_VGA]!.slice();
    const code = dirty.bitmaps[DIRTY_MEMORY_CODE]!.slice();
    const saver = new RamSaver(t.m.sys);
    const out = new SectionWriter();
    saver.setup(out);
    saver.send(out, Infinity);
    expect(saver.dirtyPages).toBe(0);
    expect(Array.from(dirty.bitmaps[DIRTY_MEMORY_VGA]!)).toEqual(Array.from(vga));
    expect(Array.from(dirty.bitmaps[DIRTY_MEMORY_CODE]!)).toEqual(Array.from(code));
    expect(code.some((w) => w !== 0xffffffff), 'some pages hold translated code').toBe(true);
    const ram = t.m.sys.ramList.findByIdstr('pc.ram')!;
    expect(dirty.get(ram.offset, ram.usedLength, DIRTY_MEMORY_MIGRATION)).toBe(false);
    // The guest goes on rewriting its hot pages (through the TLB's fast path once re-armed).
    await expect(t.m.run(1_200_000)).rejects.toThrow(/without exiting/);
    expect(dirty.isPageDirty((ram.offset + 0x100000) / P, DIRTY_MEMORY_MIGRATION), 'a hot page').toBe(true);
    expect(dirty.isPageDirty((ram.offset + 0x200000) / P, DIRTY_MEMORY_MIGRATION), 'a cold page').toBe(false);
    const fresh = saver.sync();
    expect(fresh, 'the hot pages, the tick counter, the stack').toBeGreaterThan(3);
    expect(fresh).toBeLessThan(20);
    expect(saver.countDirty()).toBe(fresh);
    t.m.shutdown();
  });
});
