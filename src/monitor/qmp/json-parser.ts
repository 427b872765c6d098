// QMP's message splitter and parser, as QEMU's json-streamer.c and json-parser.c: tokens are
// collected until the brackets balance (or a lone value ends), with QEMU's limits on size,
// count and nesting, then parsed into a QObject; every failure is QEMU's "JSON parse error, ..."
// text.

import { JsonLexer, Tok, type Token } from './json-lexer.js';
import { QDict, QNum, type QObject } from './qobject.js';

/** QEMU's MAX_TOKEN_SIZE, MAX_TOKEN_COUNT and MAX_NESTING. */
const MAX_TOKEN_SIZE = 64 * 1024 * 1024;
const MAX_TOKEN_COUNT = 2 * 1024 * 1024;
const MAX_NESTING = 1024;

class ParseError extends Error {}

/** Feeds bytes through the lexer; calls `emit` with a value or an error text per message. */
export class JsonMessageParser {
  private readonly lexer: JsonLexer;
  private tokens: Token[] = [];
  private braces = 0;
  private brackets = 0;
  private size = 0;

  constructor(private readonly emit: (value: QObject | null, error: string | null) => void) {
    this.lexer = new JsonLexer((type, text) => this.token(type, text));
  }

  feed(data: Uint8Array): void {
    this.lexer.feed(data);
  }

  /** Drop a half-received message (the client went away). */
  reset(): void {
    this.lexer.reset();
    this.clear();
  }

  private clear(): void {
    this.tokens = [];
    this.braces = 0;
    this.brackets = 0;
    this.size = 0;
  }

  private finish(value: QObject | null, error: string | null): void {
    this.clear();
    this.emit(value, error);
  }

  private token(type: Tok, text: Uint8Array): void {
    switch (type) {
      case Tok.LCurly:
        this.braces++;
        break;
      case Tok.RCurly:
        this.braces--;
        break;
      case Tok.LSquare:
        this.brackets++;
        break;
      case Tok.RSquare:
        this.brackets--;
        break;
      case Tok.Error:
        this.finish(null, `JSON parse error, stray '${Buffer.from(text).toString('utf8')}'`);
        return;
      default:
        break;
    }
    if (this.size + text.length + 1 > MAX_TOKEN_SIZE) return this.finish(null, 'JSON token size limit exceeded');
    if (this.tokens.length + 1 > MAX_TOKEN_COUNT) return this.finish(null, 'JSON token count limit exceeded');
    if (this.braces + this.brackets > MAX_NESTING) return this.finish(null, 'JSON nesting depth limit exceeded');
    this.tokens.push({ type, text });
    this.size += text.length;
    if ((this.braces > 0 || this.brackets > 0) && this.braces >= 0 && this.brackets >= 0) return;
    const tokens = this.tokens;
    try {
      this.finish(new Parser(tokens).parseValue(), null);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.finish(null, e.message);
    }
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private fail(msg: string): never {
    throw new ParseError(`JSON parse error, ${msg}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private pop(): Token | undefined {
    return this.tokens[this.pos++];
  }

  parseValue(): QObject {
    const t = this.peek();
    if (!t) return this.fail('premature EOI');
    switch (t.type) {
      case Tok.LCurly:
        return this.parseObject();
      case Tok.LSquare:
        return this.parseArray();
      case Tok.String:
        this.pos++;
        return parseString(t.text, (m) => this.fail(m));
      case Tok.Integer:
      case Tok.Float:
        this.pos++;
        return parseNumber(t);
      case Tok.Keyword: {
        this.pos++;
        const word = Buffer.from(t.text).toString('latin1');
        if (word === 'true') return true;
        if (word === 'false') return false;
        if (word === 'null') return null;
        return this.fail(`invalid keyword '${word}'`);
      }
      default:
        return this.fail('expecting value');
    }
  }

  private parsePair(dict: QDict): void {
    if (!this.peek()) this.fail('premature EOI');
    const keyTok = this.peek();
    const key = this.parseValue();
    if (typeof key !== 'string' || keyTok?.type !== Tok.String) this.fail('key is not a string in object');
    const colon = this.pop();
    if (!colon) this.fail('premature EOI');
    if (colon.type !== Tok.Colon) this.fail('missing : in object pair');
    const value = this.parseValue();
    if (dict.has(key as string)) this.fail('duplicate key');
    dict.set(key as string, value);
  }

  private parseObject(): QDict {
    this.pos++; // {
    const dict = new QDict();
    const first = this.peek();
    if (!first) this.fail('premature EOI');
    if (first.type !== Tok.RCurly) {
      this.parsePair(dict);
      for (let t = this.pop(); ; t = this.pop()) {
        if (!t) this.fail('premature EOI');
        if (t.type === Tok.RCurly) break;
        if (t.type !== Tok.Comma) this.fail('expected separator in dict');
        this.parsePair(dict);
      }
    } else this.pos++;
    return dict;
  }

  private parseArray(): QObject[] {
    this.pos++; // [
    const list: QObject[] = [];
    const first = this.peek();
    if (!first) this.fail('premature EOI');
    if (first.type !== Tok.RSquare) {
      list.push(this.parseValue());
      for (let t = this.pop(); ; t = this.pop()) {
        if (!t) this.fail('premature EOI');
        if (t.type === Tok.RSquare) break;
        if (t.type !== Tok.Comma) this.fail('expected separator in list');
        list.push(this.parseValue());
      }
    } else this.pos++;
    return list;
  }
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** QEMU's parse_literal: int64 if it fits, else uint64 (no sign), else a double. */
function parseNumber(t: Token): QNum {
  const text = Buffer.from(t.text).toString('latin1');
  if (t.type === Tok.Integer) {
    const v = BigInt(text);
    if (v >= INT64_MIN && v <= UINT64_MAX && (v < 2n ** 63n || !text.startsWith('-'))) return new QNum(v);
  }
  return new QNum(Number(text));
}

const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x27: 0x27, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

function hex4(text: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const c = text[at + i];
    if (c === undefined) return -1;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** QEMU's parse_string: the escapes, surrogate pairs and UTF-8 checks, with its error texts. */
function parseString(text: Uint8Array, fail: (msg: string) => never): string {
  const out: number[] = [];
  const end = text.length - 1; // the closing quote
  let k = 1;
  while (k < end) {
    const c = text[k]!;
    if (c !== 0x5c) {
      out.push(c);
      k++;
      continue;
    }
    const e = text[k + 1]!;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
      k += 2;
      continue;
    }
    if (e !== 0x75) fail('invalid escape sequence in string');
    const begin = k;
    // A bad hex digit makes the code point invalid (QEMU's cvt4hex gives -1).
    let cp = hex4(text, k + 2);
    k = Math.min(k + 6, text.length);
    if (cp >= 0xd800 && cp <= 0xdbff && text[k] === 0x5c && text[k + 1] === 0x75) {
      const trail = hex4(text, k + 2);
      if (trail >= 0xdc00 && trail <= 0xdfff) {
        cp = 0x10000 + ((cp & 0x3ff) << 10) + (trail & 0x3ff);
        k += 6;
      } else cp = -1;
    }
    if (cp <= 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
      fail(`${Buffer.from(text.subarray(begin, k)).toString('latin1')} is not a valid Unicode character`);
    }
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(out));
  } catch {
    return fail('invalid UTF-8 sequence in string');
  }
}
