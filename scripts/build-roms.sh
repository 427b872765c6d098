#!/usr/bin/env bash
# build-roms.sh: assemble every roms/src/*.asm (NASM, -f bin) into roms/NAME.bin.
# --check: assemble into a temp dir instead and fail, naming the ROM, if a committed binary differs.
# Option ROMs (OPTION_ROMS) are a multiple of 512 bytes whose last byte makes the byte sum 0;
# their bytes are also written into src/machine/NAME-rom.ts (base64), so bundles carry them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/roms/src"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
if [[ $# -gt 0 ]]; then echo "usage: $0 [--check]" >&2; exit 2; fi
command -v nasm >/dev/null || { echo "build-roms: nasm not found in PATH" >&2; exit 1; }

out="$root/roms"
if [[ $check -eq 1 ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

OPTION_ROMS=(linuxboot)
is_option_rom() { local r; for r in "${OPTION_ROMS[@]}"; do [[ "$r" == "$1" ]] && return 0; done; return 1; }
gen="$root/src/machine"
[[ $check -eq 1 ]] && gen="$out"

status=0
shopt -s nullglob
for asm in "$src"/*.asm; do
  name="$(basename "$asm" .asm)"
  # -I so that `%include "lib/x.inc"` resolves from roms/src whatever the working directory.
  if ! nasm -f bin -I "$src/" -o "$out/$name.bin" "$asm"; then
    echo "build-roms: $name: assembly failed" >&2; status=1; continue
  fi
  size=$(stat -c %s "$out/$name.bin")
  if is_option_rom "$name"; then
    # Set the checksum byte, then emit the TypeScript copy the machine loads.
    if ! node "$root/scripts/option-rom.mjs" "$out/$name.bin" "$gen/$name-rom.ts" "roms/src/$name.asm"; then
      echo "build-roms: $name: not an option ROM image" >&2; status=1; continue
    fi
    if [[ $check -eq 1 ]] && ! cmp -s "$gen/$name-rom.ts" "$root/src/machine/$name-rom.ts"; then
      echo "build-roms: $name: src/machine/$name-rom.ts differs from its source" >&2; status=1
    fi
  elif [[ $size -ne 65536 ]]; then
    echo "build-roms: $name: image is $size bytes, want 65536" >&2; status=1; continue
  fi
  if [[ $check -eq 1 ]]; then
    if [[ ! -f "$root/roms/$name.bin" ]]; then
      echo "build-roms: $name: roms/$name.bin is missing" >&2; status=1
    elif ! cmp -s "$out/$name.bin" "$root/roms/$name.bin"; then
      echo "build-roms: $name: roms/$name.bin differs from its source" >&2; status=1
    fi
  fi
done

# Boot programs for disk images (roms/src/disk/*.asm -> roms/disk/NAME.bin): whole 512-byte
# sectors instead of a 64 KiB ROM.
mkdir -p "$out/disk"
for asm in "$src"/disk/*.asm; do
  name="$(basename "$asm" .asm)"
  if ! nasm -f bin -I "$src/" -o "$out/disk/$name.bin" "$asm"; then
    echo "build-roms: disk/$name: assembly failed" >&2; status=1; continue
  fi
  size=$(stat -c %s "$out/disk/$name.bin")
  if [[ $((size % 512)) -ne 0 || $size -eq 0 ]]; then
    echo "build-roms: disk/$name: image is $size bytes, want whole 512-byte sectors" >&2; status=1; continue
  fi
  if [[ $check -eq 1 ]] && ! cmp -s "$out/disk/$name.bin" "$root/roms/disk/$name.bin"; then
    echo "build-roms: disk/$name: roms/disk/$name.bin differs from its source (or is missing)" >&2; status=1
  fi
done
exit $status
