// What `-machine help`, `-device help`, `-d help`, `-accel help`, `-vga help` and
// `-display help` print: the values tcg86 accepts, in qemu-system-i386 7.2's layouts.

const pad = (s: string, n: number): string => (s.length < n ? s.padEnd(n) : s);

/** Machine types: QEMU's pc (an alias of the newest i440fx version, which tcg86 follows). */
export const MACHINES: readonly { name: string; desc: string }[] = [
  { name: 'pc', desc: 'Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)' },
  { name: 'pc-i440fx-7.2', desc: 'Standard PC (i440FX + PIIX, 1996) (default)' },
];

export function machineHelp(): string {
  return 'Supported machines are:\n' + MACHINES.map((m) => `${pad(m.name, 20)} ${m.desc}\n`).join('');
}

export interface DeviceProp {
  name: string;
  type: string;
  desc: string;
  /** Shown as QEMU shows a default (a decimal number). */
  default?: number;
}

/** -device drivers with their properties (QEMU's ISA debug devices). */
export const DEVICES: readonly { name: string; bus: string; desc?: string; props: readonly DeviceProp[] }[] = [
  {
    name: 'isa-debug-exit',
    bus: 'ISA',
    props: [
      { name: 'iobase', type: 'uint32', desc: '', default: 0x501 },
      { name: 'iosize', type: 'uint32', desc: '', default: 2 },
    ],
  },
  {
    name: 'isa-debugcon',
    bus: 'ISA',
    props: [
      { name: 'chardev', type: 'str', desc: 'ID of a chardev to use as a backend' },
      { name: 'iobase', type: 'uint32', desc: '', default: 0xe9 },
      { name: 'readback', type: 'uint32', desc: '', default: 0xe9 },
    ],
  },
  { name: 'pc-testdev', bus: 'ISA', props: [] },
  { name: 'pci-testdev', bus: 'PCI', desc: 'PCI Test Device', props: [] },
];

export function deviceHelp(): string {
  return 'Misc devices:\n' + DEVICES.map((d) => `name "${d.name}", bus ${d.bus}${d.desc ? `, desc "${d.desc}"` : ''}\n`).join('');
}

/** `-device NAME,help`: the driver's properties as QEMU lists them. */
export function devicePropsHelp(name: string): string | null {
  const dev = DEVICES.find((d) => d.name === name);
  if (!dev) return null;
  const lines = dev.props.map((p) => {
    const dflt = p.default === undefined ? '' : ` (default: ${p.default})`;
    return `  ${pad(`${p.name}=<${p.type}>`, 22)} - ${p.desc}${dflt}\n`;
  });
  return `${dev.name} options:\n${lines.join('')}`;
}

/**
 * -d items: name and what it logs, in qemu-system-i386 7.2's order and words (the items it has
 * that tcg86 does not, op* fpu pcall plugin strace tid trace:, are left out; out_asm and page
 * say what tcg86 logs instead).
 */
export const LOG_ITEM_HELP: readonly [string, string][] = [
  ['out_asm', 'show generated host code (JavaScript) for each compiled TB'],
  ['in_asm', 'show target assembly code for each compiled TB'],
  ['int', 'show interrupts/exceptions in short format'],
  ['exec', 'show trace before each executed TB (lots of logs)'],
  ['cpu', 'show CPU registers before entering a TB (lots of logs)'],
  ['mmu', 'log MMU-related activities'],
  ['cpu_reset', 'show CPU state before CPU resets'],
  ['unimp', 'log unimplemented functionality'],
  ['guest_errors', 'log when the guest OS does something invalid (eg accessing a\nnon-existent register)'],
  ['page', 'show translated blocks added to and removed from the page tables'],
  ['nochain', 'do not chain compiled TBs so that "exec" and "cpu" show\ncomplete traces'],
];

export function logHelp(): string {
  return 'Log items (comma separated):\n' + LOG_ITEM_HELP.map(([n, d]) => `${pad(n, 15)} ${d}\n`).join('');
}

export function accelHelp(): string {
  return 'Accelerators supported in tcg86:\ntcg\n';
}

export const VGA_TYPES: readonly [string, string][] = [
  ['none', 'no graphic card'],
  ['std', 'standard VGA (default)'],
];

export function vgaHelp(): string {
  return VGA_TYPES.map(([n, d]) => `${pad(n, 20)} ${d}\n`).join('');
}

export const DISPLAY_TYPES: readonly string[] = ['none', 'curses', 'vnc'];

export function displayHelp(): string {
  return 'Available display backend types:\n' + DISPLAY_TYPES.map((d) => d + '\n').join('');
}
