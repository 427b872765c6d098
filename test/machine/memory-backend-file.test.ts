// memory-backend-file against QEMU 7.2 (test/golden/memory/file-*.txt, recorded by
// scripts/record-golden-memory.mjs in a fresh directory written @DIR@): its errors, `info memdev`
// and `info memory-devices`, the files it creates; then tcg86's write-back: only the pages
// dirtied since the last one, through the backend's own dirty client, with a journal that a
// crash leaves replayable (whole) or discardable (torn), and share=off never touching the file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { MachineError, PcMachine } from '../../src/machine/pc.js';
import { formatMemdevs, formatMemoryDevices, memdevList } from '../../src/machine/memory-devices.js';
import { journalPath, writeJournal } from '../../src/machine/memfile-journal.js';
import { DIRTY_MEMORY_BACKEND, DIRTY_MEMORY_MIGRATION, DIRTY_MEMORY_VGA } from '../../src/memory/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GOLD = path.join(ROOT, 'test/golden/memory');
const cases = JSON.parse(fs.readFileSync(path.join(GOLD, 'cases.json'), 'utf8')) as {
  fileSetup: Record<string, number>;
  fileErrors: string[];
  fileInfo: string[];
};
const BASE = ['-bios', path.join(ROOT, 'roms/demo.bin'), '-display', 'none', '-nodefaults', '-monitor', 'none'];

const dirs: string[] = [];
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-memfile-'));
  dirs.push(dir);
  for (const [name, size] of Object.entries(cases.fileSetup)) fs.writeFileSync(path.join(dir, name), Buffer.alloc(size));
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const machineFor = (a: string, dir: string) => new PcMachine(parseArgs([...BASE, ...a.replaceAll('@DIR@', dir).split(' ')]));

