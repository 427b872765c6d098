// The VNC server as clients see it: the RFB 3.8 handshake, full updates equal to QEMU's golden
// screen (Raw and Zlib, several pixel formats, over TCP and WebSocket), incremental updates that
// carry only the tiles that changed, keys and pointer into the PS/2 devices, and misbehaving
// clients dropped with a logged reason while the others carry on.

import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { PcMachine } from '../../../src/machine/pc.js';
import { VncServer } from '../../../src/ui/vnc/vnc-server.js';
import { decodeRgb } from '../../devices/vga/display/screen-runner.js';
import { RfbClient } from './rfb-client.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function booted(rom: string): Promise<PcMachine> {
  const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms', `${rom}.bin`), '-display', 'none', '-serial', 'none', '-monitor', 'none', '-debugcon', 'null']));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    expect(await m.run(100_000_000)).toBe(1); // the ROM halts for good once drawn
  } finally {
    err.mockRestore();
  }
  return m;
}

const open: { server: VncServer; clients: RfbClient[] }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    for (const c of o.clients) c.close();
    o.server.close();
  }
});

async function serve(rom: string, websocket = false) {
  const m = await booted(rom);
  const logs: string[] = [];
  // Displays 60..99 on loopback: the first free one is taken.
  const server = new VncServer(m, { host: '127.0.0.1', display: 60, to: 99, share: 'allow-exclusive', websocket: websocket ? { host: '127.0.0.1', port: 0 } : null }, (l) => logs.push(l));
  await server.listen();
  const port = Number(server.addresses[0]!.split(':').pop());
  const wsPort = websocket ? Number(server.addresses[1]!.split(':').pop()) : 0;
  const o = { server, clients: [] as RfbClient[] };
  open.push(o);
  const connect = async (opts: { websocket?: boolean; shared?: boolean } = {}) => {
    const c = await RfbClient.connect(opts.websocket ? wsPort : port, opts);
    o.clients.push(c);
    return c;
  };
  return { m, server, logs, connect };
}

/** The golden screen (recorded from QEMU 7.2) as 0x00RRGGBB pixels. */
function golden(name: string): { width: number; height: number; px: Uint32Array } {
  const g = decodeRgb(path.join(ROOT, 'test/golden/screens', `${name}.png`));
  const px = new Uint32Array(g.width * g.height);
  for (let i = 0; i < px.length; i++) px[i] = (g.rgb[i * 3]! << 16) | (g.rgb[i * 3 + 1]! << 8) | g.rgb[i * 3 + 2]!;
  return { width: g.width, height: g.height, px };
}

function sameAs(c: RfbClient, want: { width: number; height: number; px: Uint32Array }): void {
  expect([c.width, c.height]).toEqual([want.width, want.height]);
  let diff = -1;
  for (let i = 0; i < want.px.length && diff < 0; i++) if (c.fb[i] !== want.px[i]) diff = i;
  expect(diff < 0 ? null : `first difference at x=${diff % want.width} y=${Math.floor(diff / want.width)}`).toBe(null);
}

