// Far control transfers (SDM vol. 2 CALL/JMP/RET/IRET): a ring-3 call through a 386 call gate
// with parameter copy onto the TSS stack and retf imm back, 32<->16-bit far call/jmp/retf,
// privilege faults, and iret in V86 mode at IOPL 0.
import { describe, expect, it } from 'vitest';
import { R_CS, R_ESP, R_SS } from '../../../../src/cpu/x86/constants.js';
import { load, peek32, peek8, run } from '../harness.js';
import { GDT, SEL_CODE16, SEL_CODE32, STACK0, STACK3, pmMachine, pmVector, setCallGate, stackDword } from './pm-env.js';

// push 33; push 80000; push 2; push 2b; push r3; iretd
// r3: push 22222222; push 11111111; call 0x4b:0; mov ecx, ds; hlt
const RING3_GATE = [
  0x6a, 0x33, 0x68, 0x00, 0x00, 0x08, 0x00, 0x6a, 0x02, 0x6a, 0x2b, 0x68, 0x11, 0x10, 0x00, 0x00, 0xcf, 0x68, 0x22, 0x22, 0x22, 0x22,
  0x68, 0x11, 0x11, 0x11, 0x11, 0x9a, 0x00, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x8c, 0xd9, 0xf4,
];

describe('call gates', () => {
  it('ring 3 -> ring 0 through a DPL 3 gate with 2 parameters, then retf 8 back', () => {
    const m = pmMachine(RING3_GATE);
    setCallGate(m, 0x48, 0x1100, SEL_CODE32, 2, 0xec);
    // Target: hlt first (to inspect the inner frame), then mov edx, ss; retf 8.
    load(m, 0x1100, [0xf4, 0x8c, 0xd2, 0xca, 0x08, 0x00]);
    run(m);
    const cpu = m.cpu;
    expect(cpu.eip).toBe(0x1101);
    expect(cpu.cpl).toBe(0);
    expect(cpu.segSel[R_SS]).toBe(0x10);
    expect(cpu.regs[R_ESP]! >>> 0).toBe(STACK0 - 24);
    // EIP CS p1 p2 ESP SS: parameters keep their order.
    expect([0, 1, 2, 3, 4, 5].map((k) => stackDword(m, k))).toEqual([0x1022, 0x2b, 0x11111111, 0x22222222, STACK3 - 8, 0x33]);
    cpu.halted = false;
    run(m);
    // Back in ring 3 the final hlt is privileged: its #GP frame shows where retf 8 landed.
    expect(pmVector(m)).toBe(13);
    expect([1, 2, 4, 5].map((k) => stackDword(m, k))).toEqual([0x1024, 0x2b, STACK3, 0x33]);
    expect(cpu.regs[2]! & 0xffff).toBe(0x10); // the gate target saw SS = 0x10
    expect(cpu.regs[1]).toBe(0); // DS was nulled by the first return to ring 3
  });

  it('a call to DPL 0 non-conforming code from ring 3 is #GP(sel)', () => {
    // Same ring-3 entry, but call 0x08:0 directly.
    const code = RING3_GATE.slice();
    code[32] = 0x08;
    const m = pmMachine(code);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect(stackDword(m, 0)).toBe(0x08);
  });
});

describe('far transfers between 32- and 16-bit code', () => {
  it('call 32->16, o32 retf back, jmp to 16-bit code, jmp dword back', () => {
    // 1000: call 0x18:0x1200; jmp 0x18:0x1204     1020: hlt
    // 1200 (16-bit): mov ax, cs; o32 retf; mov bx, cs; jmp dword 0x08:0x1020
    const m = pmMachine([0x9a, 0x00, 0x12, 0x00, 0x00, 0x18, 0x00, 0xea, 0x04, 0x12, 0x00, 0x00, 0x18, 0x00]);
    load(m, 0x1020, [0xf4]);
    load(m, 0x1200, [0x8c, 0xc8, 0x66, 0xcb, 0x8c, 0xcb, 0x66, 0xea, 0x20, 0x10, 0x00, 0x00, 0x08, 0x00]);
    run(m);
    const cpu = m.cpu;
    expect(pmVector(m)).toBe(-1);
    expect(cpu.eip).toBe(0x1021);
    expect(cpu.regs[0]! & 0xffff).toBe(SEL_CODE16);
    expect(cpu.regs[3]! & 0xffff).toBe(SEL_CODE16);
    expect(cpu.code32).toBe(true);
    expect(cpu.regs[R_ESP]! >>> 0).toBe(STACK0);
    expect(peek32(m, STACK0 - 8)).toBe(0x1007); // the pushed return EIP
  });
});

describe('iret in V86 mode', () => {
  it('at IOPL 0 is #GP(0)', () => {
    // iretd into V86 at 0500:0000 (IOPL 0), where an iret waits
    const m = pmMachine([
      0x6a, 0x00, 0x6a, 0x00, 0x6a, 0x00, 0x6a, 0x00, 0x68, 0x00, 0x70, 0x00, 0x00, 0x68, 0xf0, 0xff, 0x00, 0x00, 0x68, 0x02, 0x00, 0x02,
      0x00, 0x68, 0x00, 0x05, 0x00, 0x00, 0x6a, 0x00, 0xcf,
    ]);
    load(m, 0x5000, [0xcf]);
    run(m);
    expect(pmVector(m)).toBe(13);
    expect([0, 1, 2].map((k) => stackDword(m, k))).toEqual([0, 0, 0x500]);
  });
});

describe('accessed bits', () => {
  it('every segment load sets the descriptor\'s accessed bit: far jmp, the ring-3 iret and the call gate\'s CS and inner SS', () => {
    const m = pmMachine(RING3_GATE);
    setCallGate(m, 0x48, 0x1100, SEL_CODE32, 2, 0xec);
    load(m, 0x1100, [0xf4]);
    const aBit = (sel: number) => peek8(m, GDT + (sel & 0xfff8) + 5) & 1;
    for (const sel of [0x08, 0x10, 0x28, 0x30]) m.memAs.stb(GDT + sel + 5, peek8(m, GDT + sel + 5) & ~1);
    run(m);
    expect(m.cpu.eip).toBe(0x1101);
    // 0x2b/0x33: iretd to ring 3 (CS, SS); 0x08: the gate's code segment; 0x10: SS from the TSS.
    expect([0x08, 0x10, 0x28, 0x30].map(aBit)).toEqual([1, 1, 1, 1]);
  });
});
