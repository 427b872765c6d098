// The shared device plumbing: IRQ lines, the virtual clock and its timers, char backends.
import { describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IrqLine } from '../../src/devices/irq.js';
import { Timer, VirtualClock } from '../../src/devices/clock.js';
import { FileCharBackend, MemoryCharBackend, NullCharBackend, type CharReceiver } from '../../src/devices/chardev.js';
import { OUTPUT_BUFFER_SIZE, OutputBuffer } from '../../src/devices/chardev-output.js';

describe('IrqLine', () => {
  it('forwards every level and keeps the last one; pulse is a rising then falling edge', () => {
    const seen: boolean[] = [];
    const l = new IrqLine((v) => seen.push(v));
    l.raise();
    expect(l.level).toBe(true);
    l.lower();
    l.set(true);
    l.pulse();
    expect(seen).toEqual([true, false, true, true, false]);
    expect(l.level).toBe(false);
  });
});

describe('VirtualClock and Timer', () => {
  it('runs expired timers in deadline order, ties in arming order', () => {
    const c = new VirtualClock();
    const order: string[] = [];
    const a = new Timer(c, () => order.push('a'));
    const b = new Timer(c, () => order.push('b'));
    const d = new Timer(c, () => order.push('d'));
    a.modNs(300);
    b.modNs(100);
    d.modNs(100);
    expect(c.nextDeadlineNs()).toBe(100);
    c.advanceTo(99);
    expect(c.runExpired()).toBe(0);
    c.advanceTo(300);
    expect(c.runExpired()).toBe(3);
    expect(order).toEqual(['b', 'd', 'a']);
    expect(c.nextDeadlineNs()).toBe(Infinity);
    expect(a.pending).toBe(false);
  });

  it('del disarms, modNs moves, a callback can re-arm itself', () => {
    const c = new VirtualClock();
    const fired: number[] = [];
    const t: Timer = new Timer(c, () => {
      fired.push(c.nowNs);
      if (fired.length < 3) t.modNs(t.expireNs + 10);
    });
    const other = new Timer(c, () => fired.push(-1));
    other.modNs(5);
    other.del();
    t.modNs(50);
    t.modNs(20);
    expect(c.runUntil(100)).toBe(3);
    expect(fired).toEqual([20, 30, 40]);
    expect(c.nowNs).toBe(100);
  });

  it('refuses to go back in time', () => {
    const c = new VirtualClock();
    c.advanceTo(10);
    expect(() => c.advanceTo(5)).toThrow(RangeError);
  });

  it('a live source moves time when read; expired timers run against it', () => {
    const c = new VirtualClock();
    let src = 0;
    c.setSource(() => src);
    const fired: number[] = [];
    new Timer(c, () => fired.push(c.nowNs)).modNs(100);
    src = 70;
    expect(c.nowNs).toBe(70);
    expect(c.runExpired()).toBe(0);
    src = 120;
    expect(c.runExpired()).toBe(1);
    expect(fired).toEqual([120]);
    src = 50; // a source that lags behind advanceTo never takes time back
    c.advanceTo(130);
    expect(c.nowNs).toBe(130);
  });

  it('tells onEarliestChanged when a timer becomes the earliest, and only then', () => {
    const c = new VirtualClock();
    const told: number[] = [];
    c.onEarliestChanged = (ns) => told.push(ns);
    const a = new Timer(c, () => {});
    const b = new Timer(c, () => {});
    const d = new Timer(c, () => {});
    a.modNs(500);
    b.modNs(800); // later than a: the CPU's budget is still right
    d.modNs(200);
    a.modNs(100); // moved to the front
    b.del();
    expect(told).toEqual([500, 200, 100]);
    expect(c.nextDeadlineNs()).toBe(100);
    c.advanceTo(1000);
    expect(c.runExpired()).toBe(2);
    expect(c.nextDeadlineNs()).toBe(Infinity);
  });
});

describe('char backends', () => {
  it('memory backend collects output and delivers input within the receiver room', () => {
    const m = new MemoryCharBackend();
    m.write(new Uint8Array([0x68, 0x69]));
    expect(m.text()).toBe('hi');
    const got: number[] = [];
    let room = 2;
    const r: CharReceiver = {
      canReceive: () => room,
      receive: (d) => {
        got.push(...d);
        room -= d.length;
      },
    };
    m.inject('abcde');
    m.setReceiver(r);
    expect(got).toEqual([0x61, 0x62]);
    expect(m.pendingInput).toBe(3);
    room = 16;
    m.acceptInput();
    expect(String.fromCharCode(...got)).toBe('abcde');
  });

  it('file backend truncates or appends; output is buffered until flush or close', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-chr-'));
    const f = path.join(dir, 'out.txt');
    fs.writeFileSync(f, 'old');
    const t = new FileCharBackend(f);
    t.write(new Uint8Array([0x41]));
    expect(fs.readFileSync(f, 'latin1')).toBe('');
    t.flush();
    expect(fs.readFileSync(f, 'latin1')).toBe('A');
    t.close();
    const a = new FileCharBackend(f, { append: true });
    a.write(new Uint8Array([0x42]));
    a.close();
    expect(fs.readFileSync(f, 'latin1')).toBe('AB');
    expect(() => a.write(new Uint8Array([1]))).toThrow();
    fs.rmSync(dir, { recursive: true });
  });

  it('buffered output goes out in one write when the buffer fills; larger writes pass through', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-chr-'));
    const f = path.join(dir, 'out.bin');
    const t = new FileCharBackend(f);
    const byte = new Uint8Array(1);
    for (let i = 0; i < OUTPUT_BUFFER_SIZE; i++) {
      byte[0] = i; // the frontend reuses its array, as debugcon does
      t.write(byte);
    }
    expect(fs.statSync(f).size).toBe(0); // exactly full: still held
    t.write(byte);
    expect(fs.statSync(f).size).toBe(OUTPUT_BUFFER_SIZE);
    t.write(new Uint8Array(OUTPUT_BUFFER_SIZE + 1).fill(7)); // flushes the 1 held byte, then writes through
    expect(fs.statSync(f).size).toBe(2 * OUTPUT_BUFFER_SIZE + 2);
    t.close();
    const want = Uint8Array.from({ length: OUTPUT_BUFFER_SIZE }, (_, i) => i & 0xff);
    expect(Buffer.compare(fs.readFileSync(f).subarray(0, OUTPUT_BUFFER_SIZE), want)).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  it('a host write error (a closed pipe, a full disk) drops later output instead of throwing into the guest', () => {
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcg86-chr-'));
    try {
      fs.writeFileSync(path.join(dir, 'ro'), '');
      const w = fs.openSync(path.join(dir, 'ro'), 'r'); // writes fail (EBADF)
      const b = new OutputBuffer(w, 'test fd');
      b.write(new Uint8Array([1, 2, 3]));
      expect(() => b.flush()).not.toThrow();
      b.write(new Uint8Array([4]));
      expect(() => b.close()).not.toThrow();
      expect(warn).toHaveBeenCalledTimes(1);
      fs.closeSync(w);
    } finally {
      warn.mockRestore();
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('null backend accepts writes and never calls the receiver', () => {
    const n = new NullCharBackend();
    let calls = 0;
    n.setReceiver({ canReceive: () => 16, receive: () => calls++ });
    n.write(new Uint8Array([1, 2, 3]));
    n.acceptInput();
    expect(calls).toBe(0);
  });
});