describe('VNC server', () => {
  it.each(['scr-vga13', 'scr-vbe32', 'scr-text80'])('a full Raw update of %s equals QEMU 7.2 screen', async (rom) => {
    const { connect } = await serve(rom);
    const c = await connect();
    expect(c.name).toBe('tcg86');
    c.request(false);
    await c.readUpdate();
    sameAs(c, golden(rom));
  });

  it('Zlib with noVNC pixel layout (red shift 0, blue 16), twice through one zlib stream', async () => {
    const { connect } = await serve('scr-vga12');
    const c = await connect();
    c.setPixelFormat32(0, 8, 16);
    c.setEncodings([6, 0, -223]);
    c.request(false);
    const u = await c.readUpdate();
    expect(u.rects.every((r) => r.encoding === 6)).toBe(true);
    sameAs(c, golden('scr-vga12'));
    c.fb.fill(0);
    c.request(false);
    await c.readUpdate();
    sameAs(c, golden('scr-vga12'));
  });

  it('an incremental request waits for a change, then carries only the tiles that changed', async () => {
    const { m, server, connect } = await serve('scr-vga13');
    const c = await connect();
    c.request(false);
    await c.readUpdate();
    c.request(true);
    server.refresh();
    expect(await c.anythingWithin(150)).toBe(false);
    // Pixel (5, 100) of 320x200 is shown at (10..11, 200..201) on the 640x400 screen.
    m.cpu.mmu.st8(0xa0000 + 320 * 100 + 5, 0x33, m.cpu.mmuIdx);
    server.refresh();
    const u = await c.readUpdate();
    expect(u.rects).toEqual([{ x: 0, y: 200, w: 16, h: 2, encoding: 0 }]);
    expect(c.fb[200 * 640 + 10]).toBe(m.display!.surface.data[200 * 640 + 10]);
  });

  it('keys reach the PS/2 keyboard as set 2 codes; the pointer reaches the PS/2 mouse', async () => {
    const { m, connect } = await serve('scr-vga13');
    const c = await connect();
    c.key(0x41, true); // 'A' (with Shift held by the client): the A key
    c.key(0x41, false);
    c.key(0xff52, true); // Up: extended
    await new Promise((r) => setTimeout(r, 100));
    /** What the 8042 hands the guest through port 0x60, with whether it came from the mouse. */
    const drain = () => {
      const out: string[] = [];
      while (m.io.ldub(0x64) & 1) out.push(`${m.io.ldub(0x64) & 0x20 ? 'aux ' : ''}${m.io.ldub(0x60).toString(16)}`);
      return out;
    };
    expect(drain()).toEqual(['1c', 'f0', '1c', 'e0', '75']);
    m.io.stb(0x64, 0xd4);
    m.io.stb(0x60, 0xf4); // the guest enables mouse reporting
    expect(drain()).toEqual(['aux fa']);
    c.pointer(100, 100, 0);
    c.pointer(103, 98, 1); // right 3, up 2, left button
    await new Promise((r) => setTimeout(r, 100));
    const pkt = drain();
    expect(pkt).toEqual(['aux 9', 'aux 3', 'aux 2']);
  });

  it('over WebSocket (as noVNC) the picture is the same', async () => {
    const { connect } = await serve('scr-vga13', true);
    const c = await connect({ websocket: true });
    c.setEncodings([6, 0]);
    c.request(false);
    await c.readUpdate();
    sameAs(c, golden('scr-vga13'));
  });

  it('a client sending garbage is dropped with a reason; another client keeps its updates', async () => {
    const { connect, logs } = await serve('scr-vga13');
    const good = await connect();
    const bad = await connect();
    bad.send(Buffer.from([99, 1, 2, 3]));
    await new Promise((r) => setTimeout(r, 100));
    expect(bad.closed).toBe(true);
    expect(logs.some((l) => /dropped: unknown message type 99/.test(l))).toBe(true);
    good.request(false);
    await good.readUpdate();
    sameAs(good, golden('scr-vga13'));
  });

  it('a client asking for exclusive access disconnects the others (share=allow-exclusive)', async () => {
    const { connect } = await serve('scr-vga13');
    const first = await connect();
    await connect({ shared: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(first.closed).toBe(true);
  });

  it('a client that leaves mid-update or never reads costs bounded memory; the others carry on', async () => {
    const { server, connect } = await serve('scr-vbe32'); // 3 MiB a full update
    const good = await connect();
    const quitter = await connect();
    quitter.request(false);
    quitter.close(); // gone before the update is written
    const sleeper = await connect();
    for (let k = 0; k < 12; k++) {
      sleeper.request(false); // full updates it never reads (12 x 3 MiB if nothing held them back)
      server.refresh();
      await new Promise((r) => setTimeout(r, 5));
    }
    const pending = [...server.clients].map((c) => c.transport.pending);
    expect(Math.max(...pending), 'bytes queued for one client').toBeLessThan(16 << 20);
    good.request(false);
    await good.readUpdate();
    sameAs(good, golden('scr-vbe32'));
  }, 120_000);

  it('info vnc lists the listeners and clients in QEMU 7.2 layout', async () => {
    const { m, server, connect } = await serve('scr-vga13', true);
    await connect();
    await connect({ websocket: true });
    await new Promise((r) => setTimeout(r, 50));
    const [main, ws] = [server.addresses[0]!, server.addresses[1]!.replace('websocket ', '')];
    const clients = [...server.clients].map((c) => `  Client: ${c.transport.peer} (ipv4${c.transport.websocket ? ' (Websocket)' : ''})\n    x509_dname: none\n    sasl_username: none\n`);
    expect(m.vncInfo!()).toBe(`default:\n  Server: ${ws} (ipv4 (Websocket))\n    Auth: none (Sub: none)\n  Server: ${main} (ipv4)\n    Auth: none (Sub: none)\n${clients.join('')}`);
    expect(clients.some((l) => l.includes('(Websocket)'))).toBe(true);
    server.close();
    expect(m.vncInfo).toBe(null); // the monitor then says "None", as QEMU without -vnc
  });

  it('a mode change reaches the client as a DesktopSize rectangle, then the new picture', async () => {
    // curses-keys: an 80x25 text screen (720x400) that switches to mode 13h (640x400) on "!".
    const m = new PcMachine(parseArgs(['-bios', path.join(ROOT, 'roms/curses-keys.bin'), '-display', 'none', '-serial', 'none', '-monitor', 'none', '-debugcon', 'null']));
    const running = m.run(2_000_000_000);
    const server = new VncServer(m, { host: '127.0.0.1', display: 60, to: 99, share: 'allow-exclusive', websocket: null }, () => {});
    await server.listen();
    const c = await RfbClient.connect(Number(server.addresses[0]!.split(':').pop()));
    open.push({ server, clients: [c] });
    try {
      c.setEncodings([0, -223]);
      c.request(false);
      await c.readUpdate();
      expect([c.width, c.height]).toEqual([720, 400]);
      c.key(0xffe1, true); // Shift, then 1: "!"
      c.key(0x21, true);
      c.key(0x21, false);
      c.key(0xffe1, false);
      let resized = false;
      for (let k = 0; k < 50 && !resized; k++) {
        c.request(true);
        const u = await c.readUpdate();
        resized = u.rects.some((r) => r.encoding === -223);
      }
      expect(resized).toBe(true);
      expect([c.width, c.height]).toEqual([640, 400]);
      c.request(false);
      await c.readUpdate();
      const d = m.display!.surface;
      let same = true;
      for (let i = 0; i < 640 * 400 && same; i++) same = c.fb[i] === d.data[i];
      expect(same).toBe(true);
    } finally {
      m.requestExit(0);
      await running;
    }
  }, 60_000);
});
