// A failed monitor command, as QEMU's Error: QMP replies with its class and desc, HMP prints
// "Error: desc" (hmp_handle_error). Commands shared by both monitors throw it.

/** QEMU's QapiErrorClass names. */
export type ErrorClass = 'GenericError' | 'CommandNotFound' | 'DeviceNotFound' | 'KVMMissingCap';

export class CommandError extends Error {
  constructor(
    readonly desc: string,
    readonly errorClass: ErrorClass = 'GenericError',
  ) {
    super(desc);
  }
}
