; bench-real16: compute benchmark in real mode: the work of bench-compute (LCG fill, sieve, table CRC-32) with 32-bit operand prefixes, and a CRC-16 without them.
; BENCH: real16
; Real mode reaches 1 MiB, so the buffer is 512 KiB at 0x10000 (eight 64 KiB segments, walked
; with DS and 16-bit offsets): LCG fill with o32 imul/add (~1 M), sieve over [0, 2^16) at
; 0x90000 with 16-bit code (~1 M), 4 chained CRC-32 passes with 32-bit registers (o32 prefixes,
; 7 instructions per byte, ~15 M) and 4 CRC-16/CCITT passes in plain 16-bit code (9 per byte,
; ~19 M): about 36 M guest instructions. Checkable: pi(2^16) = 6542; pass 1 is zlib's CRC-32.
bits 16
org 0
%include "lib/debugcon.inc"

BUFSEG   equ 0x1000             ; 0x10000 .. 0x8FFFF
NSEG     equ 8
SIEVESEG equ 0x9000
CRCTAB   equ 0x0800             ; 256 dwords at 0000:0800
CRC16TAB equ 0x0C00             ; 256 words at 0000:0C00
PASSES   equ 4

start:
    INIT16
    PRINTLN "bench-real16: start"
    ; LCG fill, a dword at a time
    mov eax, 12345
    mov dx, BUFSEG
.fseg:
    mov es, dx
    xor di, di
.fill:
    imul eax, eax, 1664525
    add eax, 1013904223
    mov [es:di], eax
    add di, 4
    jnz .fill
    add dx, 0x1000
    cmp dx, BUFSEG + NSEG * 0x1000
    jb .fseg

    ; sieve over [0, 65536) at SIEVESEG, 16-bit code
    mov ax, SIEVESEG
    mov es, ax
    xor di, di
.init:
    mov byte [es:di], 1
    inc di
    jnz .init
    mov byte [es:0], 0
    mov byte [es:1], 0
    mov cx, 2
.next_p:
    mov bx, cx
    cmp byte [es:bx], 0
    je .not_prime
    mov ax, cx
    mul cx                      ; p*p < 65536 since p <= 255
    mov bx, ax
.mark:
    mov byte [es:bx], 0
    add bx, cx
    jnc .mark
.not_prime:
    inc cx
    cmp cx, 256
    jb .next_p
    xor ax, ax
    xor si, si
.count:
    mov dl, [es:si]
    xor dh, dh
    add ax, dx
    inc si
    jnz .count
    PRINT "primes below 2^16: "
    PDEC16
    NL

    ; CRC-32 table (reflected polynomial edb88320) and CRC-16/CCITT table (0x1021)
    xor cx, cx
.tab:
    movzx eax, cx
    mov dx, 8
.tbit:
    shr eax, 1
    jnc .tnop
    xor eax, 0xEDB88320
.tnop:
    dec dx
    jnz .tbit
    mov bx, cx
    shl bx, 2
    mov [CRCTAB + bx], eax
    mov ax, cx
    shl ax, 8
    mov dx, 8
.t16:
    shl ax, 1
    jnc .t16nop
    xor ax, 0x1021
.t16nop:
    dec dx
    jnz .t16
    mov bx, cx
    shl bx, 1
    mov [CRC16TAB + bx], ax
    inc cx
    cmp cx, 256
    jb .tab

    ; chained CRC-32 passes; the tables are read through ES = 0
    xor ax, ax
    mov es, ax
    mov eax, 0xFFFFFFFF
    mov bp, PASSES
.pass:
    mov dx, BUFSEG
.cseg:
    mov ds, dx
    xor si, si
.byte:
    movzx bx, al
    xor bl, [si]
    shr eax, 8
    shl bx, 2
    xor eax, [es:CRCTAB + bx]
    inc si
    jnz .byte
    add dx, 0x1000
    cmp dx, BUFSEG + NSEG * 0x1000
    jb .cseg
    cmp bp, PASSES
    jne .not_first
    PRINT "crc32 of the buffer: "
    not eax
    PHEX32
    not eax
    NL
.not_first:
    dec bp
    jnz .pass
    not eax
    PRINT "chained crc32: "
    PHEX32
    NL

    ; chained CRC-16/CCITT passes in 16-bit code: crc = (crc << 8) ^ t16[(crc >> 8) ^ byte]
    mov ax, 0xFFFF
    xor bh, bh
    mov bp, PASSES
.pass16:
    mov dx, BUFSEG
.cseg16:
    mov ds, dx
    xor si, si
.byte16:
    mov bl, ah
    xor bl, [si]
    mov ah, al
    xor al, al
    add bx, bx
    xor ax, [es:CRC16TAB + bx]
    xor bh, bh
    inc si
    jnz .byte16
    add dx, 0x1000
    cmp dx, BUFSEG + NSEG * 0x1000
    jb .cseg16
    dec bp
    jnz .pass16
    PRINT "chained crc16: "
    PHEX16
    NL
    PRINTLN "bench-real16: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
