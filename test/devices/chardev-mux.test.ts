// The mux chardev (-nographic's mon:stdio): input goes to the focused frontend, C-a c moves
// the focus, and the end of input reaches every frontend, also those attached after it ended.
import { describe, expect, it } from 'vitest';
import { MemoryCharBackend, type CharReceiver } from '../../src/devices/chardev.js';
import { MuxChardev } from '../../src/devices/chardev-mux.js';

class Frontend implements CharReceiver {
  bytes: number[] = [];
  ended = false;
  events: string[] = [];
  canReceive(): number {
    return 16;
  }
  receive(data: Uint8Array): void {
    this.bytes.push(...data);
  }
  event(ev: 'mux-in' | 'mux-out'): void {
    this.events.push(ev);
  }
  inputEnded(): void {
    this.ended = true;
  }
}

function muxWith(backend: MemoryCharBackend, n: number): Frontend[] {
  const mux = new MuxChardev(backend);
  const fronts = Array.from({ length: n }, () => new Frontend());
  for (const f of fronts) mux.attach().setReceiver(f);
  mux.start();
  return fronts;
}

describe('mux chardev', () => {
  it('input goes to the first frontend; C-a c gives it to the next, with mux-out/mux-in events', () => {
    const backend = new MemoryCharBackend();
    const [serial, monitor] = muxWith(backend, 2);
    backend.inject('ab\x01cxy');
    backend.acceptInput();
    expect(String.fromCharCode(...serial!.bytes)).toBe('ab');
    expect(String.fromCharCode(...monitor!.bytes)).toBe('xy');
    expect(serial!.events).toEqual(['mux-in', 'mux-out']);
    expect(monitor!.events).toEqual(['mux-in']);
  });

  it('the end of input reaches every frontend, after the bytes before it', () => {
    const backend = new MemoryCharBackend();
    const [serial, monitor] = muxWith(backend, 2);
    backend.inject('q');
    backend.endInput();
    backend.acceptInput();
    expect(serial!.bytes).toEqual([0x71]);
    expect(serial!.ended).toBe(true);
    expect(monitor!.ended).toBe(true);
  });

  it('a frontend attached after the input ended (stdin was /dev/null) is told at once', () => {
    const backend = new MemoryCharBackend();
    backend.endInput(); // nothing will ever come, known before the mux exists
    const [serial, monitor] = muxWith(backend, 2);
    expect(serial!.ended).toBe(true);
    expect(monitor!.ended).toBe(true);
  });
});
