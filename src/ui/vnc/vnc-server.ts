// The VNC server (QEMU's VncDisplay): listens on TCP (and WebSocket for noVNC), keeps a shadow
// copy of the display surface, and hands each client the 16-pixel tiles that really changed
// since its last update. It refreshes the display on the host's clock every 30 ms while a
// client is connected, as QEMU's VNC refresh timer does; the guest-time refresh is unchanged.

import * as net from 'node:net';
import type { PcMachine } from '../../machine/pc.js';
import type { VncConfig } from '../../machine/config.js';
import type { DisplayChangeListener } from '../../devices/vga/display/surface.js';
import type { VgaDisplay } from '../../devices/vga/display/vga-display.js';
import { keysymToSet2, set2Bytes } from './keysym.js';
import { TILE } from './rfb-encode.js';
import { socketTransport, websocketTransport, type VncTransport } from './transport.js';
import { VncClient, type VncClientHost } from './vnc-client.js';

export const VNC_PORT_BASE = 5900;
const REFRESH_MS = 30;

export class VncServer implements VncClientHost, DisplayChangeListener {
  readonly name = 'tcg86';
  width = 0;
  height = 0;
  pixels = new Uint32Array(0);
  readonly clients = new Set<VncClient>();
  /** Rows the display redrew since the shadow copy was last compared. */
  private rowsChanged = new Uint8Array(0);
  private anyRowChanged = false;
  private readonly servers: net.Server[] = [];
  /** The addresses listened on ("127.0.0.1:5900", "websocket 127.0.0.1:5700"). */
  readonly addresses: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly keys: number[][] = [];
  private lastX = -1;
  private lastY = -1;
  private lastButtons = 0;
  private readonly display: VgaDisplay;

  constructor(
    private readonly machine: PcMachine,
    private readonly config: VncConfig,
    private readonly log: (line: string) => void = (l) => process.stderr.write(`tcg86: vnc: ${l}\n`),
  ) {
    const d = machine.display;
    if (!d) throw new Error('-vnc needs a VGA (not -vga none)');
    this.display = d;
    d.surface.listeners.push(this);
    this.gfxSwitch(d.surface.width, d.surface.height);
    // A guest halted for good still waits: a VNC client may type, as with QEMU.
    const before = machine.hostCanAct;
    machine.hostCanAct = () => this.servers.length > 0 || (before?.() ?? false);
    machine.vncInfo = () => this.info();
  }

  /** QEMU's `info vnc`: the listeners (WebSocket first, as QEMU lists them) and the clients. */
  info(): string {
    const fam = (host: string) => (host.includes(':') ? 'ipv6' : 'ipv4');
    let out = 'default:\n';
    for (const a of [...this.addresses].sort((x, y) => Number(y.startsWith('websocket')) - Number(x.startsWith('websocket')))) {
      const ws = a.startsWith('websocket ');
      const addr = ws ? a.slice(10) : a;
      out += `  Server: ${addr} (${fam(addr.slice(0, addr.lastIndexOf(':')))}${ws ? ' (Websocket)' : ''})\n    Auth: none (Sub: none)\n`;
    }
    for (const c of this.clients) {
      const peer = c.transport.peer;
      out += `  Client: ${peer} (${fam(peer.slice(0, peer.lastIndexOf(':')))}${c.transport.websocket ? ' (Websocket)' : ''})\n    x509_dname: none\n    sasl_username: none\n`;
    }
    return out;
  }

  /** Listen on the configured ports; rejects with a message naming the address on failure. */
  async listen(): Promise<void> {
    const { host } = this.config;
    let lastErr = '';
    for (let n = this.config.display; n <= Math.max(this.config.to, this.config.display); n++) {
      try {
        await this.listenOn(host, VNC_PORT_BASE + n, false);
        lastErr = '';
        break;
      } catch (e) {
        lastErr = `${host}:${VNC_PORT_BASE + n}: ${(e as Error).message}`;
      }
    }
    if (lastErr) throw new Error(`-vnc: cannot listen on ${lastErr}`);
    const ws = this.config.websocket;
    if (ws) {
      try {
        await this.listenOn(ws.host, ws.port, true);
      } catch (e) {
        throw new Error(`-vnc websocket: cannot listen on ${ws.host}:${ws.port}: ${(e as Error).message}`);
      }
    }
  }

