// Guest exceptions travel as one preallocated thrown object; the vector and error code sit
// in the CPU. Throwing a plain sentinel costs no stack capture and no allocation.

/** Thrown to abandon the current instruction; the cpu loop delivers cpu.excVector. */
export const GUEST_EXCEPTION = Object.freeze({ guestException: true });

/** Thrown to leave the execution loop without an exception (halt, reset, exit request). */
export const CPU_EXIT = Object.freeze({ cpuExit: true });

export function isGuestException(e: unknown): boolean {
  return e === GUEST_EXCEPTION;
}

/** The CPU hit a triple fault: the machine resets or, with -no-reboot, stops. */
export class TripleFault extends Error {
  constructor(readonly registers: string) {
    super('triple fault');
  }
}
