// The shape of a command-line option (one table entry: its names, argument, help line and what
// it does) and what is derived from the table: QEMU's -help layout and "did you mean" hints.

/** QEMU's -help groups, in QEMU's order, then tcg86's own options. */
export const OPTION_GROUPS = [
  'Standard options',
  'Block device options',
  'Display options',
  'Character device options',
  'Boot Image or Kernel specific',
  'Debug/Expert options',
  'tcg86 options',
] as const;
export type OptionGroup = (typeof OPTION_GROUPS)[number];

export interface CliOption<S> {
  /** The name without dashes. QEMU's options take one or two dashes, tcg86's own (`own`) two. */
  name: string;
  /** Other names for the same option (-M for -machine). */
  aliases?: readonly string[];
  /** tcg86's own option: shown as --name, also accepted as --name=value. */
  own?: boolean;
  /** What the argument looks like in -help; absent for an option that takes none. */
  arg?: string;
  /** The argument is optional and given only as --name=value (--stats, --stats=json). */
  optionalArg?: boolean;
  /** The -help synopsis when it is not "-name arg" (e.g. "-h or -help"). */
  synopsis?: string;
  group: OptionGroup;
  /** One help line; "\n" starts a continuation line. */
  help: string;
  /** The option takes a second argument (`--migrate-at-insn N URI`), passed as `value2`. */
  twoArgs?: boolean;
  /** Apply the option; `flag` is the option as the user typed it, for error messages. */
  apply(st: S, flag: string, value: string, value2: string): void;
}

/** The column where help text starts (QEMU's layout). */
const HELP_COLUMN = 16;

function synopsis<S>(o: CliOption<S>): string {
  if (o.synopsis) return o.synopsis;
  if (o.own) return `--${o.name}${o.arg ? (o.optionalArg ? `[=${o.arg}]` : ` ${o.arg}`) : ''}`;
  return `-${o.name}${o.arg ? ` ${o.arg}` : ''}`;
}

/** -help: a header, then one entry per option by group, as qemu-system-i386 -help prints. */
export function formatUsage<S>(header: string, options: readonly CliOption<S>[], footer: string): string {
  let out = header;
  for (const group of OPTION_GROUPS) {
    const inGroup = options.filter((o) => o.group === group);
    if (inGroup.length === 0) continue;
    out += `\n${group}:\n`;
    for (const o of inGroup) {
      const syn = synopsis(o);
      const [first, ...rest] = o.help.split('\n');
      out += syn.length < HELP_COLUMN ? syn.padEnd(HELP_COLUMN) + first + '\n' : `${syn}\n${' '.repeat(HELP_COLUMN)}${first}\n`;
      for (const line of rest) out += ' '.repeat(HELP_COLUMN) + line + '\n';
    }
  }
  return out + footer;
}

/** Edit distance (insertions, deletions, substitutions), for suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known option closest to `name` (without dashes), written as -help writes it, or null when
 * nothing is close: a prefix of a name, or at most a third of its letters different.
 */
export function suggestOption<S>(name: string, options: readonly CliOption<S>[]): string | null {
  let best: { text: string; d: number } | null = null;
  for (const o of options) {
    for (const n of [o.name, ...(o.aliases ?? [])]) {
      if (n.length < 2) continue;
      const d = n.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, n);
      if (d > Math.max(1, Math.floor(n.length / 3))) continue;
      if (!best || d < best.d) best = { text: (o.own ? '--' : '-') + n, d };
    }
  }
  return best?.text ?? null;
}
