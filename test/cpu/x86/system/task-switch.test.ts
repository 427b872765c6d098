// Hardware task switches (SDM vol. 3 7.3-7.4): call through a TSS descriptor with the back
// link and NT, iret back through the link, jmp with busy-bit hand-over, CR0.TS, and #TS for
// a TSS below the minimum limit.
import { describe, expect, it } from 'vitest';
import { CR0_TS_MASK } from '../../../../src/cpu/x86/constants.js';
import { NT_MASK } from '../../../../src/cpu/x86/flags.js';
import { load, peek16, peek32, peek8, run, type Machine } from '../harness.js';
import { ATTR_CODE16, ATTR_DATA16, ATTR_TSS16, ATTR_TSS32, GDT, SEL_TSS, TSS, TSS2, pmMachine, pmVector, setDesc, stackDword } from './pm-env.js';

const SEL_TSS2 = 0x48;

/** A second task: 32-bit TSS at TSS2 that starts at 0x1100 with EAX = 0x5678. */
function withTask2(code: number[], limit = 0x67): Machine {
  const m = pmMachine(code);
  setDesc(m, GDT, SEL_TSS2, TSS2, limit, ATTR_TSS32);
  const st = (off: number, v: number) => m.memAs.stl(TSS2 + off, v);
  st(0x20, 0x1100); // EIP
  st(0x24, 0x2); // EFLAGS
  st(0x28, 0x5678); // EAX
  st(0x38, 0x70000); // ESP
  for (const [k, sel] of [0x10, 0x08, 0x10, 0x10, 0x10, 0x10].entries()) st(0x48 + k * 4, sel);
  load(m, 0x1100, [0xb9, 0xcd, 0xab, 0x00, 0x00, 0xcf]); // mov ecx, 0xabcd; iretd
  return m;
}

const busy = (m: Machine, sel: number) => (peek8(m, GDT + sel + 5) & 0x02) !== 0;

describe('task switch', () => {
  it('call to a TSS links back; iretd with NT returns to the caller', () => {
    // call 0x48:0; mov ebx, eax; hlt
    const m = withTask2([0x9a, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x89, 0xc3, 0xf4]);
    m.interp.run(m.cpu, 1);
    const cpu = m.cpu;
    expect(cpu.tr.selector).toBe(SEL_TSS2);
    expect(cpu.eip).toBe(0x1100);
    expect(cpu.regs[0]).toBe(0x5678);
    expect(cpu.eflags & NT_MASK).toBe(NT_MASK);
    expect(peek16(m, TSS2)).toBe(SEL_TSS); // back link
    expect(busy(m, SEL_TSS) && busy(m, SEL_TSS2)).toBe(true);
    expect(peek32(m, TSS + 0x20)).toBe(0x1007); // caller's EIP saved after the call
    expect(cpu.cr0 & CR0_TS_MASK).toBe(CR0_TS_MASK);
    run(m);
    expect(pmVector(m)).toBe(-1);
    expect(cpu.tr.selector).toBe(SEL_TSS);
    expect(cpu.regs[0]).toBe(0); // the caller's EAX again
    expect(cpu.regs[3]).toBe(0);
    expect(busy(m, SEL_TSS2)).toBe(false);
    expect(peek32(m, TSS2 + 0x2c)).toBe(0xabcd); // task 2's ECX saved on the way out
    expect(peek32(m, TSS2 + 0x24) & NT_MASK).toBe(0); // iret clears NT in the saved image
  });

  it('jmp to a TSS hands the busy bit over and does not link', () => {
    const m = withTask2([0xea, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00]);
    m.interp.run(m.cpu, 1);
    expect(m.cpu.tr.selector).toBe(SEL_TSS2);
    expect(busy(m, SEL_TSS)).toBe(false);
    expect(busy(m, SEL_TSS2)).toBe(true);
    expect(m.cpu.eflags & NT_MASK).toBe(0);
    expect(peek32(m, TSS + 0x20)).toBe(0x1007);
  });

  it('a TSS with a limit below 0x67 is #TS(sel); a busy one is #GP(sel)', () => {
    const m = withTask2([0xea, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00], 0x40);
    run(m);
    expect(pmVector(m)).toBe(10);
    expect(stackDword(m, 0)).toBe(SEL_TSS2);
    expect(stackDword(m, 1)).toBe(0x1000);
    const m2 = withTask2([0xea, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00]);
    m2.memAs.stb(GDT + SEL_TSS2 + 5, 0x8b);
    run(m2);
    expect(pmVector(m2)).toBe(13);
    expect(stackDword(m2, 0)).toBe(SEL_TSS2);
  });

  it('a switch to a 286 TSS loads the upper register halves as all ones and null FS/GS (Bochs, not QEMU)', () => {
    // mov eax, 0xaaaa5555; jmp 0x48:0
    const m = pmMachine([0xb8, 0x55, 0x55, 0xaa, 0xaa, 0xea, 0x00, 0x00, 0x00, 0x00, 0x48, 0x00]);
    setDesc(m, GDT, SEL_TSS2, TSS2, 0x2b, ATTR_TSS16);
    setDesc(m, GDT, 0x50, 0, 0xffff, ATTR_CODE16); // not accessed yet
    setDesc(m, GDT, 0x58, 0, 0xffff, ATTR_DATA16);
    const st = (off: number, v: number) => m.memAs.stw(TSS2 + off, v);
    st(0x0e, 0x1100); // IP
    st(0x10, 0x0002); // FLAGS
    for (let r = 0; r < 8; r++) st(0x12 + r * 2, 0x100 + r); // AX..DI
    st(0x22, 0x58); // ES
    st(0x24, 0x50); // CS
    st(0x26, 0x58); // SS
    st(0x28, 0x58); // DS
    m.cpu.loadSegCache(4, 0x10, 0, 0xffffffff, 0x00cf9300);
    m.interp.run(m.cpu, 2);
    const cpu = m.cpu;
    expect(cpu.tr.selector).toBe(SEL_TSS2);
    expect(cpu.eip).toBe(0x1100);
    for (let r = 0; r < 8; r++) expect(cpu.regs[r]! >>> 0).toBe(0xffff0100 + r);
    expect([cpu.segSel[4], cpu.segSel[5]]).toEqual([0, 0]);
    // Every descriptor the switch loaded is marked accessed in the GDT, as the CPU does.
    expect(peek8(m, GDT + 0x50 + 5) & 1).toBe(1);
    expect(peek8(m, GDT + 0x58 + 5) & 1).toBe(1);
  });
});
