// A failed migration leaves the source's guest running (same output and status as a run that
// never migrated), records why with status "failed", and a new migration can start after it.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, machine, reference, run } from './helpers.js';


describe('a failed migration', () => {
  it('connection refused: the guest runs on; a second migrate (to a file) completes', async () => {
    const ref = await reference('migrate-dirty', 'tcg');
    const port = await freePort();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-mig-')), 'retry.mig');
    const src = machine('migrate-dirty', 'tcg');
    src.m.migrateAt = { insn: 300_000, uri: `tcp:127.0.0.1:${port}` };
    let failure = '';
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      failure += s;
      // Told of the failure: ask for another migration (to a file) a little later.
      if (s.includes('migration failed')) src.m.migrateAt = { insn: src.m.cpu.icount + 50_000, uri: `file:${file}` };
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await run(src)).toBe(0);
    } finally {
      process.stderr.write = origWrite;
    }
    expect(failure).toMatch(/^tcg86: migration failed: cannot connect to 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect(src.m.migration.status).toBe('completed');
    const dst = machine('migrate-dirty', 'tcg');
    dst.m.startIncoming(`file:${file}`);
    expect(await run(dst)).toBe(ref.status);
    expect(src.out.text() + dst.out.text()).toBe(ref.output);
    expect(dst.m.cpu.icount).toBe(ref.icount);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('the destination refuses (another RAM size): the source keeps running to the end', async () => {
    const ref = await reference('migrate-dirty', 'tcg');
    const port = await freePort();
    const dst = machine('migrate-dirty', 'tcg', ['-m', '32']);
    let dstError = '';
    const origWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => ((dstError += s), true)) as typeof process.stderr.write;
    try {
      dst.m.startIncoming(`tcp:127.0.0.1:${port}`);
      const src = machine('migrate-dirty', 'tcg');
      src.m.migrateAt = { insn: 300_000, uri: `tcp:127.0.0.1:${port}` };
      const [srcStatus, dstStatus] = await Promise.all([run(src), run(dst)]);
      expect(dstStatus).toBe(1);
      expect(srcStatus).toBe(ref.status);
      expect(src.out.text()).toBe(ref.output);
      expect(src.m.cpu.icount).toBe(ref.icount);
      expect(src.m.migration.status).toBe('failed');
      expect(src.m.migration.error).toMatch(/the destination refused the stream: ERR RAMBlock 'pc.ram' is 16777216 bytes in the stream but 33554432 here/);
    } finally {
      process.stderr.write = origWrite;
    }
    expect(dstError).toContain("tcg86: incoming migration refused: RAMBlock 'pc.ram' is 16777216 bytes in the stream but 33554432 here (RAM sizes differ)\n");
  });

  it('the peer closes in the middle of the stream: failed, the guest runs on', async () => {
    const ref = await reference('migrate-dirty', 'tcg');
    const server = net.createServer((s) => {
      let got = 0;
      s.on('data', (d) => {
        got += d.length;
        if (got > 20_000) s.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const src = machine('migrate-dirty', 'tcg');
    src.m.migrateAt = { insn: 300_000, uri: `tcp:127.0.0.1:${port}` };
    const origWrite = process.stderr.write.bind(process.stderr);
    let log = '';
    process.stderr.write = ((s: string) => ((log += s), true)) as typeof process.stderr.write;
    try {
      expect(await run(src)).toBe(ref.status);
    } finally {
      process.stderr.write = origWrite;
      server.close();
    }
    expect(src.out.text()).toBe(ref.output);
    expect(src.m.cpu.icount).toBe(ref.icount);
    expect(src.m.migration.status).toBe('failed');
    expect(log).toMatch(/tcg86: migration failed: (the destination closed the connection( before accepting the stream)?|write error: .*)\n/);
  });
});
