// QMP's input tokenizer, the state machine of QEMU's json-lexer.c: bytes in, tokens out, with
// QEMU's extensions ('single-quoted' strings) and its error recovery (after a bad byte, skip to
// a bracket, a brace or a control character), so malformed input gets QEMU's replies.

export const enum Tok {
  Error,
  LCurly,
  RCurly,
  LSquare,
  RSquare,
  Colon,
  Comma,
  Integer,
  Float,
  Keyword,
  String,
  /** A token cut at MAX_TOKEN_LEN: the streamer refuses it (QEMU passes the lexer state). */
  Partial,
}

export interface Token {
  type: Tok;
  /** The token's bytes as typed (quotes and escapes included for a string). */
  text: Uint8Array;
}

/** QEMU's MAX_TOKEN_LEN: a longer token is handed on as it is and the lexer starts afresh. */
export const MAX_TOKEN_LEN = 64 * 1024 * 1024;

const enum St {
  Start,
  Whitespace,
  Keyword,
  DqString,
  DqEscape,
  SqString,
  SqEscape,
  Zero,
  Digits,
  Sign,
  Mantissa,
  MantissaDigits,
  ExpE,
  ExpSign,
  ExpDigits,
  Recovery,
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

/** What a transition does: go to a state consuming the byte, or end a token. */
const enum Act {
  Next, // consume the byte, stay in or move to `next`
  Emit, // consume the byte and emit a token of type `tok`
  EmitLookahead, // emit `tok` without the byte, then look at the byte again from Start
  Error, // consume the byte, emit an error token, recover
  Skip, // drop the token so far (whitespace) and look at the byte again from Start
  Resync, // leave recovery: look at the byte again from Start
}

export class JsonLexer {
  private state = St.Start;
  private buf = new Uint8Array(256);
  private len = 0;
  private act = Act.Next;
  private next = St.Start;
  private tok = Tok.Error;

  constructor(private readonly emit: (type: Tok, text: Uint8Array) => void) {}

  feed(data: Uint8Array): void {
    for (let i = 0; i < data.length; ) {
      // Fast paths (same result as byte by byte): the body of a string is copied in one go,
      // and recovery skips ahead, so a 100 MiB line costs memcpy speed, not a call per byte.
      const st = this.state;
      if (st === St.DqString || st === St.SqString) {
        const quote = st === St.DqString ? 0x22 : 0x27;
        let j = i;
        const limit = Math.min(data.length, i + (MAX_TOKEN_LEN + 1 - this.len));
        while (j < limit) {
          const b = data[j]!;
          if (b < 0x20 || b > 0xfd || b === quote || b === 0x5c) break;
          j++;
        }
        if (j > i) {
          this.pushRange(data, i, j);
          i = j;
          if (this.len > MAX_TOKEN_LEN) {
            this.emit(Tok.Partial, this.take());
            this.state = St.Start;
          }
          continue;
        }
      } else if (st === St.Recovery) {
        let j = i;
        while (j < data.length) {
          const b = data[j]!;
          if ((b < 0x20 && b !== 0x09) || b >= 0xfe || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d) break;
          j++;
        }
        if (j > i) {
          i = j;
          continue;
        }
      }
      this.feedByte(data[i++]!);
    }
  }

  private pushRange(data: Uint8Array, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.buf.length) {
      let cap = this.buf.length;
      while (cap < need) cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(data.subarray(from, to), this.len);
    this.len = need;
  }

  private push(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  private take(): Uint8Array {
    const t = this.buf.slice(0, this.len);
    this.len = 0;
    if (this.buf.length > 65536) this.buf = new Uint8Array(256);
    return t;
  }

  private feedByte(b: number): void {
    for (;;) {
      this.step(this.state, b);
      switch (this.act) {
        case Act.Next:
          // Recovery keeps nothing (QEMU truncates the token there).
          if (this.next !== St.Recovery) this.push(b);
          this.state = this.next;
          break;
        case Act.Emit:
          this.push(b);
          this.emit(this.tok, this.take());
          this.state = St.Start;
          break;
        case Act.EmitLookahead:
          this.emit(this.tok, this.take());
          this.state = St.Start;
          continue;
        case Act.Error:
          this.push(b);
          this.emit(Tok.Error, this.take());
          this.state = St.Recovery;
          break;
        case Act.Skip:
          this.len = 0;
          this.state = St.Start;
          continue;
        case Act.Resync:
          this.state = St.Start;
          continue;
      }
      if (this.len > MAX_TOKEN_LEN) {
        this.emit(Tok.Partial, this.take());
        this.state = St.Start;
      }
      return;
    }
  }

  private go(next: St): void {
    this.act = Act.Next;
    this.next = next;
  }
  private token(tok: Tok, lookahead: boolean): void {
    this.act = lookahead ? Act.EmitLookahead : Act.Emit;
    this.tok = tok;
  }

  /** One transition of QEMU's table, for byte b in state s. */
  private step(s: St, b: number): void {
    this.act = Act.Error;
    switch (s) {
      case St.Start:
        if (b === 0x22) this.go(St.DqString);
        else if (b === 0x27) this.go(St.SqString);
        else if (b === 0x30) this.go(St.Zero);
        else if (b >= 0x31 && b <= 0x39) this.go(St.Digits);
        else if (b === 0x2d) this.go(St.Sign);
        else if (b === 0x7b) this.token(Tok.LCurly, false);
        else if (b === 0x7d) this.token(Tok.RCurly, false);
        else if (b === 0x5b) this.token(Tok.LSquare, false);
        else if (b === 0x5d) this.token(Tok.RSquare, false);
        else if (b === 0x2c) this.token(Tok.Comma, false);
        else if (b === 0x3a) this.token(Tok.Colon, false);
        else if (b >= 0x61 && b <= 0x7a) this.go(St.Keyword);
        else if (isSpace(b)) this.go(St.Whitespace);
        return;
      case St.Whitespace:
        if (isSpace(b)) this.go(St.Whitespace);
        else this.act = Act.Skip;
        return;
      case St.Keyword:
        if (b >= 0x61 && b <= 0x7a) this.go(St.Keyword);
        else this.token(Tok.Keyword, true);
        return;
      case St.DqString:
      case St.SqString: {
        const dq = s === St.DqString;
        if (b === (dq ? 0x22 : 0x27)) this.token(Tok.String, false);
        else if (b === 0x5c) this.go(dq ? St.DqEscape : St.SqEscape);
        else if (b >= 0x20 && b <= 0xfd) this.go(s);
        return;
      }
      case St.DqEscape:
      case St.SqEscape:
        // Any printable byte: the parser judges the escape.
        if (b >= 0x20 && b <= 0xfd) this.go(s === St.DqEscape ? St.DqString : St.SqString);
        return;
      case St.Zero:
        if (b === 0x2e) this.go(St.Mantissa);
        else if (b === 0x65 || b === 0x45) this.go(St.ExpE);
        else if (!isDigit(b)) this.token(Tok.Integer, true);
        return;
      case St.Digits:
        if (isDigit(b)) this.go(St.Digits);
        else if (b === 0x2e) this.go(St.Mantissa);
        else if (b === 0x65 || b === 0x45) this.go(St.ExpE);
        else this.token(Tok.Integer, true);
        return;
      case St.Sign:
        if (b === 0x30) this.go(St.Zero);
        else if (b >= 0x31 && b <= 0x39) this.go(St.Digits);
        return;
      case St.Mantissa:
        if (isDigit(b)) this.go(St.MantissaDigits);
        return;
      case St.MantissaDigits:
        if (isDigit(b)) this.go(St.MantissaDigits);
        else if (b === 0x65 || b === 0x45) this.go(St.ExpE);
        else this.token(Tok.Float, true);
        return;
      case St.ExpE:
        if (b === 0x2b || b === 0x2d) this.go(St.ExpSign);
        else if (isDigit(b)) this.go(St.ExpDigits);
        return;
      case St.ExpSign:
        if (isDigit(b)) this.go(St.ExpDigits);
        return;
      case St.ExpDigits:
        if (isDigit(b)) this.go(St.ExpDigits);
        else this.token(Tok.Float, true);
        return;
      case St.Recovery:
        // Skip to a structural character, a control character other than tab, or 0xfe/0xff.
        if ((b < 0x20 && b !== 0x09) || b >= 0xfe || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d) this.act = Act.Resync;
        else this.go(St.Recovery);
        return;
    }
  }

  /** Forget a half-read token (the client went away). */
  reset(): void {
    this.state = St.Start;
    this.len = 0;
  }
}
