// Transactions: begin/commit nest; only the outermost commit with something pending re-renders
// and tells the listeners (QEMU's memory_region_transaction_begin/commit).
import { describe, expect, it } from 'vitest';
import { MemoryRegion, MemorySystem, type MemoryListener } from '../../src/memory/index.js';
import { asLines } from './helpers.js';

function setup() {
  const sys = new MemorySystem();
  const root = MemoryRegion.container(sys, null, 'system', 2 ** 32);
  const as = sys.newAddressSpace(root, 'memory');
  const calls: string[] = [];
  const l: MemoryListener = {
    begin: () => calls.push('begin'),
    commit: () => calls.push('commit'),
    regionAdd: (s) => calls.push(`add ${s.mr.name}`),
    regionDel: (s) => calls.push(`del ${s.mr.name}`),
  };
  sys.registerListener(l, as);
  calls.length = 0;
  const io = (name: string) => MemoryRegion.io(sys, null, name, 0x1000, { read: () => 0 });
  return { sys, root, as, calls, io };
}

describe('transactions', () => {
  it('nest: inner commits do nothing, the outermost renders once and notifies once', () => {
    const { sys, root, as, calls, io } = setup();
    const n = sys.renderCount;
    const view = as.currentMap;
    sys.begin();
    root.addSubregion(0x1000, io('a'));
    sys.begin();
    root.addSubregion(0x2000, io('b'));
    sys.commit();
    expect(sys.renderCount).toBe(n);
    expect(as.currentMap).toBe(view);
    expect(calls).toEqual([]);
    expect(sys.inTransaction).toBe(true);
    sys.commit();
    expect(sys.inTransaction).toBe(false);
    expect(sys.renderCount).toBe(n + 1);
    expect(calls).toEqual(['begin', 'add a', 'add b', 'commit']);
    expect(asLines(as)).toEqual(['1000-1fff a', '2000-2fff b']);
  });

  it('each mutator outside a transaction is its own transaction', () => {
    const { sys, root, calls, io } = setup();
    const n = sys.renderCount;
    const a = io('a');
    root.addSubregion(0x1000, a);
    a.setAddress(0x3000);
    expect(sys.renderCount).toBe(n + 2);
    expect(calls).toEqual(['begin', 'add a', 'commit', 'begin', 'del a', 'add a', 'commit']);
  });

  it('a commit with nothing pending does not render or notify', () => {
    const { sys, calls } = setup();
    const n = sys.renderCount;
    sys.begin();
    sys.begin();
    sys.commit();
    sys.commit();
    expect(sys.renderCount).toBe(n);
    expect(calls).toEqual([]);
  });

  it('changes under a disabled region, or of a disabled region, need no render (QEMU update_pending)', () => {
    const { sys, root, io } = setup();
    const box = MemoryRegion.container(sys, null, 'box', 0x10000);
    box.setEnabled(false);
    root.addSubregion(0, box);
    const b = io('b');
    b.setEnabled(false); // renders (QEMU's set_enabled always marks an update)
    const n = sys.renderCount;
    const a = io('a');
    box.addSubregion(0, a); // parent disabled
    box.removeSubregion(a);
    root.addSubregion(0x20000, b); // disabled child
    root.removeSubregion(b);
    expect(sys.renderCount).toBe(n);
  });

  it('transaction(fn) commits even when fn throws, and what was done is rendered', () => {
    const { sys, root, as, io } = setup();
    expect(() =>
      sys.transaction(() => {
        root.addSubregion(0x1000, io('a'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(sys.inTransaction).toBe(false);
    expect(asLines(as)).toEqual(['1000-1fff a']);
  });

  it('commit without begin is an error', () => {
    const { sys } = setup();
    expect(() => sys.commit()).toThrow(/commit without begin/);
  });
});
