// The -cpu models: the CPUID values QEMU 7.2 reports for each under TCG (recorded by the
// roms/src/cpuid*.asm goldens), QEMU's names for the feature bits, the mask of features tcg86
// does not implement, and resolving "MODEL,+feat,-feat,feat=on" into one CPU definition.

/** Feature words tcg86 models, indices into FeatureWords (QEMU's FeatureWord names). */
export const FEAT_1_EDX = 0;
export const FEAT_1_ECX = 1;
export const FEAT_8000_0001_EDX = 2;
export const FEAT_8000_0001_ECX = 3;

/** The four feature words as unsigned 32-bit values. */
export type FeatureWords = readonly [number, number, number, number];

// CPUID.01H:EDX bits the CPU consults.
export const CPUID_FP87 = 1 << 0;
export const CPUID_VME = 1 << 1;
export const CPUID_DE = 1 << 2;
export const CPUID_PSE = 1 << 3;
export const CPUID_TSC = 1 << 4;
export const CPUID_MSR = 1 << 5;
export const CPUID_PAE = 1 << 6;
export const CPUID_MCE = 1 << 7;
export const CPUID_CX8 = 1 << 8;
export const CPUID_APIC = 1 << 9;
export const CPUID_MTRR = 1 << 12;
export const CPUID_PGE = 1 << 13;
export const CPUID_MCA = 1 << 14;
export const CPUID_CMOV = 1 << 15;
export const CPUID_PSE36 = 1 << 17;
export const CPUID_MMX = 1 << 23;
export const CPUID_FXSR = 1 << 24;
export const CPUID_SSE = 1 << 25;
// CPUID.80000001H:EDX.
export const CPUID_EXT2_SYSCALL = 1 << 11;
export const CPUID_EXT2_NX = 1 << 20;
export const CPUID_EXT2_LM = 1 << 29;
/** The 80000001H:EDX bits an AMD CPU mirrors from 01H:EDX (QEMU's CPUID_EXT2_AMD_ALIASES). */
export const CPUID_EXT2_AMD_ALIASES = 0x0183f3ff;

interface FeatureWordInfo {
  /** How QEMU names the register in its warnings. */
  readonly reg: string;
  /** QEMU's feature names by bit (null: no name; the AMD alias bits have none). */
  readonly names: readonly (string | null)[];
}

const n = null;
export const FEATURE_WORDS: readonly FeatureWordInfo[] = [
  {
    reg: 'CPUID.01H:EDX',
    names: [
      'fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce',
      'cx8', 'apic', n, 'sep', 'mtrr', 'pge', 'mca', 'cmov',
      'pat', 'pse36', 'pn', 'clflush', n, 'ds', 'acpi', 'mmx',
      'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe',
    ],
  },
  {
    reg: 'CPUID.01H:ECX',
    names: [
      'pni', 'pclmulqdq', 'dtes64', 'monitor', 'ds-cpl', 'vmx', 'smx', 'est',
      'tm2', 'ssse3', 'cid', n, 'fma', 'cx16', 'xtpr', 'pdcm',
      n, 'pcid', 'dca', 'sse4.1', 'sse4.2', 'x2apic', 'movbe', 'popcnt',
      'tsc-deadline', 'aes', 'xsave', n, 'avx', 'f16c', 'rdrand', 'hypervisor',
    ],
  },
  {
    reg: 'CPUID.80000001H:EDX',
    names: [
      n, n, n, n, n, n, n, n,
      n, n, n, 'syscall', n, n, n, n,
      n, n, n, n, 'nx', n, 'mmxext', n,
      n, 'fxsr-opt', 'pdpe1gb', 'rdtscp', n, 'lm', '3dnowext', '3dnow',
    ],
  },
  {
    reg: 'CPUID.80000001H:ECX',
    names: [
      'lahf-lm', 'cmp-legacy', 'svm', 'extapic', 'cr8legacy', 'abm', 'sse4a', 'misalignsse',
      '3dnowprefetch', 'osvw', 'ibs', 'xop', 'skinit', 'wdt', n, 'lwp',
      'fma4', 'tce', n, 'nodeid-msr', n, 'tbm', 'topoext', 'perfctr-core',
      'perfctr-nb', n, n, n, n, n, n, n,
    ],
  },
];

/** QEMU's other spellings of feature names (after '_' became '-', as QEMU's feat2prop does). */
const FEATURE_ALIASES: Readonly<Record<string, string>> = {
  xd: 'nx',
  sse3: 'pni',
  pclmuldq: 'pclmulqdq',
  'sse4-1': 'sse4.1',
  'sse4-2': 'sse4.2',
  ffxsr: 'fxsr-opt',
  i64: 'lm',
};

