#!/usr/bin/env bash
# build-c-kernels.sh: compile every roms/c/c-*.c with gcc -m32 -O2 -ffreestanding into a multiboot
# ELF kernel roms/NAME.elf (with roms/c/start.S, lib.c and link.ld; no libc, no libgcc).
# --check: build into a temp dir and fail, naming the kernel, if a committed ELF differs. gcc's
# output is reproducible only for one gcc build: the check is skipped, with a note, when
# `gcc --version` differs from the one recorded in roms/c/TOOLCHAIN.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/roms/c"
check=0
if [[ "${1:-}" == "--check" ]]; then check=1; shift; fi
if [[ $# -gt 0 ]]; then echo "usage: $0 [--check]" >&2; exit 2; fi
command -v gcc >/dev/null || { echo "build-c-kernels: gcc not found in PATH" >&2; exit 1; }
command -v ld >/dev/null || { echo "build-c-kernels: ld not found in PATH" >&2; exit 1; }

toolchain="$(gcc --version | head -n 1); $(ld --version | head -n 1)"
if [[ $check -eq 1 && "$toolchain" != "$(cat "$src/TOOLCHAIN")" ]]; then
  echo "build-c-kernels: --check skipped: toolchain is '$toolchain', the ELFs were built with '$(cat "$src/TOOLCHAIN")'" >&2
  exit 0
fi

out="$root/roms"
obj="$(mktemp -d)"
trap 'rm -rf "$obj"' EXIT
if [[ $check -eq 1 ]]; then out="$obj"; fi

CFLAGS=(-m32 -O2 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -fno-asynchronous-unwind-tables -fno-ident -Wall -Wextra)
gcc "${CFLAGS[@]}" -c -o "$obj/start.o" "$src/start.S"
# lib.c holds memcpy/memset: keep gcc from turning their loops back into calls to themselves.
gcc "${CFLAGS[@]}" -fno-tree-loop-distribute-patterns -c -o "$obj/lib.o" "$src/lib.c"

status=0
shopt -s nullglob
for c in "$src"/c-*.c; do
  name="$(basename "$c" .c)"
  if ! gcc "${CFLAGS[@]}" -c -o "$obj/$name.o" "$c" ||
     ! ld -m elf_i386 -T "$src/link.ld" --build-id=none --no-warn-rwx-segments -nostdlib -o "$out/$name.elf" "$obj/start.o" "$obj/lib.o" "$obj/$name.o"; then
    echo "build-c-kernels: $name: build failed" >&2; status=1; continue
  fi
  if [[ $check -eq 1 ]]; then
    if [[ ! -f "$root/roms/$name.elf" ]]; then
      echo "build-c-kernels: $name: roms/$name.elf is missing" >&2; status=1
    elif ! cmp -s "$out/$name.elf" "$root/roms/$name.elf"; then
      echo "build-c-kernels: $name: roms/$name.elf differs from its source" >&2; status=1
    fi
  fi
done
if [[ $check -eq 0 ]]; then echo "$toolchain" > "$src/TOOLCHAIN"; fi
exit $status
