// 4 MiB pages in 32-bit paging (SDM vol. 3, 4.3): PDE bits 13 and up carry physical address
// bits 32..MAXPHYADDR-1 (PSE-36), the rest of bits 13-21 are reserved and fault with RSVD.
import { describe, expect, it } from 'vitest';
import { CR0_PG_MASK, CR4_PSE_MASK } from '../../../../src/cpu/x86/constants.js';
import { poke32, run } from '../harness.js';
import { pmMachine, pmVector, stackDword } from './pm-env.js';

const PD = 0x10000;

/** mov eax, [0x400000]; hlt — with PDE[0] an identity 4 MiB page and PDE[1] = pde1. */
function withPde1(pde1: number, physAddrBits?: number) {
  const m = pmMachine([0xa1, 0x00, 0x00, 0x40, 0x00, 0xf4]);
  const cpu = m.cpu;
  if (physAddrBits !== undefined) cpu.physAddrBits = physAddrBits;
  poke32(m, PD, 0x00000083); // 0-4 MiB: present, writable, 4 MiB
  poke32(m, PD + 4, pde1);
  cpu.cr3 = PD;
  cpu.cr4 |= CR4_PSE_MASK;
  cpu.cr0 |= CR0_PG_MASK;
  cpu.updateMmuIdx(); // paging on: the kernel MMU index, not the physical one
  cpu.mmu.tlb.flushAll();
  run(m);
  return m;
}

describe('32-bit paging: 4 MiB pages', () => {
  it('bit 21 of a 4 MiB PDE is reserved: #PF with RSVD|P, CR2 the address', () => {
    const m = withPde1(0x00400083 | (1 << 21));
    expect(pmVector(m)).toBe(14);
    expect(stackDword(m, 0)).toBe(0x9);
    expect(m.cpu.cr2 >>> 0).toBe(0x400000);
  });

  it('with 36 physical address bits, bits 13-16 are address bits 32-35 and bit 17 is reserved', () => {
    const ok = withPde1(0x00400083 | (1 << 13), 36);
    expect(pmVector(ok)).toBe(-1); // mapped above 4 GiB (unassigned, reads 0): no fault
    const bad = withPde1(0x00400083 | (1 << 17), 36);
    expect(pmVector(bad)).toBe(14);
    expect(stackDword(bad, 0)).toBe(0x9);
  });

  it('without PSE-36 (32 address bits) every one of bits 13-21 is reserved', () => {
    const m = withPde1(0x00400083 | (1 << 13), 32);
    expect(pmVector(m)).toBe(14);
    expect(stackDword(m, 0)).toBe(0x9);
  });
});
