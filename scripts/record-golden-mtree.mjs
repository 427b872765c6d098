// record-golden-mtree.mjs: record QEMU's `info mtree` and `info mtree -f` for the machine
// states listed in test/golden/mtree/vga-states.json (port writes done through the monitor
// while the CPU is stopped), into test/golden/mtree/NAME.txt. Needs qemu-system-i386.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const gold = path.join(root, 'test/golden/mtree');
const qemu = process.env.QEMU ?? 'qemu-system-i386';
const { states } = JSON.parse(fs.readFileSync(path.join(gold, 'vga-states.json'), 'utf8'));
const only = process.argv.slice(2);

/** Run HMP commands through QMP (clean output, no line editing) and return their outputs. */
async function hmp(commands) {
  const child = spawn(qemu, ['-bios', path.join(root, 'roms/vga.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'none', '-S', '-qmp', 'stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const reply = async () => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('QEMU closed its QMP connection');
      const msg = JSON.parse(value);
      if ('error' in msg) throw new Error(`QMP error: ${JSON.stringify(msg.error)}`);
      if ('return' in msg) return msg.return;
    }
  };
  const send = (obj) => {
    child.stdin.write(JSON.stringify(obj) + '\n');
    return reply();
  };
  await lines.next(); // greeting
  await send({ execute: 'qmp_capabilities' });
  const out = [];
  for (const c of commands) out.push(await send({ execute: 'human-monitor-command', arguments: { 'command-line': c } }));
  await send({ execute: 'quit' }).catch(() => {});
  return out;
}

for (const st of states) {
  if (only.length && !only.includes(st.name)) continue;
  const suffix = { 1: 'b', 2: 'h', 4: 'w' };
  const writes = st.writes.map(([size, port, value]) => `o /${suffix[size]} 0x${port.toString(16)} 0x${value.toString(16)}`);
  const out = await hmp([...writes, 'info mtree', 'info mtree -f']);
  // HMP output comes with CRLF line ends.
  const [tree, flat] = out.slice(writes.length).map((t) => t.replace(/\r\n/g, '\n'));
  fs.writeFileSync(path.join(gold, `${st.name}.txt`), `## info mtree\n${tree}## info mtree -f\n${flat}`);
  console.log(`record-golden-mtree: ${st.name}: ${tree.split('\n').length + flat.split('\n').length} lines`);
}