  private listenOn(host: string, port: number, websocket: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((sock) => this.accept(sock, websocket));
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (e) => this.log(`listener ${host}:${port}: ${e.message}`));
        server.unref();
        this.servers.push(server);
        const bound = server.address();
        this.addresses.push(`${websocket ? 'websocket ' : ''}${host}:${typeof bound === 'object' && bound ? bound.port : port}`);
        resolve();
      });
    });
  }

  private accept(sock: net.Socket, websocket: boolean): void {
    sock.setNoDelay(true);
    // The picture as it is now, so that ServerInit gives the current size.
    this.display.update();
    this.syncShadow();
    const t: VncTransport = websocket ? websocketTransport(sock, (why) => this.log(`websocket client dropped: ${why}`)) : socketTransport(sock);
    const client = new VncClient(t, this);
    this.clients.add(client);
    this.startTimer();
  }

  close(): void {
    for (const c of [...this.clients]) c.close(null);
    for (const s of this.servers) s.close();
    this.servers.length = 0;
    this.stopTimer();
    if (this.machine.vncInfo) this.machine.vncInfo = null;
    const i = this.display.surface.listeners.indexOf(this);
    if (i >= 0) this.display.surface.listeners.splice(i, 1);
  }

  // ---- DisplayChangeListener ----

  gfxSwitch(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.pixels = new Uint32Array(width * height);
    this.pixels.set(this.display.surface.data.subarray(0, width * height));
    this.rowsChanged = new Uint8Array(height);
    this.anyRowChanged = false;
    for (const c of this.clients) if (c.ready) c.resize(width, height);
  }

  gfxUpdate(_x: number, y: number, _w: number, h: number): void {
    this.rowsChanged.fill(1, y, Math.min(y + h, this.height));
    this.anyRowChanged = true;
  }

  // ---- the refresh ----

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Redraw the display, find the tiles that changed, send updates to clients that asked. */
  refresh(): void {
    this.feedKeys();
    this.display.update();
    this.syncShadow();
    for (const c of this.clients) void c.update();
  }

  /** Compare the redrawn rows with the shadow copy tile by tile (QEMU's vnc_refresh_server_surface). */
  private syncShadow(): void {
    if (!this.anyRowChanged) return;
    this.anyRowChanged = false;
    const src = this.display.surface.data;
    const dst = this.pixels;
    const w = this.width;
    const tilesX = Math.ceil(w / TILE);
    for (let y = 0; y < this.height; y++) {
      if (!this.rowsChanged[y]) continue;
      this.rowsChanged[y] = 0;
      const row = y * w;
      for (let t = 0; t < tilesX; t++) {
        const x0 = row + t * TILE;
        const x1 = row + Math.min((t + 1) * TILE, w);
        let same = true;
        for (let i = x0; i < x1; i++) {
          if (src[i] !== dst[i]) {
            same = false;
            break;
          }
        }
        if (same) continue;
        dst.set(src.subarray(x0, x1), x0);
        for (const c of this.clients) if (c.ready) c.dirty[y * c.tilesX + t] = 1;
      }
    }
  }

  // ---- VncClientHost ----

  updateRequested(client: VncClient): void {
    void client.update();
  }

  exclusive(client: VncClient): void {
    if (this.config.share !== 'allow-exclusive') return;
    for (const c of [...this.clients]) if (c !== client) c.close('another client asked for exclusive access');
  }

  closed(client: VncClient, reason: string | null): void {
    this.clients.delete(client);
    if (reason) this.log(`client ${client.transport.peer} dropped: ${reason}`);
    if (this.clients.size === 0) this.stopTimer();
  }

  key(keysym: number, down: boolean): void {
    const k = keysymToSet2(keysym);
    if (k < 0) return;
    this.keys.push(set2Bytes(k, down));
    this.feedKeys();
    this.machine.wake();
  }

  /** Hand keys to the keyboard as its 16-byte queue has room (a burst from a client waits). */
  private feedKeys(): void {
    const kbd = this.machine.i8042.kbd;
    while (this.keys.length > 0 && kbd.queued + this.keys[0]!.length <= 16) kbd.sendScancodes(this.keys.shift()!);
  }

  pointer(_client: VncClient, x: number, y: number, mask: number): void {
    // A relative PS/2 mouse: movement since the last event; RFB's middle/right bits are swapped
    // against PS/2's, bits 3/4 are wheel up/down clicks.
    const dx = this.lastX < 0 ? 0 : x - this.lastX;
    const dy = this.lastY < 0 ? 0 : y - this.lastY;
    this.lastX = x;
    this.lastY = y;
    const pressed = mask & ~this.lastButtons;
    this.lastButtons = mask;
    const dz = (pressed & 0x10 ? 1 : 0) - (pressed & 0x08 ? 1 : 0);
    const buttons = (mask & 1) | ((mask & 4) >> 1) | ((mask & 2) << 1);
    this.machine.i8042.mouse.event(dx, dy, dz, buttons);
    this.machine.wake();
  }
}
