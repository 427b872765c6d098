// Pre-copy really iterates: with a bandwidth limit (measured in guest time here, so the run is
// repeatable) the guest keeps running while pages are sent, pages it dirties meanwhile are sent
// again, pages never touched are sent once, zero pages cost a flag; `info migrate` shows it.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMigrationInfo } from '../../src/migration/migration-info.js';
import { setParam } from '../../src/migration/params.js';
import { machine, reference, run } from './helpers.js';

const SLOW = ['-icount', 'shift=7']; // 128 guest ns per instruction: the ROM lasts ~0.5 guest s
const HOT = 0x100000;
const COLD = 0x200000;
const UNTOUCHED = 0x800000;

describe('pre-copy', () => {
  it('iterates under a bandwidth limit, resending dirtied pages only', async () => {
    const ref = await reference('migrate-dirty', 'tcg', SLOW);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'precopy.mig');
    const src = machine('migrate-dirty', 'tcg', SLOW);
    const mig = src.m.migration;
    mig.now = () => src.m.clock.nowNs / 1e6;
    setParam(mig.params, 'max-bandwidth', '2M');
    setParam(mig.params, 'downtime-limit', '10');
    src.m.migrateAt = { insn: 500_000, uri: `file:${file}` };
    expect(await run(src)).toBe(0);
    expect(mig.status).toBe('completed');
    const ram = mig.ram!;
    expect(ram.syncCount, 'setup sync, iteration syncs, final sync').toBeGreaterThan(3);
    expect(mig.pagesPerIteration.length).toBeGreaterThan(2);
    expect(ram.timesSent('pc.ram', HOT), 'a hot page is sent again').toBeGreaterThan(1);
    expect(ram.timesSent('pc.ram', COLD + 0x8000), 'a cold page is sent once').toBe(1);
    expect(ram.timesSent('pc.ram', UNTOUCHED), 'an untouched page is sent once').toBe(1);
    // 16 MiB of RAM and 16 MiB of video RAM, nearly all zero: flags, not pages.
    expect(ram.zeroPages).toBeGreaterThan(8000);
    expect(ram.normalPages).toBeLessThan(400);
    const size = fs.statSync(file).size;
    expect(size, 'the stream is about the data pages, not the zero ones').toBeLessThan(ram.normalPages * 4200 + ram.zeroPages * 8 + 100_000);
    const info = formatMigrationInfo(mig);
    expect(info).toContain('Migration status: completed\n');
    expect(info).toContain(`dirty sync count: ${ram.syncCount}\n`);
    expect(info).toContain(`duplicate: ${ram.zeroPages} pages\n`);
    expect(info).toContain(`normal: ${ram.normalPages} pages\n`);
    expect(info).toMatch(/\ndowntime: \d+ ms\n/);

    const dst = machine('migrate-dirty', 'tcg', SLOW);
    dst.m.startIncoming(`file:${file}`);
    expect(await run(dst)).toBe(ref.status);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dst.m.cpu.icount).toBe(ref.icount);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('never converges under a zero downtime limit: it iterates until cancelled', async () => {
    const ref = await reference('migrate-dirty', 'tcg', SLOW);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'never.mig');
    const src = machine('migrate-dirty', 'tcg', SLOW);
    const mig = src.m.migration;
    mig.now = () => src.m.clock.nowNs / 1e6;
    setParam(mig.params, 'max-bandwidth', '8M');
    setParam(mig.params, 'downtime-limit', '0');
    src.m.migrateAt = { insn: 300_000, uri: `file:${file}` };
    // The ROM ends while the migration still iterates; the guest was never stopped.
    expect(await run(src)).toBe(ref.status);
    expect(mig.status).toBe('active');
    expect(mig.ram!.syncCount).toBeGreaterThan(5);
    expect(formatMigrationInfo(mig)).toMatch(/Migration status: active\ntotal time: \d+ ms\nexpected downtime: \d+ ms\n/);
    expect(src.out.text()).toBe(ref.output);
    expect(src.m.cpu.icount).toBe(ref.icount);
    mig.cancel();
    expect(mig.status).toBe('cancelled');
    expect(src.m.sys.globalDirtyTracking).toBe(false);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('auto-converge throttles a guest that dirties faster than the link: slices go to the migration', async () => {
    const ref = await reference('migrate-dirty', 'tcg', SLOW);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'throttle.mig');
    const src = machine('migrate-dirty', 'tcg', SLOW);
    const mig = src.m.migration;
    mig.now = () => src.m.clock.nowNs / 1e6;
    setParam(mig.params, 'max-bandwidth', '8M');
    setParam(mig.params, 'downtime-limit', '0');
    setParam(mig.params, 'max-cpu-throttle', '50'); // one skipped slice per slice run at most
    mig.caps.autoConverge = true;
    src.m.migrateAt = { insn: 300_000, uri: `file:${file}` };
    let maxThrottle = 0;
    const timer = setInterval(() => (maxThrottle = Math.max(maxThrottle, mig.throttlePercent)), 1);
    expect(await run(src)).toBe(ref.status);
    clearInterval(timer);
    expect(mig.throttleSteps, 'auto-converge raised the throttle').toBeGreaterThan(1);
    expect(maxThrottle).toBeGreaterThanOrEqual(20);
    expect(formatMigrationInfo(mig)).toContain(`cpu throttle percentage: ${mig.throttlePercent}\n`);
    // Throttling costs the guest host time, never guest-visible behaviour.
    expect(src.out.text()).toBe(ref.output);
    expect(src.m.cpu.icount).toBe(ref.icount);
    mig.cancel();
    expect(mig.throttlePercent).toBe(0);
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
