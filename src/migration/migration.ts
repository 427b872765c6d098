// The source side of a live migration (QEMU's migration.c + ram.c pre-copy): setup, then
// iterations run between guest slices (tick), then completion with the guest stopped.
// Counters follow QEMU's MigrationInfo; `info migrate` prints them in QEMU's layout.

import type { MemorySystem } from '../memory/index.js';
import { MigrationError } from './bytes.js';
import { OutgoingChannel } from './channel.js';
import { defaultParams, type MigrationCaps, type MigrationParams } from './params.js';
import { RamSaver } from './ram-save.js';
import { SectionWriter } from './section-writer.js';
import { saveDevices, writeEos } from './save-devices.js';
import { parseMigrationUri } from './uri.js';

export type MigrationStatus = 'none' | 'setup' | 'active' | 'device' | 'completed' | 'failed' | 'cancelled';

/** What the migration asks of the machine it migrates. */
export interface MigrationVm {
  /** Stop the guest for the final phase (called between two slices). */
  stop(): void;
  /** Run the guest again after the final phase failed. */
  resume(): void;
  /** The destination has the guest now. */
  completed(): void;
  /** A line for the user (stderr), e.g. why a migration failed. */
  report(line: string): void;
  /** The status changed (QMP's MIGRATION event). */
  statusChanged?(status: MigrationStatus): void;
  /** A dirty-bitmap sync happened: `pass` is the sync count (QMP's MIGRATION_PASS event). */
  passDone?(pass: number): void;
}

/** Rate-limit window, as QEMU's BUFFER_DELAY. */
const WINDOW_MS = 100;
/** Most bytes queued on the channel before the source waits for it to drain. */
const BACKLOG_MAX = 4 * 1024 * 1024;
/**
 * Shortest iteration: a pass that ends sooner waits before the next sync, so the guest runs
 * between two syncs (QEMU's ram_save_iterate also works for tens of ms at a time); without
 * it a sync right after a few-instruction slice could find nothing dirty and stop the guest
 * of a workload that does not converge.
 */
const MIN_ITERATION_MS = 10;
/** Most bytes one tick writes, so a slice of the guest follows soon. */
const TICK_MAX = 2 * 1024 * 1024;
/**
 * Most pages one tick looks at: a zero page costs 7 bytes but reading it may cost a host page
 * fault (untouched guest RAM), which on some hosts is 100 us; the guest must not wait for that.
 */
const TICK_MAX_PAGES = 2048;

export class MigrationManager {
  status: MigrationStatus = 'none';
  readonly params: MigrationParams = defaultParams();
  readonly caps: MigrationCaps = { autoConverge: false, events: false };
  error: string | null = null;
  ram: RamSaver | null = null;
  /**
   * Milliseconds for rate limiting, downtime and the counters: wall time by default; a test
   * may pass guest time to make the iterations deterministic.
   */
  now: () => number = () => performance.now();
  private channel: OutgoingChannel | null = null;
  private readonly out = new SectionWriter();
  private guestStopped = false;
  /** Bumped per start: callbacks of an older migration are ignored. */
  private generation = 0;

  // ---- counters (ms are wall-clock) ----
  startMs = 0;
  setupMs = 0;
  totalMs = 0;
  downtimeMs = 0;
  private downtimeStart = 0;
  expectedDowntimeMs = 0;
  transferred = 0;
  /** Pages dirtied per second, from the last iteration. */
  dirtyPagesRate = 0;
  /** Pages sent in each iteration (the first is the full pass). */
  readonly pagesPerIteration: number[] = [];
  throttlePercent = 0;
  /** Times auto-converge raised the throttle in this migration. */
  throttleSteps = 0;
  private windowStart = 0;
  private windowBytes = 0;
  /** Measured bytes per ms (starts at the limit until a window is measured). */
  private bandwidth = 0;
  private iterStart = 0;
  private iterBytes = 0;
  private iterPages = 0;
  private dirtyRateHighCount = 0;

  constructor(
    private readonly sys: MemorySystem,
    private readonly vm: MigrationVm,
  ) {}

  private setStatus(status: MigrationStatus): void {
    this.status = status;
    this.vm.statusChanged?.(status);
  }

  /** Report a bitmap sync that has not been reported yet. */
  private notePass(): void {
    const n = this.ram?.syncCount ?? 0;
    if (n > this.passesReported) {
      this.passesReported = n;
      this.vm.passDone?.(n);
    }
  }
  private passesReported = 0;

  get active(): boolean {
    return this.status === 'setup' || this.status === 'active' || this.status === 'device';
  }

  /** `migrate URI`: starts now; the channel opens asynchronously (status setup until then). */
  start(uriText: string): void {
    if (this.active) throw new MigrationError('There\'s a migration process in progress');
    const uri = parseMigrationUri(uriText);
    const gen = ++this.generation;
    this.setStatus('setup');
    this.error = null;
    this.startMs = this.now();
    this.transferred = 0;
    this.downtimeMs = 0;
    this.expectedDowntimeMs = 0;
    this.pagesPerIteration.length = 0;
    this.throttlePercent = 0;
    this.throttleSteps = 0;
    this.dirtyRateHighCount = 0;
    this.ram = null;
    OutgoingChannel.open(uri).then(
      (ch) => {
        if (gen !== this.generation || this.status !== 'setup') return ch.close();
        this.channel = ch;
        ch.onFailure = (reason) => gen === this.generation && this.fail(reason);
        this.setup();
      },
      (e: unknown) => gen === this.generation && this.fail(e instanceof Error ? e.message : String(e)),
    );
  }