/** Where a feature name (any QEMU spelling) lives: word and bit, or null if tcg86 knows no such feature. */
export function findFeature(name: string): { word: number; bit: number; name: string } | null {
  let key = name.toLowerCase().replace(/_/g, '-');
  key = FEATURE_ALIASES[key] ?? key;
  for (let word = 0; word < FEATURE_WORDS.length; word++) {
    const bit = FEATURE_WORDS[word]!.names.indexOf(key);
    if (bit >= 0) return { word, bit, name: key };
  }
  return null;
}

/**
 * Features tcg86 implements, by QEMU name. Everything else is in UNIMPLEMENTED_FEATURES and never
 * reported, whatever the model or the command line says: no SSE/SYSENTER/CLFLUSH/long
 * mode, no VME, no x2APIC. A model without `fpu` (or `-fpu`) runs x87 escapes as a 386 without a 387. `ss`
 * (self-snoop), `hypervisor` and `lahf-lm` ask for no instructions that tcg86 lacks.
 */
const IMPLEMENTED = [
  'fpu', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', 'mtrr', 'pge', 'mca', 'cmov', 'pat', 'pse36', 'ss',
  'mmx', 'fxsr',
  'hypervisor',
  'nx',
  'lahf-lm',
];

function implementedMask(): FeatureWords {
  const w = [0, 0, 0, 0];
  for (const name of IMPLEMENTED) {
    const f = findFeature(name)!;
    w[f.word]! |= 1 << f.bit;
  }
  // An AMD CPU's 80000001H:EDX copies of the 01H:EDX bits follow the originals.
  w[FEAT_8000_0001_EDX]! |= w[FEAT_1_EDX]! & CPUID_EXT2_AMD_ALIASES;
  return w.map((v) => v >>> 0) as unknown as FeatureWords;
}

/** QEMU's ucode_rev default: what IA32_BIOS_SIGN_ID reads (after CPUID) on a model. */
export function microcodeRevision(isAmd: boolean): bigint {
  return isAmd ? 0x01000065n : 0x100000000n;
}

/** The one mask applied to every model: feature bits tcg86 does not implement (never reported). */
export const UNIMPLEMENTED_FEATURES: FeatureWords = implementedMask().map((v) => ~v >>> 0) as unknown as FeatureWords;

export interface CpuModel {
  readonly name: string;
  /** 12 characters. */
  readonly vendor: 'GenuineIntel' | 'AuthenticAMD';
  readonly family: number;
  readonly model: number;
  readonly stepping: number;
  /** Highest basic and extended leaves. */
  readonly level: number;
  readonly xlevel: number;
  /** The feature words QEMU 7.2 reports for the model under TCG. */
  readonly features: FeatureWords;
  /** The brand string (leaves 80000002h-80000004h), also the -cpu help description. */
  readonly modelId: string;
  /** CPUID.06H:EAX (power management: ARAT, bit 2, on max). */
  readonly leaf6Eax?: number;
  /**
   * Features of the model that qemu-system-i386's TCG cannot run either: QEMU drops them with
   * its warning whatever the command line says (qemu64's long mode and syscall).
   */
  readonly qemuDrops?: readonly string[];
  /** An unversioned model (max): -cpu help's description, and no NAME-v1 alias. */
  readonly description?: string;
}

const INTEL = 'GenuineIntel';
const AMD = 'AuthenticAMD';
const QEMU_ID = 'QEMU Virtual CPU version 2.5+';

