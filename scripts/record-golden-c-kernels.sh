#!/usr/bin/env bash
# record-golden-c-kernels.sh [NAME...]: boot the C benchmark kernels (roms/NAME.elf, built by
# scripts/build-c-kernels.sh) with QEMU's -kernel and record what they print and their status:
# with the `// APPEND:` size of their source into test/golden/kernels/NAME.{out,status} (the
# golden test runs those), and with the `// BENCH-APPEND:` size into test/golden/bench/NAME.*
# (what `npm run bench` checks). Without names, every roms/c/c-*.c is recorded.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
command -v "$qemu" >/dev/null || { echo "record-golden-c-kernels: $qemu not found" >&2; exit 1; }

cd "$root"
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  for c in roms/c/c-*.c; do names+=("$(basename "$c" .c)"); done
fi

record() { # name append-value out-dir timeout-seconds
  local name="$1" append="$2" dir="$3" secs="$4" tmp rc=0
  mkdir -p "$dir"
  tmp="$(mktemp)"
  # Run from the repository root with the relative path, as the golden test runs tcg86.
  timeout "$secs" "$qemu" -kernel "roms/$name.elf" -append "$append" -nographic -serial none -monitor none \
    -no-reboot -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null > "$tmp" || rc=$?
  if [[ $rc -eq 124 ]]; then
    echo "record-golden-c-kernels: $name ($append): QEMU timed out after $secs s; nothing recorded" >&2
    rm -f "$tmp"; return 1
  fi
  mv "$tmp" "$dir/$name.out"
  echo "$rc" > "$dir/$name.status"
  echo "record-golden-c-kernels: $dir/$name: status $rc, $(wc -c < "$dir/$name.out") bytes"
}

status=0
for name in "${names[@]}"; do
  src="roms/c/$name.c"
  [[ -f "roms/$name.elf" ]] || { echo "record-golden-c-kernels: roms/$name.elf missing (run scripts/build-c-kernels.sh)" >&2; status=1; continue; }
  test_size="$(head -n 10 "$src" | sed -n 's|^// APPEND: ||p' | head -n 1)"
  bench_size="$(head -n 10 "$src" | sed -n 's|^// BENCH-APPEND: ||p' | head -n 1)"
  [[ -n "$test_size" ]] && { record "$name" "$test_size" test/golden/kernels 20 || status=1; }
  [[ -n "$bench_size" ]] && { record "$name" "$bench_size" test/golden/bench 120 || status=1; }
done
exit $status