  private setup(): void {
    this.sys.globalDirtyLogStart();
    const ram = new RamSaver(this.sys);
    this.ram = ram;
    this.out.header();
    ram.setup(this.out);
    this.passesReported = 0;
    this.notePass();
    this.pump();
    const now = this.now();
    this.setupMs = now - this.startMs;
    this.windowStart = now;
    this.windowBytes = 0;
    this.iterStart = now;
    this.iterBytes = 0;
    this.iterPages = 0;
    this.bandwidth = this.params.maxBandwidth / 1000;
    this.setStatus('active');
  }

  /** Hand framed sections to the channel. */
  private pump(): void {
    if (this.out.pendingBytes === 0) return;
    const chunk = this.out.take();
    this.transferred += chunk.length;
    this.windowBytes += chunk.length;
    this.iterBytes += chunk.length;
    this.channel!.write(chunk);
  }

  /** One step of the iteration phase; the machine calls it between guest slices. */
  tick(): void {
    if (this.status !== 'active') return;
    const ram = this.ram!;
    const ch = this.channel!;
    if (ch.backlog > BACKLOG_MAX) return; // the channel drains while the guest runs
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      const measured = this.windowBytes / (now - this.windowStart);
      this.bandwidth = Math.min(this.params.maxBandwidth / 1000, Math.max(measured, 1));
      this.windowStart = now;
      this.windowBytes = 0;
    }
    const threshold = this.bandwidth * this.params.downtimeLimit;
    this.expectedDowntimeMs = (ram.dirtyPages * 4096) / this.bandwidth;
    const mayEnd = now - this.iterStart >= MIN_ITERATION_MS;
    if (ram.dirtyPages * 4096 <= threshold && mayEnd) {
      this.endIteration(now);
      if (ram.dirtyPages * 4096 <= threshold) {
        this.complete();
        return;
      }
    } else if (ram.dirtyPages === 0) {
      if (!mayEnd) return;
      this.endIteration(now);
    }
    const budget = Math.min(TICK_MAX, this.params.maxBandwidth / (1000 / WINDOW_MS) - this.windowBytes);
    if (budget <= 0) return;
    const before = ram.normalPages + ram.zeroPages;
    ram.send(this.out, budget, TICK_MAX_PAGES);
    this.iterPages += ram.normalPages + ram.zeroPages - before;
    this.pump();
  }

  /** A pass over the bitmap is done (or completion is near): sync, and throttle if asked. */
  private endIteration(now: number): void {
    const ram = this.ram!;
    this.pagesPerIteration.push(this.iterPages);
    const fresh = ram.sync();
    this.notePass();
    const secs = Math.max(now - this.iterStart, 1) / 1000;
    this.dirtyPagesRate = Math.round(fresh / secs);
    // QEMU's auto-converge: the guest dirtied more than threshold% of what was sent, twice.
    if (this.caps.autoConverge && fresh * 4096 > (this.iterBytes * this.params.throttleTriggerThreshold) / 100) {
      if (++this.dirtyRateHighCount >= 2) {
        this.dirtyRateHighCount = 0;
        this.throttleSteps++;
        this.throttlePercent =
          this.throttlePercent === 0
            ? this.params.cpuThrottleInitial
            : Math.min(this.params.maxCpuThrottle, this.throttlePercent + this.params.cpuThrottleIncrement);
      }
    }
    this.iterStart = now;
    this.iterBytes = 0;
    this.iterPages = 0;
  }

  /** Final phase: stop the guest, send the last pages and the device state, end the stream. */
  private complete(): void {
    const ram = this.ram!;
    const gen = this.generation;
    this.vm.stop();
    this.guestStopped = true;
    this.setStatus('device');
    this.downtimeStart = this.now();
    ram.sync();
    this.notePass();
    const before = ram.normalPages + ram.zeroPages;
    ram.send(this.out, Infinity);
    this.pagesPerIteration.push(ram.normalPages + ram.zeroPages - before);
    saveDevices(this.sys, this.out);
    writeEos(this.out);
    this.pump();
    this.channel!.finish().then(
      () => {
        if (gen !== this.generation) return;
        const now = this.now();
        this.downtimeMs = now - this.downtimeStart;
        this.totalMs = now - this.startMs;
        this.setStatus('completed');
        this.guestStopped = false;
        this.throttlePercent = 0;
        this.sys.globalDirtyLogStop();
        this.channel = null;
        this.vm.completed();
      },
      (e: unknown) => gen === this.generation && this.fail(e instanceof Error ? e.message : String(e)),
    );
  }

  /** `migrate_cancel`: the guest goes on; the destination sees a truncated stream. */
  cancel(): void {
    if (!this.active) return;
    this.generation++;
    this.setStatus('cancelled');
    this.finishSource();
  }

  private fail(reason: string): void {
    if (!this.active) return;
    this.generation++;
    this.setStatus('failed');
    this.error = reason;
    this.vm.report(`migration failed: ${reason}`);
    this.finishSource();
  }

  private finishSource(): void {
    this.totalMs = this.now() - this.startMs;
    this.throttlePercent = 0;
    this.channel?.close();
    this.channel = null;
    this.out.w.reset();
    this.sys.globalDirtyLogStop();
    if (this.guestStopped) {
      this.guestStopped = false;
      this.vm.resume();
    }
  }
}
