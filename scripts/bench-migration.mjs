// `npm run bench:migration` (also run at the end of `npm run bench` without --only): live migration of a 256 MiB
// guest over loopback TCP, idle and dirtying 10 MiB per guest second (roms/bench-mig-*.bin), on
// tcg86 and on QEMU in the same run, both driven through the same HMP commands (migrate -d,
// info migrate). Prints total time, downtime, transferred MB, throughput, dirty sync count.
// Options: --engines tcg86,qemu  --timeout SECONDS (per migration, default 120).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const engines = opt('--engines', 'tcg86,qemu').split(',');
const timeoutMs = Number(opt('--timeout', '120')) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function command(engine) {
  if (engine === 'qemu') {
    const have = spawnSync('qemu-system-i386', ['--version'], { encoding: 'utf8' });
    return have.status === 0 ? ['qemu-system-i386'] : null;
  }
  const bundle = join(root, 'dist', 'tcg86.js');
  return existsSync(bundle) ? [process.execPath, bundle] : null;
}

function field(text, re) {
  const all = [...text.matchAll(new RegExp(re, 'g'))];
  return all.length ? all[all.length - 1][1] : null;
}

async function migrate(engine, rom) {
  const cmd = command(engine);
  if (!cmd) return { error: `${engine} not available` };
  const base = ['-bios', join(root, 'roms', `${rom}.bin`), '-m', '256', '-display', 'none', '-serial', 'none', '-no-reboot'];
  const port = await freePort();
  const dst = spawn(cmd[0], [...cmd.slice(1), ...base, '-monitor', 'none', '-incoming', `tcp:127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let dstErr = '';
  dst.stderr.on('data', (d) => (dstErr += d));
  const src = spawn(cmd[0], [...cmd.slice(1), ...base, '-monitor', 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  src.stdout.on('data', (d) => (out += d.toString('latin1')));
  src.stderr.on('data', (d) => (out += d.toString('latin1')));
  try {
    await sleep(4000); // let the guest run and the destination listen (a probe would take its one connection)
    src.stdin.write('migrate_set_parameter downtime-limit 300\n');
    src.stdin.write(`migrate -d tcp:127.0.0.1:${port}\n`);
    const t0 = Date.now();
    for (;;) {
      await sleep(200);
      src.stdin.write('info migrate\n');
      const status = field(out, /Migration status: (\w+)/);
      if (status === 'completed' || status === 'failed') break;
      if (Date.now() - t0 > timeoutMs) return { error: `no completion in ${timeoutMs / 1000} s (status ${status}): ${dstErr.trim()}` };
    }
    await sleep(300);
    const status = field(out, /Migration status: (\w+)/);
    if (status !== 'completed') return { error: `status ${status} ${field(out, /Migration status: failed \((.*)\)/) ?? ''} ${dstErr.trim()}` };
    const kb = Number(field(out, /transferred ram: (\d+) kbytes/));
    const totalMs = Number(field(out, /total time: (\d+) ms/));
    return {
      totalMs,
      downtimeMs: Number(field(out, /\ndowntime: (\d+) ms/)),
      transferredMB: kb / 1024,
      throughputMBs: kb / 1024 / (totalMs / 1000),
      syncs: Number(field(out, /dirty sync count: (\d+)/)),
      perIteration: field(out, /pages per iteration: ([\d ]+)/),
    };
  } finally {
    src.stdin.write('quit\n');
    await sleep(200);
    src.kill('SIGKILL');
    dst.kill('SIGKILL');
  }
}

const rows = [];
for (const rom of ['bench-mig-idle', 'bench-mig-dirty']) {
  for (const engine of engines) {
    process.stderr.write(`migration bench: ${rom} on ${engine}...\n`);
    rows.push({ rom, engine, ...(await migrate(engine, rom)) });
  }
}
console.log('\nLive migration, 256 MiB guest, loopback TCP, downtime-limit 300 ms, max-bandwidth 128 MiB/s');
console.log('guest            engine  total ms  downtime ms  sent MB  MB/s    syncs  pages per iteration');
for (const r of rows) {
  if (r.error) {
    console.log(`${r.rom.padEnd(16)} ${r.engine.padEnd(7)} ${r.error}`);
    continue;
  }
  console.log(
    `${r.rom.padEnd(16)} ${r.engine.padEnd(7)} ${String(r.totalMs).padStart(8)}  ${String(r.downtimeMs).padStart(11)}  ${r.transferredMB.toFixed(1).padStart(7)}  ${r.throughputMBs.toFixed(1).padStart(6)}  ${String(r.syncs).padStart(5)}  ${r.perIteration ?? '-'}`,
  );
}
