// Socket chardevs and QMP on the command line: QEMU's device strings (tcp:, telnet:, unix:),
// -chardev socket, -qmp and -mon mode=control, with loopback as tcg86's default host.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';

const BASE = ['-bios', 'x.bin', '-display', 'none'];

function backend(args: string[], id: string) {
  return parseArgs([...BASE, ...args]).chardevs.get(id)!.backend;
}

describe('socket chardev arguments', () => {
  it('tcp:/telnet:/unix: device strings, with QEMU defaults (client; a server waits)', () => {
    expect(backend(['-qmp', 'tcp:127.0.0.1:4444,server=on,wait=off'], 'qmp0')).toEqual({
      kind: 'socket',
      address: { kind: 'tcp', host: '127.0.0.1', port: 4444 },
      opts: { server: true, wait: false, telnet: false },
    });
    // An empty host is loopback (QEMU: every address); legacy bare flags are accepted.
    expect(backend(['-monitor', 'telnet::5555,server,nowait'], 'monitor0')).toEqual({
      kind: 'socket',
      address: { kind: 'tcp', host: '127.0.0.1', port: 5555 },
      opts: { server: true, wait: false, telnet: true },
    });
    expect(backend(['-serial', 'tcp:localhost:7'], 'serial0')).toEqual({
      kind: 'socket',
      address: { kind: 'tcp', host: 'localhost', port: 7 },
      opts: { server: false, wait: false, telnet: false },
    });
    expect(backend(['-qmp', 'unix:/tmp/q.sock,server=on'], 'qmp0')).toEqual({
      kind: 'socket',
      address: { kind: 'unix', path: '/tmp/q.sock' },
      opts: { server: true, wait: true, telnet: false },
    });
  });

  it('-chardev socket with -mon: mode=control is QMP, readline the human monitor', () => {
    const c = parseArgs([...BASE, '-chardev', 'socket,id=q,host=::1,port=4444,server=on,wait=off', '-mon', 'chardev=q,mode=control', '-chardev', 'socket,id=h,path=/tmp/h.sock,server=on,wait=off', '-mon', 'h']);
    expect(c.qmp).toEqual(['q']);
    expect(c.monitor).toBe('h');
    expect(c.chardevs.get('q')!.backend).toEqual({ kind: 'socket', address: { kind: 'tcp', host: '::1', port: 4444 }, opts: { server: true, wait: false, telnet: false } });
    // Several QMP monitors, each on its own socket.
    expect(parseArgs([...BASE, '-qmp', 'unix:/tmp/a,server=on,wait=off', '-qmp', 'unix:/tmp/b,server=on,wait=off']).qmp).toEqual(['qmp0', 'qmp1']);
  });

  it('-S is allowed with only a QMP monitor to continue the machine', () => {
    expect(parseArgs([...BASE, '-S', '-qmp', 'unix:/tmp/a,server=on,wait=off']).startPaused).toBe(true);
  });

  it('bad socket specs name the flag', () => {
    expect(() => parseArgs([...BASE, '-qmp', 'tcp:4444'])).toThrow(/^-qmp: 'tcp:4444': expected tcp:HOST:PORT/);
    expect(() => parseArgs([...BASE, '-qmp', 'tcp:h:99999,server=on'])).toThrow(/^-qmp: port '99999' is not a TCP port number/);
    expect(() => parseArgs([...BASE, '-qmp', 'tcp:h:1,server=maybe'])).toThrow(/^-qmp: Parameter 'server' expects 'on' or 'off'/);
    expect(() => parseArgs([...BASE, '-qmp', 'tcp:h:1,reconnect=1'])).toThrow(/^-qmp: socket has no property 'reconnect'/);
    expect(() => parseArgs([...BASE, '-chardev', 'socket,id=x'])).toThrow(/^-chardev: chardev socket: needs 'path'/);
    expect(() => parseArgs([...BASE, '-chardev', 'socket,id=x,path=/a,port=1'])).toThrow(/^-chardev: chardev socket: give either path=PATH or host=HOST,port=PORT/);
    expect(() => parseArgs([...BASE, '-chardev', 'null,id=x', '-mon', 'chardev=x,mode=json'])).toThrow(/^-mon: Parameter 'mode' does not accept value 'json'/);
    expect(() => parseArgs([...BASE, '-chardev', 'null,id=x', '-mon', 'chardev=x,mode=control,pretty=on'])).toThrow(/^-mon: pretty=on is not supported/);
  });
});
