// Types for the part of capstone-wasm the decoder tests use: the package ships index.d.ts but its
// "exports" map has no "types" entry, so NodeNext resolution cannot find it.
declare module 'capstone-wasm' {
  export interface Insn {
    id: number;
    address: number | bigint;
    size: number;
    bytes: Uint8Array;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    disasm(data: number[] | Uint8Array, options?: { address?: number | bigint; count?: number }): Insn[];
    close(): void;
  }
  export const Const: { CS_ARCH_X86: number; CS_MODE_16: number; CS_MODE_32: number };
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
