// Memory hotplug over QMP and HMP on tcg86: a backend and a DIMM added to a machine stopped with
// -S, then the PAE ROM (roms/dimm-pae.asm) writes, reads back and checksums that memory above
// 4 GiB and prints what QEMU printed for the same QMP sequence (its golden); then device_del
// sends DEVICE_DELETED (tcg86 completes an unplug at once: no ACPI guest to ask), the memory
// reads as unassigned, object-del frees the backend, and QEMU's errors come back for bad requests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, ROOT, type CliProcess } from '../../cli/cli-process.js';
import { QmpClient, startTcg86 } from './qmp-client.js';

let cli: CliProcess;
beforeAll(async () => {
  cli = await cliProcess();
}, 60_000);
afterAll(() => cli?.remove());

describe('memory hotplug', () => {
  it('object-add + device_add before cont: the guest uses the DIMM; device_del, object-del', async () => {
    const sock = path.join(cli.dir, 'hp.sock');
    const dc = path.join(cli.dir, 'dc.txt');
    const vm = startTcg86(cli.cli, [
      '-bios', path.join(ROOT, 'roms/dimm-pae.bin'), '-display', 'none', '-nodefaults', '-S', '-cpu', 'qemu32,+pse36',
      '-m', '64,slots=2,maxmem=1G', '-debugcon', `file:${dc}`, '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
      '-no-reboot', '-no-shutdown', '-qmp', `unix:${sock},server=on,wait=off`,
    ]);
    try {
      const q = await QmpClient.connect(sock);
      await q.negotiate();
      expect(await q.execute('object-add', { 'qom-type': 'memory-backend-ram', id: 'm0', size: 4194304 })).toEqual({ return: {} });
      expect(await q.execute('device_add', { driver: 'pc-dimm', id: 'd0', memdev: 'm0' })).toEqual({ return: {} });
      // QEMU's errors for the same mistakes.
      expect(await q.execute('object-add', { 'qom-type': 'memory-backend-ram', id: 'm0', size: 4194304 })).toEqual({
        error: { class: 'GenericError', desc: "attempt to add duplicate property 'm0' to object (type 'container')" },
      });
      expect(await q.execute('object-add', { 'qom-type': 'memory-backend-ram', id: 'm4', size: '4M' })).toEqual({
        error: { class: 'GenericError', desc: "Parameter 'size' expects uint64" },
      });
      expect(await q.execute('device_add', { driver: 'pc-dimm', id: 'd0', memdev: 'm0' })).toEqual({ error: { class: 'GenericError', desc: "Duplicate device ID 'd0'" } });
      expect(await q.execute('device_add', { driver: 'pc-dimm', id: 'd2', memdev: 'zz' })).toEqual({ error: { class: 'DeviceNotFound', desc: "Device 'zz' not found" } });
      expect(await q.execute('device_add', { driver: 'nodev', id: 'd3' })).toEqual({ error: { class: 'GenericError', desc: "'nodev' is not a valid device model name" } });
      expect(await q.execute('object-del', { id: 'm0' })).toEqual({ error: { class: 'GenericError', desc: "object 'm0' is in use, can not be deleted" } });
      expect((await q.execute('query-memory-devices')).return).toEqual([
        { type: 'dimm', data: { memdev: '/objects/m0', hotplugged: true, addr: 4294967296, hotpluggable: true, size: 4194304, slot: 0, node: 0, id: 'd0' } },
      ]);
      expect(await q.execute('cont')).toEqual({ return: {} });
      // The ROM ends with isa-debug-exit... which ends the run: wait for its output instead.
      const want = fs.readFileSync(path.join(ROOT, 'test/golden/roms/dimm-pae.out'), 'utf8');
      for (let i = 0; i < 400 && !(fs.existsSync(dc) && fs.readFileSync(dc, 'utf8') === want); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.readFileSync(dc, 'utf8')).toBe(want);
      expect(await vm.exited).toBe(1);
    } finally {
      vm.child.kill('SIGKILL');
    }
  }, 60_000);

  it('device_del sends DEVICE_DELETED at once and the range reads as unassigned; HMP does the same', async () => {
    const sock = path.join(cli.dir, 'hp2.sock');
    const vm = startTcg86(cli.cli, [
      '-bios', path.join(ROOT, 'roms/qmp-guest.bin'), '-display', 'none', '-nodefaults', '-cpu', 'qemu32,+pse36',
      '-m', '64,slots=2,maxmem=1G', '-object', 'memory-backend-ram,id=m0,size=2M', '-device', 'pc-dimm,id=d0,memdev=m0',
      '-qmp', `unix:${sock},server=on,wait=off`,
    ]);
    try {
      const q = await QmpClient.connect(sock);
      await q.negotiate();
      const hmp = async (line: string) => (await q.execute('human-monitor-command', { 'command-line': line })).return;
      // Plugged, the range is RAM; unplugged, nothing answers there (QEMU's xp: Cannot access memory).
      expect(await hmp('xp /1wx 0x100000000')).toBe('0000000100000000: 0x00000000\r\n');
      q.sock.write('{"execute":"device_del","arguments":{"id":"d0"}}\n');
      const ev = JSON.parse((await q.next())!) as { event: string; data: unknown };
      expect(ev.event).toBe('DEVICE_DELETED');
      expect(ev.data).toEqual({ device: 'd0', path: '/machine/peripheral/d0' });
      expect(JSON.parse((await q.next())!)).toEqual({ return: {} });
      expect((await q.execute('query-memory-devices')).return).toEqual([]);
      expect(await hmp('xp /1wx 0x100000000')).toBe('0000000100000000: Cannot access memory\r\n');
      expect(await q.execute('device_del', { id: 'd0' })).toEqual({ error: { class: 'DeviceNotFound', desc: "Device 'd0' not found" } });
      expect(await q.execute('object-del', { id: 'm0' })).toEqual({ return: {} });
      expect(await q.execute('object-del', { id: 'm0' })).toEqual({ error: { class: 'GenericError', desc: "object 'm0' not found" } });
      // HMP: the same operations with QEMU's syntax and "Error: ..." lines.
      expect(await hmp('object_add memory-backend-ram,id=h1,size=2M')).toBe('');
      expect(await hmp('device_add pc-dimm,id=hd,memdev=h1')).toBe('');
      expect(await hmp('device_add pc-dimm,id=hd,memdev=h1')).toBe("Error: Duplicate device ID 'hd'\r\n");
      expect(await hmp('device_del nope')).toBe("Error: Device 'nope' not found\r\n");
      expect(await hmp('object_del h1')).toBe("Error: object 'h1' is in use, can not be deleted\r\n");
      expect(await hmp('info memory-devices')).toBe(
        'Memory device [dimm]: "hd"\r\n  addr: 0x100000000\r\n  slot: 0\r\n  node: 0\r\n  size: 2097152\r\n  memdev: /objects/h1\r\n  hotplugged: true\r\n  hotpluggable: true\r\n',
      );
      expect((await q.execute('query-status')).return).toEqual({ status: 'running', singlestep: false, running: true });
      expect((await q.execute('quit')).return).toEqual({});
      expect(await vm.exited).toBe(0);
    } finally {
      vm.child.kill('SIGKILL');
    }
  }, 60_000);
});
