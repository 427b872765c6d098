// IrqLine: one interrupt wire between a device and whatever listens to it (QEMU's qemu_irq).
// The handler sees every level change the device drives, so edge-triggered sinks can react.

export type IrqHandler = (level: boolean) => void;

export class IrqLine {
  /** The level last driven onto the line. */
  level = false;

  constructor(private readonly handler: IrqHandler) {}

  /**
   * Drive the line. The handler is called even when the level does not change: QEMU's
   * qemu_set_irq does the same, and a level-triggered sink simply ignores repeats.
   */
  set(level: boolean): void {
    this.level = level;
    this.handler(level);
  }

  raise(): void {
    this.set(true);
  }

  lower(): void {
    this.set(false);
  }

  /** A rising then falling edge (QEMU's qemu_irq_pulse), for edge-triggered sinks. */
  pulse(): void {
    this.set(true);
    this.set(false);
  }
}
