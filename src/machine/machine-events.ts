// What the machine tells its monitors happened (QEMU's QAPI events): run-state changes,
// resets and shutdowns with their cause, migration progress. QMP turns them into event lines.

/** QEMU's ShutdownCause names, as the SHUTDOWN and RESET events report them. */
export type ShutdownCause = 'host-qmp-quit' | 'host-qmp-system-reset' | 'host-signal' | 'host-error' | 'guest-shutdown' | 'guest-reset' | 'guest-panic';

export type MachineEvent =
  | { event: 'STOP' }
  | { event: 'RESUME' }
  | { event: 'RESET'; cause: ShutdownCause }
  | { event: 'SHUTDOWN'; cause: ShutdownCause }
  | { event: 'MIGRATION'; status: string }
  | { event: 'MIGRATION_PASS'; pass: number }
  | { event: 'DEVICE_DELETED'; device: string | null; path: string };

/** A guest-initiated cause (QEMU's shutdown_caused_by_guest). */
export function causedByGuest(cause: ShutdownCause): boolean {
  return cause.startsWith('guest-');
}

export class MachineEvents {
  private readonly listeners = new Set<(ev: MachineEvent) => void>();

  on(fn: (ev: MachineEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(ev: MachineEvent): void {
    for (const fn of this.listeners) fn(ev);
  }
}