/** QEMU 7.2's 32-bit models; `qemu32` is the default. */
export const CPU_MODELS: readonly CpuModel[] = [
  { name: 'qemu32', vendor: INTEL, family: 6, model: 6, stepping: 3, level: 4, xlevel: 0x80000004,
    features: [0x0781abfd, 0x80000001, 0, 0], modelId: QEMU_ID },
  { name: 'kvm32', vendor: INTEL, family: 15, model: 6, stepping: 1, level: 5, xlevel: 0x80000008,
    features: [0x078bfbfd, 0x80000001, 0, 0], modelId: 'Common 32-bit KVM processor' },
  { name: '486', vendor: INTEL, family: 4, model: 8, stepping: 0, level: 1, xlevel: 0,
    features: [0x00000009, 0x80000000, 0, 0], modelId: '' },
  { name: 'pentium', vendor: INTEL, family: 5, model: 4, stepping: 3, level: 1, xlevel: 0,
    features: [0x008003bd, 0x80000000, 0, 0], modelId: '' },
  { name: 'pentium2', vendor: INTEL, family: 6, model: 5, stepping: 2, level: 2, xlevel: 0,
    features: [0x0183fbfd, 0x80000000, 0, 0], modelId: '' },
  { name: 'pentium3', vendor: INTEL, family: 6, model: 7, stepping: 3, level: 3, xlevel: 0,
    features: [0x0383fbfd, 0x80000000, 0, 0], modelId: '' },
  { name: 'coreduo', vendor: INTEL, family: 6, model: 14, stepping: 8, level: 10, xlevel: 0x80000008,
    features: [0x0fc9fbfd, 0x80000009, 0x00100000, 0], modelId: 'Genuine Intel(R) CPU           T2600  @ 2.16GHz' },
  { name: 'n270', vendor: INTEL, family: 6, model: 28, stepping: 2, level: 10, xlevel: 0x80000008,
    features: [0x0fc9fbfd, 0x80400209, 0x00100000, 0x00000001], modelId: 'Intel(R) Atom(TM) CPU N270   @ 1.60GHz' },
  { name: 'athlon', vendor: AMD, family: 6, model: 2, stepping: 3, level: 2, xlevel: 0x80000008,
    features: [0x0783fbfd, 0x80000000, 0xc1c3f3fd, 0], modelId: QEMU_ID },
  // qemu-system-i386 accepts the 64-bit models too; qemu64 loses lm and syscall there.
  { name: 'qemu64', vendor: AMD, family: 15, model: 107, stepping: 1, level: 0xd, xlevel: 0x8000000a,
    features: [0x078bfbfd, 0x80002001, 0x20100800 | (0x078bfbfd & CPUID_EXT2_AMD_ALIASES), 0x00000005], modelId: QEMU_ID,
    qemuDrops: ['syscall', 'lm'] },
  // max under TCG: every feature QEMU 7.2's TCG has (tcg86 reports those it implements).
  { name: 'max', vendor: AMD, family: 6, model: 6, stepping: 3, level: 0xd, xlevel: 0x8000000a,
    features: [0x0fcbfbfd, 0xf6d8320b, 0xcdd3f3fd, 0x00000075], modelId: 'QEMU TCG CPU version 2.5+', leaf6Eax: 4,
    description: 'Enables all features supported by the accelerator in the current host' },
];

export const DEFAULT_CPU_MODEL = 'qemu32';

/** A model by name; QEMU's versioned name NAME-v1 is the same model. */
export function findCpuModel(name: string): CpuModel | null {
  const versioned = name.endsWith('-v1');
  const base = versioned ? name.slice(0, -3) : name;
  return CPU_MODELS.find((m) => m.name === base && !(versioned && m.description)) ?? null;
}

/** One feature change from the command line, in the order QEMU applies them. */
export interface FeatureChange {
  readonly word: number;
  readonly bit: number;
  readonly on: boolean;
}

/** The CPU the machine gets: a model with the command line's changes, as CPUID reports it. */
export interface CpuDefinition {
  readonly model: CpuModel;
  /** CPUID.1:EAX: family, model and stepping (QEMU's cpuid_version). */
  readonly version: number;
  readonly level: number;
  readonly xlevel: number;
  /** Feature words CPUID reports: the model's, changed, without UNIMPLEMENTED_FEATURES. */
  readonly features: FeatureWords;
  /** Vendor string as EBX, EDX, ECX. */
  readonly vendor: readonly [number, number, number];
  /** Brand string as 12 little-endian dwords. */
  readonly brand: readonly number[];
  readonly isAmd: boolean;
  /** Warnings for features asked for with +feat / feat=on that tcg86 does not implement. */
  readonly warnings: readonly string[];
}

function dwords(s: string, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  for (let k = 0; k < s.length && k < count * 4; k++) out[k >> 2]! |= s.charCodeAt(k) << ((k & 3) * 8);
  return out;
}

/** QEMU's cpuid_version encoding (extended family and model above 15). */
function cpuidVersion(m: CpuModel): number {
  const fam = m.family > 0x0f ? 0xf00 | ((m.family - 0x0f) << 20) : m.family << 8;
  return (fam | ((m.model & 0xf) << 4) | ((m.model >> 4) << 16) | m.stepping) >>> 0;
}

/**
 * Resolve a model and the command line's changes (applied in order) into the CPU definition.
 * As QEMU: a word with any feature requested raises the level that reaches it (so
 * `pentium,+nx` gets leaf 80000001h), even when the feature is then dropped as unimplemented.
 */