describe('memory-backend-file against QEMU 7.2', () => {
  const recs = fs.readFileSync(path.join(GOLD, 'file-errors.txt'), 'utf8').split(/^## /m).slice(1);
  it.each(cases.fileErrors.map((a, i) => [a, recs[i]!] as const))('%s', (a, rec) => {
    const [head, status, ...rest] = rec.split('\n');
    expect(head).toBe(a);
    expect(status).toBe('status 1');
    const dir = freshDir();
    let got = '';
    try {
      machineFor(a, dir).shutdown();
    } catch (e) {
      if (!(e instanceof UsageError) && !(e instanceof MachineError)) throw e;
      got = e.message;
    }
    expect(got).toBe(rest.join('\n').trim().replace(/^QEMU: /, '').replaceAll('@DIR@', dir));
  });

  it.each(cases.fileInfo.map((a, i) => [a, i] as const))('info memory-devices / info memdev / files: %s', (a, i) => {
    const rec = fs.readFileSync(path.join(GOLD, `file-info-${i}.txt`), 'utf8');
    const [devices, memdev] = rec.slice(rec.indexOf('\n') + 1).split(/^## /m).slice(1);
    const files = rec.slice(rec.lastIndexOf('## files\n') + '## files\n'.length);
    const dir = freshDir();
    const machine = machineFor(a, dir);
    try {
      expect(formatMemoryDevices(machine.memoryDevices).trim()).toBe(devices!.trim());
      const blocks = (t: string) => t.split(/(?=^memory backend: )/m).map((b) => b.trim()).sort();
      expect(blocks(formatMemdevs(memdevList(machine.memoryDevices, machine.config.ramSize)))).toEqual(blocks(memdev!));
    } finally {
      machine.shutdown();
    }
    // The files QEMU leaves: created at the size, a directory's temp file unlinked.
    const ours = fs.readdirSync(dir).sort().map((f) => `${f} ${fs.statSync(path.join(dir, f)).size}`).join('\n');
    expect(ours).toBe(files.trim());
  });
});

describe('write-back', () => {
  const dimmArgs = (file: string, extra = '') =>
    `-m 64,slots=2,maxmem=1G -object memory-backend-file,id=m0,size=4M,mem-path=${file}${extra} -device pc-dimm,id=d0,memdev=m0`;

  it('writes back exactly the dirtied pages, with its own dirty bits only', () => {
    const dir = freshDir();
    const file = path.join(dir, 'm0');
    const seed = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < seed.length; i += 4096) seed.writeUInt32LE(0x1000 + i / 4096, i);
    fs.writeFileSync(file, seed);
    const m = machineFor(dimmArgs(file, ',share=on,sync-interval-ms=0'), dir);
    try {
      const d = m.memoryDevices.dimms[0]!;
      // Loaded from the file.
      expect(m.memory.ldl(d.addr + 5 * 4096)).toBe(0x1005);
      const block = d.memdev.region.ramBlock!;
      expect(m.sys.dirty.get(block.offset, 4 * 1024 * 1024, DIRTY_MEMORY_BACKEND), 'clean after loading').toBe(false);
      expect(m.memoryDevices.syncBackends()).toBe(0);
      m.memory.stl(d.addr + 7 * 4096 + 8, 0xfeedf00d);
      m.memory.stl(d.addr + 9 * 4096, 0x12345678);
      const migBefore = m.sys.dirty.get(block.offset + 7 * 4096, 4096, DIRTY_MEMORY_MIGRATION);
      const vgaBefore = m.sys.dirty.get(block.offset + 7 * 4096, 4096, DIRTY_MEMORY_VGA);
      expect(m.memoryDevices.syncBackends('m0')).toBe(2);
      // The other clients keep their bits; the backend's are clear.
      expect(m.sys.dirty.get(block.offset + 7 * 4096, 4096, DIRTY_MEMORY_MIGRATION)).toBe(migBefore);
      expect(m.sys.dirty.get(block.offset + 7 * 4096, 4096, DIRTY_MEMORY_VGA)).toBe(vgaBefore);
      expect(m.sys.dirty.get(block.offset, 4 * 1024 * 1024, DIRTY_MEMORY_BACKEND)).toBe(false);
      const now = fs.readFileSync(file);
      expect(now.readUInt32LE(7 * 4096 + 8)).toBe(0xfeedf00d);
      expect(now.readUInt32LE(9 * 4096)).toBe(0x12345678);
      expect(now.readUInt32LE(8 * 4096)).toBe(0x1008);
      expect(fs.existsSync(journalPath(file)), 'the journal is gone after a write-back').toBe(false);
      expect(m.memoryDevices.syncBackends()).toBe(0);
      m.memory.stl(d.addr + 100 * 4096, 0xabcdef01);
    } finally {
      m.shutdown(); // the last write-back
    }
    expect(fs.readFileSync(file).readUInt32LE(100 * 4096)).toBe(0xabcdef01);
  });

  it('share=off loads the file and never writes it', () => {
    const dir = freshDir();
    const file = path.join(dir, 'm0');
    const seed = Buffer.alloc(4 * 1024 * 1024, 0x5a);
    fs.writeFileSync(file, seed);
    const m = machineFor(dimmArgs(file, ',share=off'), dir);
    try {
      const d = m.memoryDevices.dimms[0]!;
      expect(m.memory.ldl(d.addr)).toBe(0x5a5a5a5a);
      m.memory.stl(d.addr, 0);
      expect(m.memoryDevices.syncBackends()).toBe(0);
    } finally {
      m.shutdown();
    }
    expect(fs.readFileSync(file).equals(seed)).toBe(true);
  });

  it('replays a whole journal left by a crash and discards a torn one', () => {
    const dir = freshDir();
    const file = path.join(dir, 'm0');
    fs.writeFileSync(file, Buffer.alloc(4 * 1024 * 1024));
    const ram = new Uint8Array(4 * 1024 * 1024);
    ram.fill(0x11, 3 * 4096, 4 * 4096);
    ram.fill(0x22, 4 * 4096, 5 * 4096);
    ram.fill(0x33, 9 * 4096, 10 * 4096);
    writeJournal(file, Uint32Array.of(3, 4, 9), 3, ram, 0);
    const whole = fs.readFileSync(journalPath(file));
    // Torn: cut anywhere, or one byte changed; the file stays as it was and the journal goes.
    for (const cut of [10, 40, whole.length - 5000, whole.length - 1]) {
      fs.writeFileSync(journalPath(file), whole.subarray(0, cut));
      const reports: string[] = [];
      const m = machineFor(dimmArgs(file, ',share=on'), dir);
      m.memoryDevices.report = (l) => reports.push(l);
      m.shutdown();
      expect(fs.existsSync(journalPath(file))).toBe(false);
      expect(fs.readFileSync(file).every((b) => b === 0), `cut at ${cut}`).toBe(true);
    }
    const flipped = Buffer.from(whole);
    flipped[100]! ^= 1;
    fs.writeFileSync(journalPath(file), flipped);
    machineFor(dimmArgs(file, ',share=on'), dir).shutdown();
    expect(fs.readFileSync(file).every((b) => b === 0)).toBe(true);
    // share=off sees a whole journal's pages but leaves file and journal alone.
    fs.writeFileSync(journalPath(file), whole);
    const off = machineFor(dimmArgs(file, ''), dir);
    try {
      const d = off.memoryDevices.dimms[0]!;
      expect(off.memory.ldl(d.addr + 4 * 4096)).toBe(0x22222222);
    } finally {
      off.shutdown();
    }
    expect(fs.readFileSync(file).every((b) => b === 0)).toBe(true);
    // share=on replays it into the file.
    const on = machineFor(dimmArgs(file, ',share=on'), dir);
    on.shutdown();
    expect(fs.existsSync(journalPath(file))).toBe(false);
    const after = fs.readFileSync(file);
    expect(after.subarray(3 * 4096, 10 * 4096).equals(Buffer.from(ram.subarray(3 * 4096, 10 * 4096)))).toBe(true);
  });

  it('object_add / memdev_sync from the monitor, and object_del writes back before it goes', async () => {
    const { runCommand } = await import('../../src/monitor/commands.js');
    const dir = freshDir();
    const file = path.join(dir, 'hot');
    const m = machineFor('-m 64,slots=2,maxmem=1G', dir);
    const out: string[] = [];
    const ctx = { machine: m, print: (t: string) => out.push(t) } as unknown as Parameters<typeof runCommand>[0];
    try {
      runCommand(ctx, `object_add memory-backend-file,id=h,size=2M,mem-path=${file},share=on`);
      runCommand(ctx, 'device_add pc-dimm,id=dh,memdev=h');
      expect(out.join('')).toBe('');
      const d = m.memoryDevices.dimms[0]!;
      m.memory.stl(d.addr + 4096, 0x600dcafe);
      runCommand(ctx, 'memdev_sync h');
      expect(fs.readFileSync(file).readUInt32LE(4096)).toBe(0x600dcafe);
      runCommand(ctx, 'memdev_sync nope');
      expect(out.join('')).toBe("Error: memory backend 'nope' not found\n");
      m.memory.stl(d.addr + 8192, 0x0badf00d);
      runCommand(ctx, 'device_del dh');
      runCommand(ctx, 'object_del h');
      expect(fs.readFileSync(file).readUInt32LE(8192)).toBe(0x0badf00d);
    } finally {
      m.shutdown();
    }
  });
});

describe('write-back before a migration completes', () => {
  it.each(['interp', 'tcg'] as const)('the file holds the guest RAM of the switch-over (%s)', async (engine) => {
    const { MemoryCharBackend } = await import('../../src/devices/chardev.js');
    const dir = freshDir();
    const file = path.join(dir, 'guest.ram');
    const out = new MemoryCharBackend();
    const args = [
      '-bios', path.join(ROOT, 'roms/memfile-gen.bin'), '-nographic', '-serial', 'none', '-monitor', 'none', '-debugcon', 'stdio',
      '--engine', engine, '-m', '8', '-machine', 'memory-backend=ram',
      // No periodic write-back: only the migration's can have written the file before shutdown.
      '-object', `memory-backend-file,id=ram,size=8M,mem-path=${file},share=on,sync-interval-ms=0`,
    ];
    const m = new PcMachine(parseArgs(args), { chardevOverride: (_id, kind) => (kind === 'stdio' ? out : null) });
    try {
      // Stopped (so the stream converges at once), then migrated: the switch-over writes back.
      expect(await m.runUntil(300_000)).toBeNull();
      m.stop();
      m.migration.start(`file:${path.join(dir, 'snap.mig')}`);
      expect(await m.run(50_000_000)).toBe(0);
      expect(m.migration.status).toBe('completed');
      expect(out.text()).toContain('memfile-gen: writing\n');
      const ram = m.sys.ramList.findByIdstr('ram')!.host.subarray(0, 8 * 1024 * 1024);
      const disk = fs.readFileSync(file);
      expect(disk.readUInt32LE(0x100000), 'generations were written').toBeGreaterThan(0);
      expect(disk.equals(Buffer.from(ram)), 'the file is the RAM the destination got').toBe(true);
    } finally {
      m.shutdown();
    }
  });
});
