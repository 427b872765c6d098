// -smp N on the pc machine: after reset the APs wait for a start-up IPI (bare -bios and
// multiboot -kernel alike) with QEMU's APIC state; the round-robin schedule is a function of the
// command line only (the same run twice retires the same instructions on every vCPU); fw_cfg
// and CMOS report the count; a live migration in the middle of an SMP ROM goes on where it was.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { MemoryCharBackend } from '../../src/devices/chardev.js';
import { PcMachine } from '../../src/machine/pc.js';
import { golden, romCommandLine, runRom } from '../roms/rom-runner.js';
import { machine, run } from '../migration/helpers.js';
import { setParam } from '../../src/migration/params.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Make APIC register accesses from the host go to CPU i's APIC, as if CPU i were running. */
function asCpu(m: PcMachine, i: number): void {
  (m as unknown as { apicBus: { current: unknown } }).apicBus.current = m.apics[i];
}

function fwCfgWord(m: PcMachine, key: number): number {
  m.io.stw(0x510, key);
  return m.io.ldub(0x511) | (m.io.ldub(0x511) << 8);
}

describe('-smp', () => {
  it('APs start halted, waiting for SIPI, with APIC ID = index and no BSP flag; fw_cfg and CMOS count them', () => {
    const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/smp-ipi.bin'), '-smp', '4', '-display', 'none', '-nodefaults']));
    try {
      expect(m.cpus.map((c) => [c.cpuIndex, c.halted, c.waitForSipi])).toEqual([
        [0, false, false],
        [1, true, true],
        [2, true, true],
        [3, true, true],
      ]);
      expect(m.apics.map((a) => a.id)).toEqual([0, 1, 2, 3]);
      expect(m.cpus.map((c) => (c.apicBase >>> 0).toString(16))).toEqual(['fee00900', 'fee00800', 'fee00800', 'fee00800']);
      expect(fwCfgWord(m, 0x05)).toBe(4); // FW_CFG_NB_CPUS
      expect(fwCfgWord(m, 0x0f)).toBe(4); // FW_CFG_MAX_CPUS
      m.io.stb(0x70, 0x5f);
      expect(m.io.ldub(0x71)).toBe(3); // CMOS_BIOS_SMP_COUNT: APs
    } finally {
      m.shutdown();
    }
  });

  it('a multiboot -kernel runs on the BSP while the AP waits for SIPI, as on QEMU', async () => {
    const id = 'kernels/mbkernel-elf';
    const out = new MemoryCharBackend();
    const m = new PcMachine(parseArgs([...romCommandLine(id, 'tcg'), '-smp', '2']), { chardevOverride: (_i, kind) => (kind === 'stdio' ? out : null) });
    try {
      const want = golden(id);
      expect(await m.run(100_000_000)).toBe(want.status);
      expect(out.text()).toBe(want.output);
      expect(m.cpus[1]!.waitForSipi).toBe(true);
      expect(m.cpus[1]!.icount).toBe(0);
    } finally {
      m.shutdown();
    }
  });

  it('the interleaving depends on the command line only: two runs retire the same instructions per vCPU', async () => {
    const a = await runRom('roms/smp-ipi', 'tcg');
    const b = await runRom('roms/smp-ipi', 'tcg');
    expect(a.perCpu.every((n) => n > 0)).toBe(true);
    expect(b.perCpu).toEqual(a.perCpu);
    expect(b.output).toBe(a.output);
  });

  it('a live migration in the middle of smp-ipi continues every vCPU where it was', async () => {
    const small = ['-m', '16', '-icount', 'shift=10']; // 1 us per instruction: migration passes end within the ROM
    const r = machine('smp-ipi', 'tcg', small);
    const refStatus = await run(r);
    const ref = { status: refStatus, output: r.out.text(), perCpu: r.m.cpus.map((c) => c.icount), total: r.m.totalIcount };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-smp-mig-'));
    const file = path.join(dir, 'smp.mig');
    try {
      const src = machine('smp-ipi', 'tcg', small);
      const mig = src.m.migration;
      // Guest time as the migration clock and room enough to finish in one pass: repeatable.
      mig.now = () => src.m.clock.nowNs / 1e6;
      setParam(mig.params, 'max-bandwidth', '10G');
      setParam(mig.params, 'downtime-limit', '100000');
      src.m.migrateAt = { insn: Math.floor(ref.total / 2), uri: `file:${file}` };
      expect(await run(src)).toBe(0);
      expect(mig.status).toBe('completed');
      const dst = machine('smp-ipi', 'tcg', small);
      dst.m.startIncoming(`file:${file}`);
      expect(await run(dst)).toBe(ref.status);
      expect(src.out.text() + dst.out.text()).toBe(ref.output);
      expect(dst.out.text().length, 'the destination printed the rest').toBeGreaterThan(0);
      expect(dst.m.cpus.every((c, i) => c.icount > 0 && c.icount < ref.perCpu[i]! + 1)).toBe(true);
      expect(dst.m.cpus.map((c) => c.icount)).toEqual(ref.perCpu);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('an INIT to the BSP restarts it at the reset vector (QEMU\'s do_cpu_init); a hostile ICR storm cannot throw', async () => {
    const out = new MemoryCharBackend();
    const m = new PcMachine(parseArgs([...romCommandLine('roms/smp-ipi', 'tcg'), '-smp', '4']), { chardevOverride: (_i, kind) => (kind === 'stdio' ? out : null) });
    try {
      expect(await m.runUntil(60_000)).toBeNull();
      expect(out.text()).toContain('smp-ipi: start\n');
      // As the running CPU (between slices: CPU 0's page), INIT to self: taken at the turn's end.
      asCpu(m, 0);
      m.memory.stl(0xfee00300, 0x00044500);
      expect(await m.runUntil(m.totalEvents + 1)).toBeNull();
      expect(m.cpu.segBase[1]! >>> 0).toBe(0xffff0000);
      // The ROM starts over, restarts the APs and finishes again.
      expect(await m.run(100_000_000)).toBe(1);
      expect(out.text().split('smp-ipi: start').length - 1, out.text()).toBe(2);
      expect(out.text().endsWith('smp-ipi done\n')).toBe(true);
      // Every ICR mode, shorthand and destination form from every CPU: no host exception.
      for (let cpu = 0; cpu < 4; cpu++) {
        asCpu(m, cpu);
        for (let lo = 0; lo < 0x100000; lo += 0x1f31) {
          m.memory.stl(0xfee00310, (lo * 0x9e3779b1) >>> 0);
          m.memory.stl(0xfee00300, lo);
        }
      }
      await m.runUntil(m.totalEvents + 200_000);
    } finally {
      m.shutdown();
    }
  });
});
