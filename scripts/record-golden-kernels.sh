#!/usr/bin/env bash
# record-golden-kernels.sh [NAME...]: boot multiboot test kernels with QEMU's -kernel and record
# test/golden/kernels/NAME.out (debugcon bytes) and NAME.status (QEMU's exit status).
# Without names, every roms/src/mbkernel-*.asm is recorded (assemble first: scripts/build-roms.sh).
#
# Per-kernel options come from header lines within the first 10 lines of the source:
#   `; ARGS: ...`    extra QEMU flags, split on spaces (no quoting)
#   `; APPEND: ...`  the -append string, taken verbatim (may contain spaces)
# QEMU is run from the repository root with the relative path roms/NAME.bin, because QEMU puts
# the -kernel argument as given at the start of the multiboot command line: tcg86 must be run
# the same way for its output to match.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
qemu="${QEMU:-qemu-system-i386}"
if ! command -v "$qemu" >/dev/null; then
  echo "record-golden-kernels: $qemu not found; install QEMU (qemu-system-x86) to record golden files" >&2
  exit 1
fi

cd "$root"
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  shopt -s nullglob
  for asm in roms/src/mbkernel-*.asm roms/src/lxkernel-*.asm; do names+=("$(basename "$asm" .asm)"); done
fi

gold="test/golden/kernels"
mkdir -p "$gold"
status=0
for name in "${names[@]}"; do
  bin="roms/$name.bin"
  asm="roms/src/$name.asm"
  [[ -f "$bin" ]] || { echo "record-golden-kernels: $name: $bin missing (run scripts/build-roms.sh)" >&2; status=1; continue; }
  extra=()
  append=()
  if [[ -f "$asm" ]]; then
    args_line="$(head -n 10 "$asm" | grep -m1 '^; ARGS:' || true)"
    if [[ -n "$args_line" ]]; then read -r -a extra <<< "${args_line#; ARGS:}"; fi
    append_line="$(head -n 10 "$asm" | grep -m1 '^; APPEND: ' || true)"
    if [[ -n "$append_line" ]]; then append=(-append "${append_line#; APPEND: }"); fi
  fi
  tmp="$(mktemp)"
  rc=0
  timeout 20 "$qemu" -kernel "$bin" "${append[@]}" -nographic -serial none -monitor none -no-reboot \
    -debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${extra[@]}" \
    < /dev/null > "$tmp" || rc=$?
  if [[ $rc -eq 124 ]]; then
    echo "record-golden-kernels: $name: QEMU timed out after 20 s; nothing recorded" >&2
    rm -f "$tmp"; status=1; continue
  fi
  mv "$tmp" "$gold/$name.out"
  echo "$rc" > "$gold/$name.status"
  echo "record-golden-kernels: $name: status $rc, $(wc -c < "$gold/$name.out") bytes"
done
exit $status
