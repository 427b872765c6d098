; bench-mixed: mixed 16/32-bit benchmark in PM: a 32-bit loop far-calls a 16-bit code segment that works on flat memory with o32/a32 prefixes.
; BENCH: mixed
; 256 KiB of LCG data; 50 passes, each making 1024 far calls (32-bit `call SEL_CODE16:off`,
; back with `o32 retf`) to a 16-bit routine that walks 256 bytes as words through a flat DS with
; 32-bit addresses (a32 prefixes), 16-bit arithmetic (add/adc/xor/rol on AX, BX, DX) and a
; 32-bit pointer increment (o32), writing each word back; about 60 M guest instructions.
; Prints the accumulators and a checksum of the buffer.
%include "lib/pm.inc"

BUF    equ 0x100000
N      equ 0x40000
PASSES equ 50

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-mixed: start"
    mov eax, 4242
    mov edi, BUF
.fill:
    imul eax, eax, 1664525
    add eax, 1013904223
    mov [edi], eax
    add edi, 4
    cmp edi, BUF + N
    jb .fill
    xor ebx, ebx
    xor edx, edx
    xor edi, edi
    mov ebp, PASSES
.pass:
    mov esi, BUF
.chunk:
    call SEL_CODE16:(sum16 - 0xF0000)
    add edi, ebx
    rol edi, 3
    xor edi, edx
    cmp esi, BUF + N
    jb .chunk
    dec ebp
    jnz .pass
    xor eax, eax
    mov esi, BUF
.sum:
    add eax, [esi]
    rol eax, 1
    add esi, 4
    cmp esi, BUF + N
    jb .sum
    PRINT "bx: "
    PHEX32 ebx
    PRINT " dx: "
    PHEX32 edx
    PRINT " acc: "
    PHEX32 edi
    PRINT " buffer: "
    PHEX32
    NL
    PRINTLN "bench-mixed: done"
    EXIT 0

; ---- 16-bit code, run through SEL_CODE16 (base 0xF0000): called with a 32-bit far call ----
[bits 16]
; sum16: the 256 bytes at flat ESI as 128 words: BX += word (carry into DX), the word is
; replaced by rol(word xor BX, 3); ESI advances by 256.
sum16:
    mov cx, 128
.w:
    mov ax, [esi]
    add bx, ax
    adc dx, 0
    xor ax, bx
    rol ax, 3
    mov [esi], ax
    add esi, 2
    dec cx
    jnz .w
    o32 retf
[bits 32]

ROM_END start
