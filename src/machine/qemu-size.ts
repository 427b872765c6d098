// QEMU's size syntax (util/cutils.c do_strtosz, 7.2): what -m, -object ...,size= and the
// monitors' object_add read. Shared by the command line and the monitors.

const TWO64 = 2n ** 64n;
const SUFFIXES = 'BKMGTPE';

/**
 * QEMU 7.2's do_strtosz: an integer (or 0x hex) with an optional fraction and suffix, the
 * default suffix applying when there is none; null when invalid or 2^64 or more.
 */
export function strtosz(text: string, defaultSuffix: 'B' | 'M', warnings: string[]): bigint | null {
  const m = /^\s*(\d*)/.exec(text)!;
  if (m[1] === '') return null;
  let rest = text.slice(m[0].length);
  let val = BigInt(m[1]!);
  let fraction = 0;
  let hex = false;
  if (val === 0n && /^[xX]/.test(rest)) {
    const h = /^[xX]([0-9a-fA-F]+)/.exec(rest);
    if (!h) return null;
    val = BigInt('0x' + h[1]);
    rest = rest.slice(h[0].length);
    if (rest.startsWith('.')) return null;
    hex = true;
  } else if (rest.startsWith('.')) {
    const f = /^\.\d*(?:[eE][+-]?\d+)?/.exec(rest)!;
    if (/[eE]/.test(f[0])) return null;
    fraction = Number('0' + f[0]);
    rest = rest.slice(f[0].length);
  }
  if (val >= TWO64) return null;
  let suffix = rest[0]?.toUpperCase();
  if (suffix !== undefined && SUFFIXES.includes(suffix)) {
    if (hex) warnings.push(`Using a multiplier suffix on hex numbers is deprecated: ${text}`);
    rest = rest.slice(1);
  } else suffix = defaultSuffix;
  if (rest !== '') return null;
  const mul = 1024n ** BigInt(SUFFIXES.indexOf(suffix));
  // A fraction needs a scale (QEMU refuses "1.5" in bytes); it is rounded to the nearest byte.
  if (mul === 1n && fraction !== 0) return null;
  const result = val * mul + BigInt(Math.round(fraction * Number(mul)));
  return result < TWO64 ? result : null;
}

