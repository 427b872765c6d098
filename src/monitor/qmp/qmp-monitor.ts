// A QMP monitor (QEMU's monitor/qmp.c) on a character device: the greeting on every new
// connection, capabilities negotiation, requests parsed from the byte stream and run one at a
// time from the event loop (so a command sees the machine between two slices), replies and
// events as one JSON line each ("\r\n" ended, as QEMU's monitor_puts writes them).

import type { CharBackend, CharReceiver } from '../../devices/chardev.js';
import { SocketCharBackend } from '../../devices/chardev-socket.js';
import type { PcMachine } from '../../machine/pc.js';
import { causedByGuest, type MachineEvent } from '../../machine/machine-events.js';
import { CommandError } from '../command-error.js';
import { FormatDefaults } from '../memory-dump.js';
import { JsonMessageParser } from './json-parser.js';
import { QapiArgs } from './qapi-args.js';
import { findQmpCommand, versionInfo, type QmpContext } from './qmp-commands.js';
import { QDict, qdictOrder, toJson, type QObject } from './qobject.js';

/** Requests parsed but not yet run beyond which input waits (QEMU's QMP_REQ_QUEUE_LEN_MAX). */
const REQUEST_QUEUE_MAX = 8;

type Request = { value: QObject | null; error: string | null };

export class QmpMonitor implements CharReceiver {
  private readonly parser = new JsonMessageParser((value, error) => this.enqueue({ value, error }));
  private queue: Request[] = [];
  private scheduled = false;
  private negotiated = false;
  private oob = false;
  private inputOpen = true;
  /** Counts connections, so requests of a client that left are not answered to the next one. */
  private session = 0;
  private readonly ctx: QmpContext;
  private readonly offEvents: () => void;

  constructor(
    private readonly machine: PcMachine,
    private readonly chr: CharBackend,
  ) {
    this.ctx = {
      machine,
      formats: new FormatDefaults(),
      startNs: process.hrtime.bigint(),
      negotiate: (enable) => {
        // After negotiation the command still reads its arguments first, as QEMU's does.
        if (this.negotiated) throw new CommandError('Capabilities negotiation is already complete, command ignored', 'CommandNotFound');
        this.negotiated = true;
        this.oob = enable.includes('oob');
      },
    };
    this.offEvents = machine.events.on((ev) => this.sendEvent(ev));
    // A guest halted for good waits while this monitor can still act: a socket server for as
    // long as it listens, another backend until its input has ended and every request ran.
    const socket = chr instanceof SocketCharBackend ? chr : null;
    const before = machine.hostCanAct;
    machine.hostCanAct = () =>
      (before?.() ?? false) || (socket ? socket.listening || socket.connected : this.inputOpen || this.queue.length > 0 || this.scheduled);
    // A socket greets each client as it connects; another backend (stdio) is connected now.
    chr.setReceiver(this);
    if (!socket) this.greet();
  }

  inputEnded(): void {
    this.inputOpen = false;
  }

  event(ev: 'mux-in' | 'mux-out' | 'opened' | 'closed'): void {
    if (ev === 'opened') this.greet();
    else if (ev === 'closed') {
      // QEMU drops the parser's state and the negotiation with the connection.
      this.session++;
      this.parser.reset();
      this.queue = [];
      this.negotiated = false;
      this.oob = false;
    }
  }

  private greet(): void {
    this.session++;
    this.negotiated = false;
    this.oob = false;
    this.send({ QMP: { version: versionInfo(), capabilities: ['oob'] } });
  }

  canReceive(): number {
    return this.queue.length < REQUEST_QUEUE_MAX ? 4096 : 0;
  }

  receive(data: Uint8Array): void {
    this.parser.feed(data);
  }

  private enqueue(req: Request): void {
    this.queue.push(req);
    if (this.scheduled) return;
    this.scheduled = true;
    const session = this.session;
    setImmediate(() => {
      this.scheduled = false;
      if (session === this.session) this.drain();
    });
  }

  /** Run what was parsed, in order; then let the backend deliver more input. */
  private drain(): void {
    const session = this.session;
    while (this.queue.length > 0 && session === this.session) {
      const req = this.queue.shift()!;
      this.handle(req);
    }
    this.chr.acceptInput();
  }

  private handle(req: Request): void {
    if (req.error !== null) {
      this.send({ error: { class: 'GenericError', desc: req.error } });
      return;
    }
    const dict = req.value;
    if (!(dict instanceof QDict)) {
      this.send({ error: { class: 'GenericError', desc: 'QMP input must be a JSON object' } });
      return;
    }
    const id = dict.get('id');
    let reply: QObject;
    try {
      const name = this.checkRequest(dict);
      reply = { return: this.dispatch(name, dict) };
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      reply = { error: { class: e.errorClass, desc: e.desc } };
    }
    this.send(id === undefined ? reply : { ...(reply as object), id });
  }

  /** QEMU's qmp_dispatch_check_obj, members in QDict order; returns the command's name. */
  private checkRequest(dict: QDict): string {
    for (const key of qdictOrder([...dict.map.keys()])) {
      const v = dict.get(key);
      if (key === 'execute' || (key === 'exec-oob' && this.oob)) {
        if (typeof v !== 'string') throw new CommandError(`QMP input member '${key}' must be a string`);
      } else if (key === 'arguments') {
        if (!(v instanceof QDict)) throw new CommandError("QMP input member 'arguments' must be an object");
      } else if (key !== 'id') {
        throw new CommandError(`QMP input member '${key}' is unexpected`);
      }
    }
    const exec = dict.get('execute');
    const oob = dict.get('exec-oob');
    if (exec !== undefined && oob !== undefined) throw new CommandError("QMP input must not contain both 'execute' and 'exec-oob'");
    if (exec === undefined && oob === undefined) throw new CommandError("QMP input lacks member 'execute'");
    const name = (exec ?? oob) as string;
    if (oob !== undefined && findQmpCommand(name) && this.negotiated) throw new CommandError(`The command ${name} does not support OOB`);
    return name;
  }

  private dispatch(name: string, dict: QDict): QObject {
    const cmd = findQmpCommand(name);
    if (!this.negotiated && name !== 'qmp_capabilities') {
      throw new CommandError("Expecting capabilities negotiation with 'qmp_capabilities'", 'CommandNotFound');
    }
    if (!cmd) throw new CommandError(`The command ${name} has not been found`, 'CommandNotFound');
    const args = dict.get('arguments');
    return cmd.run(this.ctx, new QapiArgs(args instanceof QDict ? args : new QDict()));
  }

  private sendEvent(ev: MachineEvent): void {
    if (!this.negotiated) return;
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const msg: { [k: string]: QObject } = {
      event: ev.event,
      timestamp: { seconds: Math.floor(us / 1e6), microseconds: us % 1e6 },
    };
    if (ev.event === 'RESET' || ev.event === 'SHUTDOWN') msg.data = { guest: causedByGuest(ev.cause), reason: ev.cause };
    else if (ev.event === 'MIGRATION') msg.data = { status: ev.status };
    else if (ev.event === 'MIGRATION_PASS') msg.data = { pass: ev.pass };
    else if (ev.event === 'DEVICE_DELETED') msg.data = { device: ev.device ?? undefined, path: ev.path };
    this.send(msg);
  }

  private send(msg: QObject): void {
    this.chr.write(Buffer.from(toJson(msg) + '\r\n', 'utf8'));
  }

  close(): void {
    this.offEvents();
  }
}
