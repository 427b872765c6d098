; plugin-count: known counts for the plugin tests (test/plugin): in real mode, 100 byte stores through a 16-bit address, then 1000 iterations of a dword load and a dword store through 32-bit addresses into page 0x2000; prints "ok" and exits. 3217 instructions, 1000 loads, 1100 stores, nothing else touches memory.
%include "lib/reset.inc"

section .text start=0 vstart=0
bits 16
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov cx, 100
.bytes:
    mov [0x500], al             ; 100 one-byte stores (16-bit addressing)
    loop .bytes
    mov ecx, 1000
    mov ebx, 0x2000
.dwords:
    mov eax, [ebx]              ; 1000 dword loads from 0x2000
    mov [ebx + 4], eax          ; 1000 dword stores to 0x2004
    a32 loop .dwords
    mov al, 'o'
    out 0xe9, al
    mov al, 'k'
    out 0xe9, al
    mov al, 10
    out 0xe9, al
    mov al, 0
    out 0xf4, al                ; isa-debug-exit: status 1
    hlt

ROM_END start
