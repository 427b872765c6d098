// -vnc and -display vnc=: QEMU's display string, loopback by default, a remote bind only with
// --vnc-allow-remote, WebSocket ports as QEMU's (5700+N for websocket=on), and errors that name
// the flag and the bad part.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';

const BASE = ['-bios', 'x.bin', '-serial', 'none', '-monitor', 'none'];

describe('-vnc', () => {
  it('":N" listens on loopback port 5900+N; websocket=on adds 5700+N; -display vnc= is the same', () => {
    expect(parseArgs([...BASE, '-vnc', ':1']).vnc).toEqual({ host: '127.0.0.1', display: 1, websocket: null, to: 1, share: 'allow-exclusive' });
    expect(parseArgs([...BASE, '-vnc', 'localhost:2,websocket=on']).vnc?.websocket).toEqual({ host: 'localhost', port: 5702 });
    expect(parseArgs([...BASE, '-vnc', ':0,websocket=6080,to=5']).vnc).toMatchObject({ websocket: { host: '127.0.0.1', port: 6080 }, to: 5 });
    expect(parseArgs([...BASE, '-display', 'vnc=:3']).vnc?.display).toBe(3);
    expect(parseArgs([...BASE, '-vnc', 'none']).vnc).toBe(null);
  });

  it('a non-loopback address needs --vnc-allow-remote', () => {
    expect(() => parseArgs([...BASE, '-vnc', '0.0.0.0:0'])).toThrow(/^-vnc: '0\.0\.0\.0' is not a loopback address.*--vnc-allow-remote/);
    expect(() => parseArgs([...BASE, '-vnc', ':0,websocket=0.0.0.0:6080'])).toThrow(/'0\.0\.0\.0' is not a loopback address/);
    expect(parseArgs([...BASE, '-vnc', '0.0.0.0:0', '--vnc-allow-remote']).vnc?.host).toBe('0.0.0.0');
  });

  it('bad values name the flag and the part', () => {
    expect(() => parseArgs([...BASE, '-vnc', '5900'])).toThrow(/^-vnc: '5900' is not a VNC display \(expected \[HOST\]:N/);
    expect(() => parseArgs([...BASE, '-vnc', ':0,password=on'])).toThrow(/^-vnc: option 'password' is not supported/);
    expect(() => parseArgs([...BASE, '-vnc', ':0,bogus=1'])).toThrow(/^-vnc: invalid option 'bogus'/);
    expect(() => parseArgs([...BASE, '-vnc', ':0,to=x'])).toThrow(/^-vnc: to='x'/);
    expect(() => parseArgs([...BASE, '-vnc', 'unix:/tmp/s'])).toThrow(/unix sockets are not supported/);
    expect(() => parseArgs([...BASE, '-display', 'vnc'])).toThrow(/^-display: vnc needs a display/);
    expect(() => parseArgs([...BASE, '-vnc', ':0', '-vga', 'none'])).toThrow(/^-vnc: there is no display adapter/);
  });
});
