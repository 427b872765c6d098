// Test helper: the initramfs of the Linux boot test, a newc cpio (written here, no cpio tool)
// gzipped with node:zlib, holding Debian's static busybox and an /init script that prints a
// few lines and powers off (or, with `mode=shell` on the kernel command line, runs a shell).

import * as zlib from 'node:zlib';

interface CpioEntry {
  name: string;
  mode: number;
  data?: Uint8Array;
  rdev?: [number, number];
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

/** The script /init runs; its output is what the test compares with QEMU's. */
export const SCRIPT = `i=0; s=0
while [ $i -le 100 ]; do s=$((s + i)); i=$((i + 1)); done
echo "sum 0..100 = $s"
echo hello from the script | tr a-z A-Z
uname -s -m
cut -d' ' -f1 /proc/loadavg >/dev/null && echo loadavg readable
`;

/** /init: busybox applets as symlinks, /proc, the checks, then power off (or a shell). */
export const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "=== tcg86 linux script start ==="
grep 'model name' /proc/cpuinfo
head -1 /proc/meminfo
sh /script.sh
echo "=== tcg86 linux script end ==="
if [ "$mode" = shell ]; then
  mount -t devtmpfs devtmpfs /dev
  exec setsid cttyhack sh
fi
poweroff -f
`;

/** One newc record: "070701", thirteen 8-digit hex fields, the name and data padded to 4. */
function record(e: CpioEntry, ino: number): Uint8Array {
  const name = new TextEncoder().encode(e.name + '\0');
  const data = e.data ?? new Uint8Array(0);
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const fields = [ino, e.mode, 0, 0, e.mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, e.rdev?.[0] ?? 0, e.rdev?.[1] ?? 0, name.length, 0];
  const head = new TextEncoder().encode('070701' + fields.map(hex).join(''));
  const pad4 = (n: number) => (4 - (n % 4)) % 4;
  const nameEnd = head.length + name.length;
  const dataStart = nameEnd + pad4(nameEnd);
  const out = new Uint8Array(dataStart + data.length + pad4(data.length));
  out.set(head, 0);
  out.set(name, head.length);
  out.set(data, dataStart);
  return out;
}

/** A newc archive of `entries` followed by the TRAILER!!! record. */
export function cpioNewc(entries: CpioEntry[]): Uint8Array {
  const parts = entries.map((e, i) => record(e, i + 1));
  parts.push(record({ name: 'TRAILER!!!', mode: 0 }, 0));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The gzipped initramfs around `busybox` (the bytes of Debian's static busybox). */
export function buildInitramfs(busybox: Uint8Array): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'tmp'].map((name) => ({ name, mode: S_IFDIR | 0o755 })),
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: [5, 1] },
    { name: 'bin/busybox', mode: S_IFREG | 0o755, data: busybox },
    { name: 'bin/sh', mode: S_IFLNK | 0o777, data: text('busybox') },
    { name: 'init', mode: S_IFREG | 0o755, data: text(INIT) },
    { name: 'script.sh', mode: S_IFREG | 0o644, data: text(SCRIPT) },
  ];
  return new Uint8Array(zlib.gzipSync(cpioNewc(entries), { level: 6 }));
}
