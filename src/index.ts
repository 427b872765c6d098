// tcg86's library entry: the Machine API (build, attach output, run, inspect) and the layers
// beneath it for building other boards: the memory core, the pc board, the command-line parser.

export { Machine, argsFromOptions, type MachineOptions, type AttachOptions, type RegisterName } from './lib/machine.js';
export { CaptureCharBackend } from './lib/capture.js';
export { MemoryCharBackend, NullCharBackend, type CharBackend, type CharReceiver } from './devices/chardev.js';
export { PcMachine, MachineError, type MachineHooks, type RunState } from './machine/pc.js';
export { type MachineConfig } from './machine/config.js';
export { collectStats, formatStats, type RunStats } from './machine/stats.js';
export { parseArgs, UsageError, HelpRequest } from './cli/args.js';
export { TCG86_VERSION } from './monitor/commands.js';
/** The memory core: MemorySystem, MemoryRegion, AddressSpace, FlatView, RAMBlocks, dirty bitmaps. */
export * as memory from './memory/index.js';
/** Plugin authors' types (-plugin FILE.mjs; docs/PLUGINS.md). */
export type { PluginApi, PluginInfo, PluginInstall, PluginTb, PluginInsn, MemCallback, MemCallbackOptions } from './plugin/api.js';
