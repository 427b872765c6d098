#!/usr/bin/env bash
# record-golden-log.sh: record QEMU 7.2's -d logs that tcg86's are compared with
# (test/cli/dlog.test.ts): `-d mmu` of roms/paging.bin (QEMU logs only its CR0/CR3 updates) and
# the first two blocks of `-d exec,cpu,nochain` of roms/pmode.bin, `-d help`, and `-d in_asm`
# of roms/pmode.bin.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
if ! command -v "$qemu" >/dev/null; then
  echo "record-golden-log: $qemu not found; install QEMU (qemu-system-x86) to record golden files" >&2
  exit 1
fi
gold="$root/test/golden/log"
mkdir -p "$gold"
flags=(-nographic -serial none -monitor none -no-reboot -debugcon file:/dev/null -device isa-debug-exit,iobase=0xf4,iosize=0x04)
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

"$qemu" -bios "$root/roms/paging.bin" "${flags[@]}" -d mmu -D "$tmp" || true
cp "$tmp" "$gold/paging.mmu"

"$qemu" -bios "$root/roms/pmode.bin" "${flags[@]}" -d exec,cpu,nochain -D "$tmp" || true
head -n 38 "$tmp" > "$gold/pmode.exec-cpu"
echo "record-golden-log: wrote $gold/paging.mmu and $gold/pmode.exec-cpu"

"$qemu" -d help > "$gold/d-help.txt" || true # QEMU exits 1 after the list
echo "record-golden-log: wrote $gold/d-help.txt"

"$qemu" -bios "$root/roms/pmode.bin" "${flags[@]}" -d in_asm -D "$tmp" || true
cp "$tmp" "$gold/pmode.in_asm"
echo "record-golden-log: wrote $gold/pmode.in_asm"
