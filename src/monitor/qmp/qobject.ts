// QMP's values as QEMU's QObject holds them, and their JSON text as QEMU 7.2 writes it:
// ", " and ": " separators, non-ASCII as uppercase \uXXXX, doubles as %.17g, and a
// dictionary's members in QDict's iteration order (hash bucket, newest first within a bucket),
// which is why `query-version` reads {"micro": 0, "minor": 2, "major": 7}.

/** A JSON number as parsed: an integer (int64 or uint64 range) or a double. */
export class QNum {
  constructor(readonly value: bigint | number) {}
}

/** A parsed JSON object (keys unique, insertion order kept for the hash order's ties). */
export class QDict {
  readonly map = new Map<string, QObject>();
  get(key: string): QObject | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  set(key: string, value: QObject): void {
    this.map.set(key, value);
  }
}

/** What a reply may hold: parsed values, or plain JS values and objects built by commands. */
export type QObject = null | boolean | string | number | bigint | QNum | QDict | QObject[] | { [key: string]: QObject | undefined };

/** QDict's bucket count (QDICT_BUCKET_MAX). */
const QDICT_BUCKETS = 512;

/** QDict's hash of a key (tdb_hash), over the key's UTF-8 bytes. */
function tdbHash(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i++) value = (value + ((bytes[i]! << ((i * 5) % 24)) >>> 0)) >>> 0;
  return (Math.imul(1103515243, value) + 12345) >>> 0;
}

/** The members in the order QEMU's qdict_first/qdict_next walk them. */
export function qdictOrder(keys: readonly string[]): string[] {
  const withBucket = keys.map((k, i) => ({ k, i, b: tdbHash(k) % QDICT_BUCKETS }));
  // Within a bucket the newest insertion comes first (QLIST_INSERT_HEAD).
  withBucket.sort((x, y) => x.b - y.b || y.i - x.i);
  return withBucket.map((e) => e.k);
}

/** C's printf("%.17g"), which QEMU uses for a double. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential(16).split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 17) {
    const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(16 - exp);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        if (cp < 0x20 || cp >= 0x7f) {
          const hex = (n: number) => '\\u' + n.toString(16).toUpperCase().padStart(4, '0');
          if (cp > 0xffff) {
            const v = cp - 0x10000;
            out += hex(0xd800 | (v >> 10)) + hex(0xdc00 | (v & 0x3ff));
          } else out += hex(cp);
        } else out += ch;
    }
  }
  return out + '"';
}

/** QEMU's qobject_to_json (not pretty). Object members whose value is undefined are absent. */
export function toJson(v: QObject): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatDouble(v);
  if (v instanceof QNum) return typeof v.value === 'bigint' ? v.value.toString() : formatDouble(v.value);
  if (Array.isArray(v)) return '[' + v.map(toJson).join(', ') + ']';
  const entries = v instanceof QDict ? v.map : new Map(Object.entries(v).filter((e): e is [string, QObject] => e[1] !== undefined));
  const keys = qdictOrder([...entries.keys()]);
  return '{' + keys.map((k) => `${quote(k)}: ${toJson(entries.get(k)!)}`).join(', ') + '}';
}
