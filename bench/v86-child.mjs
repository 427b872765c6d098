// Child of run-v86.mjs: boots a ROM as v86's BIOS, copies port 0xE9 to stdout; a write to port
// 0xF4 (isa-debug-exit) prints `V86BENCH {json}` on stderr and exits with status (value << 1) | 1.
// Usage: node v86-child.mjs ROM MEM_BYTES LIBV86_MJS V86_WASM [CMDLINE]: with CMDLINE, ROM is a
// multiboot kernel that v86 loads itself (no BIOS), handing it CMDLINE.
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [rom, memArg, lib, wasm, cmdline] = process.argv.slice(2);
const tImport = performance.now();
const { V86 } = await import(pathToFileURL(lib).href);
const image = readFileSync(rom);
const imageBuffer = image.buffer.slice(image.byteOffset, image.byteOffset + image.length);
const out = [];
let tRun = 0;

function report(extra) {
  writeSync(1, Buffer.from(out));
  writeSync(2, `V86BENCH ${JSON.stringify({ runMs: performance.now() - tRun, initMs: tRun - tImport, ...extra })}\n`);
}

const emulator = new V86({
  wasm_path: wasm,
  ...(cmdline === undefined ? { bios: { buffer: imageBuffer } } : { multiboot: { buffer: imageBuffer }, cmdline }),
  memory_size: Number(memArg),
  autostart: false,
  disable_keyboard: true,
  disable_mouse: true,
  disable_speaker: true,
  log_level: 0,
});

emulator.add_listener('emulator-ready', () => {
  const cpu = emulator.v86?.cpu;
  if (!cpu?.io?.register_write) {
    writeSync(2, 'V86BENCH {"error":"v86 internal API emulator.v86.cpu.io.register_write not found"}\n');
    process.exit(98);
  }
  const device = { name: 'tcg86-bench' };
  // v86 registers 0xE9 as a no-op sink; replacing the handler captures the debugcon bytes.
  cpu.io.register_write(0xe9, device, (b) => void out.push(b & 0xff));
  const exit = (v) => {
    report({ icount: emulator.get_instruction_counter(), value: v });
    process.exit(((v & 0xff) << 1) | 1);
  };
  cpu.io.register_write(0xf4, device, exit, exit, exit);
  tRun = performance.now();
  emulator.run();
});
