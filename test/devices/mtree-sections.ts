// Test helper: `info mtree` and `info mtree -f` text split into sections, so a device's share
// of QEMU's output can be compared with tcg86's section by section.

/** `info mtree` sections by header ("address-space: X" / "memory-region: X") -> body lines. */
export function treeSections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter((l) => l !== '');
    const headers = lines.filter((l) => /^(address-space|memory-region): /.test(l));
    const body = lines.filter((l) => !headers.includes(l));
    for (const h of headers) out.set(h, body);
  }
  return out;
}

/** `info mtree -f` views by address-space name -> range lines. */
export function flatSections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of text.split(/\n(?=FlatView #)/)) {
    const names = [...block.matchAll(/^ AS "([^"]+)"/gm)].map((m) => m[1]!);
    const ranges = block.split('\n').filter((l) => /^ {2}[0-9a-f]{16}-/.test(l));
    for (const n of names) out.set(n, ranges);
  }
  return out;
}
