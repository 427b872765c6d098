// noVNC (Debian's novnc) in headless Chromium (Debian's chromium, driven by playwright-core)
// against tcg86's WebSocket VNC listener, as a person would use it in a browser: the canvas
// shows QEMU 7.2's golden screen, and keys typed in the page reach the guest's keyboard.
// .ci/run installs novnc and chromium.

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cliProcess, type CliProcess } from '../../cli/cli-process.js';
import { decodeRgb } from '../../devices/vga/display/screen-runner.js';
import { freePort, ROOT, vncChild } from './vnc-clients.js';

const NOVNC = '/usr/share/novnc';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const ready = CHROMIUM !== undefined && fs.existsSync(path.join(NOVNC, 'vnc_lite.html'));
if (!ready) console.warn('novnc.test: needs Debian packages chromium and novnc; skipped');

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** noVNC's files over HTTP (module scripts do not load from file://). */
function serveNovnc(port: number): http.Server {
  const server = http.createServer((req, res) => {
    const file = path.join(NOVNC, path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    if (!file.startsWith(NOVNC) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  server.listen(port, '127.0.0.1');
  return server;
}

/** The canvas noVNC draws into, as RGB bytes. */
async function canvasRgb(page: Page): Promise<{ width: number; height: number; rgb: Buffer }> {
  // Page code as a string: the test is compiled without the DOM library.
  const r = (await page.evaluate(`(() => {
    const c = document.querySelector('#screen canvas');
    if (!c || c.width === 0) return { width: 0, height: 0, b64: '' };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let bin = '';
    for (let i = 0; i < d.length; i += 4) bin += String.fromCharCode(d[i], d[i + 1], d[i + 2]);
    return { width: c.width, height: c.height, b64: btoa(bin) };
  })()`)) as { width: number; height: number; b64: string };
  return { width: r.width, height: r.height, rgb: Buffer.from(r.b64, 'base64') };
}

describe.skipIf(!ready)('noVNC in headless Chromium', () => {
  let cli: CliProcess;
  let browser: Browser;
  let web: http.Server;
  let webPort: number;
  beforeAll(async () => {
    cli = await cliProcess();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    webPort = await freePort();
    web = serveNovnc(webPort);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    web?.close();
    cli?.remove();
  });

  async function open(wsPort: number): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${webPort}/vnc_lite.html?host=127.0.0.1&port=${wsPort}`);
    await page.waitForFunction(`/Connected/.test(document.getElementById('status')?.textContent ?? '')`, null, { timeout: 20_000 });
    return page;
  }

  it('shows the guest screen: the canvas equals QEMU 7.2 golden pixels', async () => {
    const wsPort = await freePort();
    const vm = await vncChild(cli, 'scr-vga13', 'tcg', `,websocket=${wsPort}`);
    try {
      const page = await open(wsPort);
      const g = decodeRgb(path.join(ROOT, 'test/golden/screens/scr-vga13.png'));
      let got = await canvasRgb(page);
      for (let k = 0; k < 100 && !got.rgb.equals(g.rgb); k++) {
        await new Promise((r) => setTimeout(r, 100));
        got = await canvasRgb(page);
      }
      let diff = -1;
      for (let i = 0; i < g.rgb.length && diff < 0; i++) if (got.rgb[i] !== g.rgb[i]) diff = Math.floor(i / 3);
      expect([got.width, got.height]).toEqual([g.width, g.height]);
      expect(diff < 0 ? null : `first difference at x=${diff % g.width} y=${Math.floor(diff / g.width)}`).toBe(null);
      await page.close();
    } finally {
      await vm.stop();
    }
  }, 90_000);

  it('keys typed in the page reach the guest (the ROM echoes them on its text screen)', async () => {
    const wsPort = await freePort();
    const vm = await vncChild(cli, 'curses-keys', 'tcg', `,websocket=${wsPort}`, true);
    try {
      const page = await open(wsPort);
      await page.click('#screen canvas');
      await page.keyboard.type('hi');
      // Row 1 of the text screen (0xb8000 + 160) holds what the ROM echoed, with attributes.
      let row = '';
      for (let k = 0; k < 50 && !/68 0e 69 0e/.test(row); k++) {
        await new Promise((r) => setTimeout(r, 200));
        vm.child.stdin!.write('xp /4bx 0xb80a0\n');
        await new Promise((r) => setTimeout(r, 100));
        row = vm.stdout().split('\n').filter((l) => l.startsWith('00000000000b80a0')).pop() ?? '';
      }
      expect(row.replace(/0x/g, '')).toMatch(/68 0e 69 0e/);
      await page.close();
    } finally {
      await vm.stop();
    }
  }, 90_000);
});
