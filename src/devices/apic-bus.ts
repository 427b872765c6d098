// The local APICs of an -smp machine on one bus (QEMU's local_apics[] and apic_bus_deliver):
// who an IPI or MSI is for (physical ID, logical flat/cluster, shorthands), delivery to each
// target, and which APIC the register page at 0xfee00000 shows (the running CPU's).

/** What the bus asks of each APIC (implemented by Apic). */
export interface ApicBusMember {
  /** The APIC ID register (bits 31:24). */
  readonly id: number;
  /** Whether a message for `dest` (physical or logical, per DFR/LDR) is for this APIC. */
  matchesDestination(dest: number, logical: boolean): boolean;
  /** Accept a message (fixed, lowest priority, NMI, INIT, start-up...). */
  deliverMessage(mode: number, vector: number, level: boolean, what: string): void;
}

/** Delivery mode "lowest priority" (ICR/MSI bits 10:8). */
const DM_LOWPRI = 1;

export class ApicBus<A extends ApicBusMember> {
  /** The APICs, by CPU index. */
  readonly apics: A[] = [];
  /** The APIC of the CPU now running: its registers are what 0xfee00000 shows (cpu_get_current_apic). */
  current: A | null = null;
  /**
   * Told when a message reaches an APIC (the machine ends the running CPU's turn when the
   * target is another CPU, as QEMU's round-robin kick does, so an IPI is seen without waiting
   * out a whole time slice).
   */
  onDelivered: ((target: A) => void) | null = null;
  /** Reused destination list (no allocation per IPI). */
  private readonly targets: A[] = [];

  add(apic: A): void {
    this.apics.push(apic);
    this.current ??= apic;
  }

  /**
   * The APICs an IPI or MSI reaches, in CPU order (QEMU's apic_get_delivery_bitmask and the
   * ICR shorthands: 0 the destination field, 1 self, 2 all including self, 3 all but self).
   * The list is reused by the next call.
   */
  destinations(sender: A | null, shorthand: number, dest: number, logical: boolean): readonly A[] {
    const out = this.targets;
    out.length = 0;
    for (const a of this.apics) {
      let hit: boolean;
      if (shorthand === 1) hit = a === sender;
      else if (shorthand === 2) hit = true;
      else if (shorthand === 3) hit = a !== sender;
      else hit = a.matchesDestination(dest, logical);
      if (hit) out.push(a);
    }
    return out;
  }

  /**
   * Hand a message to its targets (`targets` as destinations() gave it). Lowest priority
   * goes to the first one only: QEMU 7.2 picks the lowest-numbered APIC, without arbitration.
   */
  deliver(targets: readonly A[], mode: number, vector: number, level: boolean, what: string): void {
    const n = mode === DM_LOWPRI ? Math.min(1, targets.length) : targets.length;
    for (let i = 0; i < n; i++) {
      const t = targets[i]!;
      t.deliverMessage(mode, vector, level, what);
      this.onDelivered?.(t);
    }
  }
}
