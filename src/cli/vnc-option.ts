// -vnc and -display vnc=: QEMU's VNC display string ("[HOST]:N[,option...]") into a VncConfig.
// Loopback is the default bind; another address needs --vnc-allow-remote (checked by the caller).

import type { VncConfig } from '../machine/config.js';

const VNC_PORT_BASE = 5900;
const WEBSOCKET_PORT_BASE = 5700;

/** Options QEMU has that need authentication or encryption tcg86 does not implement. */
const REFUSED = ['password', 'password-secret', 'tls-creds', 'tls-authz', 'sasl', 'sasl-authz', 'x509', 'x509verify', 'acl', 'reverse', 'audiodev'];
/** Options that change only how QEMU encodes or paces updates: accepted, no effect here. */
const ACCEPTED = ['lossy', 'non-adaptive', 'key-delay-ms', 'lock-key-sync', 'power-control', 'id', 'connections', 'display', 'head'];

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parse a -vnc value; null for "none". Throws Error(message) naming the bad part. */
export function parseVncDisplay(value: string): VncConfig | null {
  const [spec = '', ...opts] = value.split(',');
  if (spec === 'none') return null;
  if (spec.startsWith('unix:')) throw new Error(`'${spec}': unix sockets are not supported for VNC (use HOST:N)`);
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(spec);
  if (!m) throw new Error(`'${spec}' is not a VNC display (expected [HOST]:N, e.g. :0 for port 5900)`);
  const host = m[1] ?? m[2] ?? '';
  const display = Number(m[3]);
  if (VNC_PORT_BASE + display > 65535) throw new Error(`display ${display} is past the last TCP port`);
  const cfg: VncConfig = { host: host === '' ? '127.0.0.1' : host, display, websocket: null, to: display, share: 'allow-exclusive' };
  for (const o of opts) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const val = eq < 0 ? 'on' : o.slice(eq + 1);
    if (key === 'websocket') {
      if (val === 'off') cfg.websocket = null;
      else if (val === 'on') cfg.websocket = { host: cfg.host, port: WEBSOCKET_PORT_BASE + display };
      else {
        const w = /^(?:(.*):)?(\d+)$/.exec(val);
        if (!w || Number(w[2]) > 65535) throw new Error(`websocket='${val}' is not on, off, PORT or HOST:PORT`);
        cfg.websocket = { host: w[1] || cfg.host, port: Number(w[2]) };
      }
    } else if (key === 'to') {
      if (!/^\d+$/.test(val) || Number(val) < display) throw new Error(`to='${val}' must be a display number not below ${display}`);
      cfg.to = Number(val);
    } else if (key === 'share') {
      if (val !== 'allow-exclusive' && val !== 'force-shared' && val !== 'ignore') throw new Error(`share='${val}' is not allow-exclusive, force-shared or ignore`);
      cfg.share = val;
    } else if (REFUSED.includes(key)) {
      if (!(key === 'password' && val === 'off')) throw new Error(`option '${key}' is not supported (tcg86's VNC server has no authentication or TLS)`);
    } else if (!ACCEPTED.includes(key)) {
      throw new Error(`invalid option '${key}'`);
    }
  }
  return cfg;
}
