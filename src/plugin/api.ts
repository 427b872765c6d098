// The plugin API (modelled on QEMU's TCG plugin API, qemu-plugin.h): what a `-plugin FILE.mjs`
// module's `install` receives. These types ship in the package (dist/types) for plugin authors.

/** A memory access seen by a memory callback. */
export type MemCallback = (vcpuIndex: number, vaddr: number, size: number, isStore: boolean, hwaddr: number) => void;

export interface MemCallbackOptions {
  /** Which accesses: 'r' loads, 'w' stores, 'rw' both (QEMU_PLUGIN_MEM_R/W/RW). Default 'rw'. */
  rw?: 'r' | 'w' | 'rw';
  /** Pass the physical address as `hwaddr` (else -1), as qemu_plugin_get_hwaddr. */
  phys?: boolean;
}

/** One guest instruction of a block being translated (qemu_plugin_insn). */
export interface PluginInsn {
  /** Linear address of its first byte. */
  readonly vaddr: number;
  readonly size: number;
  /** Its bytes (a copy). */
  readonly bytes: Uint8Array;
  /** Its disassembly, in the AT&T syntax QEMU's capstone gives plugins (`movl %eax, 4(%ebx)`). */
  readonly disas: string;
  /** Call cb every time this instruction is about to run. */
  registerExecCb(cb: (vcpuIndex: number) => void): void;
  /** Call cb after each memory access this instruction makes. */
  registerMemCb(cb: MemCallback, opts?: MemCallbackOptions): void;
}

/** A block being translated (qemu_plugin_tb). */
export interface PluginTb {
  /** Linear address of its first instruction. */
  readonly vaddr: number;
  readonly nInsns: number;
  readonly insns: readonly PluginInsn[];
  /** Call cb every time the block is entered. */
  registerExecCb(cb: (vcpuIndex: number) => void): void;
}

export interface PluginInfo {
  /** 'i386'. */
  readonly target: string;
  /** tcg86's version. */
  readonly version: string;
  readonly systemEmulation: true;
  readonly vcpus: number;
  /** The plugin's name (its file name without .mjs), used in error messages. */
  readonly name: string;
  /** The `arg=VALUE` items of -plugin, in order, and as a map. */
  readonly argv: readonly string[];
  readonly args: Readonly<Record<string, string>>;
}

export interface PluginApi {
  registerVcpuInitCb(cb: (vcpuIndex: number) => void): void;
  registerVcpuExitCb(cb: (vcpuIndex: number) => void): void;
  /** Called for every block translated (and, with --engine interp or where the translator interprets, for every instruction run as a block of one). */
  registerVcpuTbTransCb(cb: (tb: PluginTb) => void): void;
  registerAtexitCb(cb: () => void): void;
  /** Write text to the log (-D file, or stderr), as qemu_plugin_outs. */
  outs(text: string): void;
}

/** What a plugin module exports. */
export type PluginInstall = (api: PluginApi, info: PluginInfo) => void;
