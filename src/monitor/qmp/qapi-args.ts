// A command's arguments read as QEMU's QAPI input visitor reads them: members in schema order,
// the first problem reported with QEMU's text ("Parameter 'x' is missing", "Invalid parameter
// type for 'x', expected: integer"), and members nobody asked for refused at the end.

import { CommandError } from '../command-error.js';
import { QDict, QNum, type QObject } from './qobject.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class QapiArgs {
  private readonly visited = new Set<string>();

  constructor(private readonly dict: QDict) {}

  private take(name: string, required: boolean): QObject | undefined {
    this.visited.add(name);
    const v = this.dict.get(name);
    if (v === undefined && required) throw new CommandError(`Parameter '${name}' is missing`);
    return v;
  }

  private wrongType(name: string, expected: string): CommandError {
    return new CommandError(`Invalid parameter type for '${name}', expected: ${expected}`);
  }

  str(name: string): string;
  str(name: string, optional: true): string | undefined;
  str(name: string, optional = false): string | undefined {
    const v = this.take(name, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw this.wrongType(name, 'string');
    return v;
  }

  /** An int64 member. */
  int(name: string): bigint;
  int(name: string, optional: true): bigint | undefined;
  int(name: string, optional = false): bigint | undefined {
    const v = this.take(name, !optional);
    if (v === undefined) return undefined;
    if (!(v instanceof QNum) || typeof v.value !== 'bigint') throw this.wrongType(name, 'integer');
    if (v.value < INT64_MIN || v.value > INT64_MAX) throw new CommandError(`Parameter '${name}' expects int64`);
    return v.value;
  }

  bool(name: string, optional = false): boolean | undefined {
    const v = this.take(name, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw this.wrongType(name, 'boolean');
    return v;
  }

  /** An enum member: a string among `values`. */
  enumValue<T extends string>(name: string, values: readonly T[], optional = false): T | undefined {
    const v = this.take(name, !optional);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw this.wrongType(name, 'string');
    if (!values.includes(v as T)) throw new CommandError(`Parameter '${name}' does not accept value '${v}'`);
    return v as T;
  }

  /** A list member, each element read by `item` (QEMU names list elements 'null' in 7.2's errors). */
  list<T>(name: string, item: (v: QObject, name: string) => T, optional = false): T[] | undefined {
    const v = this.take(name, !optional);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw this.wrongType(name, 'array');
    return v.map((e) => item(e, 'null'));
  }

  /** Every member, all taken (a command whose arguments are free-form properties). */
  members(): [string, QObject][] {
    for (const k of this.dict.map.keys()) this.visited.add(k);
    return [...this.dict.map.entries()];
  }

  /** Every member must have been asked for (QEMU's check_struct). */
  done(): void {
    for (const key of this.dict.map.keys()) if (!this.visited.has(key)) throw new CommandError(`Parameter '${key}' is unexpected`);
  }
}

/** A list element that must be one of an enum's values. */
export function enumItem<T extends string>(values: readonly T[]): (v: QObject, name: string) => T {
  return (v, name) => {
    if (typeof v !== 'string') throw new CommandError(`Invalid parameter type for '${name}', expected: string`);
    if (!values.includes(v as T)) throw new CommandError(`Parameter '${name}' does not accept value '${v}'`);
    return v as T;
  };
}
