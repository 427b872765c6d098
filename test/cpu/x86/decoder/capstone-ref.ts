// Test helper: capstone-wasm as the reference x86 disassembler (lengths and text of one insn).
import { Capstone, Const, loadCapstone } from 'capstone-wasm';

export interface RefInsn {
  size: number;
  mnemonic: string;
  opStr: string;
}

export class CapstoneRef {
  private constructor(private cs16: Capstone, private cs32: Capstone) {}

  static async open(): Promise<CapstoneRef> {
    await loadCapstone();
    return new CapstoneRef(new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_16), new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32));
  }

  /** The first instruction of `bytes`, or null when capstone rejects it. */
  disasm(bytes: ArrayLike<number>, code32: boolean): RefInsn | null {
    const cs = code32 ? this.cs32 : this.cs16;
    try {
      const r = cs.disasm(Uint8Array.from(bytes), { address: 0, count: 1 });
      const i = r[0];
      return i === undefined ? null : { size: i.size, mnemonic: i.mnemonic, opStr: i.opStr };
    } catch {
      // capstone-wasm throws (with CS_ERR_OK) when nothing decodes.
      return null;
    }
  }

  close(): void {
    this.cs16.close();
    this.cs32.close();
  }
}
