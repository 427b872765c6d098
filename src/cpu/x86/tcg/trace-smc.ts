// --trace-smc and -d page for the translator: one line per code invalidation (who wrote, which
// ram_addr range, which blocks went, why) and the page/block table changes, written to the log.

import type { InvalidationCause, TBCache } from '../../../softmmu/tb-maint.js';
import type { TranslationBlock } from '../../../softmmu/tb.js';
import { R_CS } from '../constants.js';
import type { X86CPU } from '../cpu.js';
import { decode, formatInsnText, Insn } from '../decoder/index.js';
import { GUEST_EXCEPTION } from '../exception.js';

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const CAUSES: Record<InvalidationCause, string> = { write: 'cpu store', dma: 'dma', flush: 'flush' };

/** The instruction at CS:eip as text, or '?' if its bytes cannot be fetched now. */
function describeInsn(cpu: X86CPU, eip: number): string {
  const saved = cpu.cr2;
  try {
    const insn = new Insn();
    decode(insn, cpu, eip, cpu.code32);
    return formatInsnText(insn, (cpu.segBase[R_CS]! + eip) >>> 0, cpu.code32);
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
    cpu.cr2 = saved;
    return '?';
  }
}

/**
 * The instruction that made the CPU store being handled: instruction cpu.tbInsn of the running
 * block for translated code; the interpreter keeps cpu.eip at the instruction it runs.
 */
export function storeWriter(cpu: X86CPU, cache: TBCache): { linear: number; text: string } {
  const cur = cache.current;
  const eip = cur !== null && cur.eips.length > cpu.tbInsn ? cur.eips[cpu.tbInsn]! : cpu.eip;
  return { linear: (cpu.segBase[R_CS]! + eip) >>> 0, text: describeInsn(cpu, eip) };
}

/** The line --trace-smc writes for one invalidation. */
export function smcLine(cpu: X86CPU, cache: TBCache, ramAddr: number, length: number, cause: InvalidationCause, dropped: readonly TranslationBlock[]): string {
  let who = '';
  if (cause === 'write') {
    const w = storeWriter(cpu, cache);
    who = ` by ${hex8(w.linear)} (${w.text})`;
  }
  const blocks = dropped.length === 0 ? 'no block' : dropped.map((tb) => `tb ${tb.id} pc ${hex8(tb.csBase + tb.pc)}`).join(', ');
  return `smc: ${CAUSES[cause]}${who} wrote ram ${hex8(ramAddr)}+${length}: dropped ${blocks}${cause === 'write' && dropped.includes(cache.current!) ? ' (the running block: it ends after the store)' : ''}\n`;
}

/** Point the cache's hooks at the CPU's log for --trace-smc and -d page (or clear them). */
export function installCacheLogs(cpu: X86CPU, cache: TBCache): void {
  const log = cpu.log;
  cache.pageLog = log !== null && log.page ? (line) => log.write(line) : null;
  cache.onInvalidateRange =
    log !== null && log.traceSmc ? (ramAddr, length, cause, dropped) => log.write(smcLine(cpu, cache, ramAddr, length, cause, dropped)) : null;
}