export function resolveCpu(model: CpuModel, changes: readonly FeatureChange[] = []): CpuDefinition {
  const want = [...model.features];
  const userOn = [0, 0, 0, 0];
  for (const c of changes) {
    const bit = (1 << c.bit) >>> 0;
    if (c.on) {
      want[c.word] = (want[c.word]! | bit) >>> 0;
      userOn[c.word]! |= bit;
    } else {
      want[c.word] = (want[c.word]! & ~bit) >>> 0;
      userOn[c.word]! &= ~bit;
    }
  }
  let level = model.level;
  let xlevel = model.xlevel;
  if ((want[FEAT_1_EDX]! | want[FEAT_1_ECX]!) !== 0) level = Math.max(level, 1);
  if ((want[FEAT_8000_0001_EDX]! | want[FEAT_8000_0001_ECX]!) !== 0 && xlevel < 0x80000001) xlevel = 0x80000001;

  const warnings: string[] = [];
  // What QEMU's own TCG drops from the model, with its warning (before the command line's).
  for (const name of model.qemuDrops ?? []) {
    const f = findFeature(name)!;
    if (want[f.word]! & (1 << f.bit)) warnings.push(`TCG doesn't support requested feature: ${FEATURE_WORDS[f.word]!.reg}.${f.name} [bit ${f.bit}]`);
  }
  const features = want.map((w, word) => {
    const dropped = (w & UNIMPLEMENTED_FEATURES[word]! & userOn[word]!) >>> 0;
    for (let bit = 0; bit < 32; bit++) {
      if (dropped & (1 << bit)) {
        const info = FEATURE_WORDS[word]!;
        warnings.push(`TCG doesn't support requested feature: ${info.reg}.${info.names[bit]} [bit ${bit}]`);
      }
    }
    return (w & ~UNIMPLEMENTED_FEATURES[word]!) >>> 0;
  });
  const isAmd = model.vendor === AMD;
  if (isAmd) {
    const ext = features[FEAT_8000_0001_EDX]! & ~CPUID_EXT2_AMD_ALIASES;
    features[FEAT_8000_0001_EDX] = (ext | (features[FEAT_1_EDX]! & CPUID_EXT2_AMD_ALIASES)) >>> 0;
  }
  const v = dwords(model.vendor, 3);
  return {
    model,
    version: cpuidVersion(model),
    level,
    xlevel,
    features: features as unknown as FeatureWords,
    vendor: [v[0]!, v[1]!, v[2]!],
    brand: dwords(model.modelId, 12),
    isAmd,
    warnings,
  };
}

/** The default CPU: qemu32 as QEMU 7.2 reports it, without the unimplemented features. */
export function defaultCpuDefinition(): CpuDefinition {
  return resolveCpu(findCpuModel(DEFAULT_CPU_MODEL)!);
}

/**
 * Physical-address width (MAXPHYADDR): CPUID 80000008h's, else 36 with PAE and 32 without
 * (SDM vol. 3, 4.1.4).
 */
export function maxPhysAddr(def: CpuDefinition): number {
  if (def.xlevel >= 0x80000008) return qemuPhysBits(def);
  return def.features[FEAT_1_EDX]! & CPUID_PAE ? 36 : 32;
}

/** What QEMU's 32-bit CPUs put in CPUID 80000008h:EAX: 36 bits with PSE-36, else 32. */
export function qemuPhysBits(def: CpuDefinition): number {
  return def.features[FEAT_1_EDX]! & CPUID_PSE36 ? 36 : 32;
}

/** `-cpu help`, laid out as QEMU prints it (models, then the feature names). */
export function cpuHelpText(): string {
  const lines = ['Available CPUs:'];
  const row = (name: string, desc: string) => `x86 ${name.padEnd(20)}  ${desc}`;
  for (const m of CPU_MODELS) {
    if (m.description) {
      lines.push(row(m.name, m.description));
      continue;
    }
    lines.push(row(m.name, '(alias configured by machine type)'));
    lines.push(row(`${m.name}-v1`, m.modelId));
  }
  lines.push('', 'Recognized CPUID flags:');
  const names = FEATURE_WORDS.flatMap((w) => w.names.filter((x): x is string => x !== null));
  let line = ' ';
  for (const name of names.sort()) {
    if (line.length + 1 + name.length > 75) {
      lines.push(line);
      line = ' ';
    }
    line += ' ' + name;
  }
  lines.push(line);
  return lines.join('\n') + '\n';
}
