// Expressions in monitor commands (QEMU's HMP expr): numbers in C notation, $registers,
// + - * / % & | ^ ~ and parentheses, evaluated in 64-bit unsigned arithmetic.

import type { X86CPU } from '../cpu/x86/cpu.js';

/** A command's error, printed by the monitor; `usage` adds QEMU's pointer to the help. */
export class MonitorError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const GPRS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];

/** The value of $name (QEMU's monitor_defs for i386), or undefined if there is no such register. */
export function registerValue(cpu: X86CPU, name: string): bigint | undefined {
  const n = name.toLowerCase();
  const gpr = GPRS.indexOf(n);
  if (gpr >= 0) return BigInt(cpu.regs[gpr]! >>> 0);
  if (n === 'eip') return BigInt(cpu.eip >>> 0);
  if (n === 'pc') return BigInt((cpu.eip + cpu.segBase[1]!) >>> 0);
  if (n === 'eflags') return BigInt(cpu.getEflags() >>> 0);
  const [segName, field] = n.split('.', 2) as [string, string | undefined];
  const seg = SEGS.indexOf(segName);
  if (seg >= 0) {
    if (field === undefined) return BigInt(cpu.segSel[seg]!);
    if (field === 'base') return BigInt(cpu.segBase[seg]! >>> 0);
    if (field === 'limit') return BigInt(cpu.segLimit[seg]!);
  }
  return undefined;
}

const MASK64 = (1n << 64n) - 1n;

/** Parses and evaluates one expression at the start of `text`; `rest` is what follows it. */
export class ExprParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly cpu: X86CPU,
  ) {}

  get rest(): string {
    return this.text.slice(this.pos);
  }

  parse(): bigint {
    const v = this.sum();
    return v & MASK64;
  }

  private skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }

  private sum(): bigint {
    let v = this.product();
    for (;;) {
      const c = this.peek();
      if (c !== '+' && c !== '-' && c !== '&' && c !== '|' && c !== '^') return v;
      this.pos++;
      const w = this.product();
      if (c === '+') v += w;
      else if (c === '-') v -= w;
      else if (c === '&') v &= w;
      else if (c === '|') v |= w;
      else v ^= w;
      v &= MASK64;
    }
  }

  private product(): bigint {
    let v = this.unary();
    for (;;) {
      const c = this.peek();
      if (c !== '*' && c !== '/' && c !== '%') return v;
      this.pos++;
      const w = this.unary();
      if (c === '*') v = (v * w) & MASK64;
      else {
        if (w === 0n) throw new MonitorError('division by zero');
        v = c === '/' ? v / w : v % w;
      }
    }
  }

  private unary(): bigint {
    const c = this.peek();
    if (c === '+') {
      this.pos++;
      return this.unary();
    }
    if (c === '-') {
      this.pos++;
      return -this.unary() & MASK64;
    }
    if (c === '~') {
      this.pos++;
      return ~this.unary() & MASK64;
    }
    if (c === '(') {
      this.pos++;
      const v = this.sum();
      if (this.peek() !== ')') throw new MonitorError("')' expected");
      this.pos++;
      return v;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][\w.]*)/.exec(this.text.slice(this.pos));
      if (!m) throw new MonitorError('register name expected after $');
      const v = registerValue(this.cpu, m[1]!);
      if (v === undefined) throw new MonitorError(`unknown register '${m[1]}'`);
      this.pos += m[0].length;
      return v;
    }
    const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(this.text.slice(this.pos));
    if (!m) throw new MonitorError(c ? `invalid char '${c}' in expression` : 'unexpected end of expression', true);
    this.pos += m[0].length;
    const t = m[0];
    if (/^0[xX]/.test(t)) return BigInt(t);
    if (t.length > 1 && t[0] === '0') return BigInt('0o' + t.slice(1));
    return BigInt(t);
  }
}

/** Evaluate a whole argument as one expression (trailing text is an error). */
export function evalExpr(text: string, cpu: X86CPU): bigint {
  const p = new ExprParser(text, cpu);
  const v = p.parse();
  if (p.rest.trim() !== '') throw new MonitorError(`extraneous characters at the end of line: '${p.rest.trim()}'`);
  return v;
}
