// Runs a QMP transcript (test/golden/qmp/*.qmp) against an emulator over a Unix socket and
// returns what came back, one "> sent" line per step followed by "< reply" lines. Used by
// scripts/record-golden-qmp.mjs (on qemu-system-i386) and by the test (on tcg86).
//
// A step is one line of raw QMP sent as typed (a line ending in " \" continues on the next,
// sent with the newline). After each step a sync request {"execute":"query-name","id":"sync"}
// follows, and everything up to its reply belongs to the step. Directives: "!wait EVENT" reads
// until that event arrives; "!quit LINE" sends LINE and reads until the connection closes.
// Lines starting with "#" are comments.

import * as net from 'node:net';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const SYNC = '{"execute":"query-name","id":"sync"}';

/** Parse a transcript file into steps: { kind: 'send'|'wait'|'quit', text }. */
export function parseTranscript(text) {
  const steps = [];
  let pending = null;
  for (const raw of text.split('\n')) {
    if (pending === null && (raw.startsWith('#') || raw.trim() === '')) continue;
    const cont = raw.endsWith(' \\');
    const line = cont ? raw.slice(0, -2) : raw;
    pending = pending === null ? line : pending + '\n' + line;
    if (cont) continue;
    if (pending.startsWith('!wait ')) steps.push({ kind: 'wait', text: pending.slice(6).trim() });
    else if (pending.startsWith('!quit ')) steps.push({ kind: 'quit', text: pending.slice(6) });
    else steps.push({ kind: 'send', text: pending });
    pending = null;
  }
  return steps;
}

/** A line reader over a socket with a timeout per wait. */
function lineReader(sock) {
  let buf = '';
  let closed = false;
  const waiters = [];
  const wake = () => {
    while (waiters.length > 0) waiters.shift()();
  };
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    buf += d;
    wake();
  });
  sock.on('close', () => {
    closed = true;
    wake();
  });
  sock.on('error', () => {});
  return {
    /** The next line without its "\r\n", or null at the end of the connection. */
    async next(timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          return line;
        }
        if (closed) return null;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`qmp-transcript: no reply within ${timeoutMs} ms (have: ${JSON.stringify(buf.slice(0, 200))})`);
        await new Promise((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}

async function connect(path, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const s = net.connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Start `cmd args` (which must include -qmp unix:SOCK,server=on,wait=off), run the steps over
 * the socket, and return the transcript text and the process's exit status.
 */
export async function runTranscript({ cmd, args, sock, steps, cwd }) {
  fs.rmSync(sock, { force: true });
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const out = [];
  let s;
  try {
    s = await connect(sock, 20000);
    const rd = lineReader(s);
    out.push(`< ${await rd.next()}`);
    for (const step of steps) {
      if (step.kind === 'wait') {
        out.push(`! wait ${step.text}`);
        for (;;) {
          const line = await rd.next();
          if (line === null) throw new Error(`qmp-transcript: connection closed waiting for ${step.text}`);
          out.push(`< ${line}`);
          if (eventMatches(line, step.text)) break;
        }
        continue;
      }
      out.push(...step.text.split('\n').map((l) => `> ${l}`));
      s.write(step.text + '\n');
      if (step.kind === 'quit') {
        for (let line = await rd.next(); line !== null; line = await rd.next()) out.push(`< ${line}`);
        out.push('< (closed)');
        break;
      }
      s.write(SYNC + '\n');
      for (;;) {
        const line = await rd.next();
        if (line === null) throw new Error('qmp-transcript: connection closed');
        if (line.includes('"id": "sync"')) break;
        out.push(`< ${line}`);
      }
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${out.join('\n')}\nstderr: ${stderr}`);
  } finally {
    s?.destroy();
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  const status = await exited;
  clearTimeout(timer);
  return { text: out.join('\n') + '\n', status, stderr };
}

/** "EVENT" or "EVENT key=value" (a member of data). */
function eventMatches(line, want) {
  const [name, cond] = want.split(/\s+/, 2);
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return false;
  }
  if (msg.event !== name) return false;
  if (!cond) return true;
  const [k, v] = cond.split('=');
  return String(msg.data?.[k]) === v;
}

/**
 * What may differ between QEMU and tcg86: timestamps, version numbers and package strings,
 * thread ids, and the command list (tcg86's own; checked as a subset elsewhere).
 */
export function normalize(text) {
  return text
    .replace(/"timestamp": \{"seconds": \d+, "microseconds": \d+\}/g, '"timestamp": TS')
    .replace(/\{"qemu": \{"micro": \d+, "minor": \d+, "major": \d+\}, "package": "[^"]*"\}/g, 'VERSION')
    .replace(/"thread-id": \d+, "props"/g, '"thread-id": TID, "props"')
    .replace(/^< \{"return": \[\{"name": .*$/gm, '< COMMANDS');
}

/** The command names of a transcript's query-commands reply. */
export function commandNames(text) {
  const line = text.split('\n').find((l) => l.startsWith('< {"return": [{"name": '));
  return line ? JSON.parse(line.slice(2)).return.map((c) => c.name) : [];
}
