; bench-compute: compute-bound macro benchmark in flat 32-bit protected mode (no paging): LCG fill, sieve and table CRC32 over 1 MiB.
; BENCH: compute
; Work (about 290 M guest instructions, counted per loop below): fill 1 MiB at 1 MiB with an LCG
; (~1.6 M), sieve of Eratosthenes over [0, 2^20) in a byte array at 2 MiB (~16 M), then 36
; chained table-driven CRC32 passes over the 1 MiB buffer at 7 instructions per byte (~264 M).
; Checkable results: pi(2^20) = 82025 primes below 2^20; pass 1 is the standard CRC-32 (as zlib).
%include "lib/pm.inc"

BUF      equ 0x100000           ; 1 MiB of LCG data
SIEVE    equ 0x200000           ; 1 MiB of sieve flags
CRCTAB   equ 0x300000           ; 256 dwords
N        equ 0x100000
PASSES   equ 36

main32:
    in al, 0x92                 ; make sure A20 is on (QEMU starts with it on; be explicit)
    or al, 0x02
    and al, 0xFE                ; never pulse the fast-reset bit
    out 0x92, al
    PRINTLN "bench-compute: start"

    ; LCG fill: x = x * 1664525 + 1013904223 (Numerical Recipes), one dword per step
    mov eax, 12345
    mov edi, BUF
.fill:
    imul eax, eax, 1664525
    add eax, 1013904223
    mov [edi], eax
    add edi, 4
    cmp edi, BUF + N
    jb .fill                    ; 5 instructions x 256 Ki

    ; sieve: flags[i] = 1 for all i, then clear multiples of every prime p <= 1024
    mov edi, SIEVE
.init:
    mov byte [edi], 1
    inc edi
    cmp edi, SIEVE + N
    jb .init                    ; 4 x 1 Mi
    mov byte [SIEVE + 0], 0
    mov byte [SIEVE + 1], 0
    mov ecx, 2
.next_p:
    cmp byte [SIEVE + ecx], 0
    je .not_prime
    mov edx, ecx
    imul edx, ecx               ; start at p*p
.mark:
    mov byte [SIEVE + edx], 0
    add edx, ecx
    cmp edx, N
    jb .mark                    ; 4 x ~2.5 Mi
.not_prime:
    inc ecx
    cmp ecx, 1024
    jbe .next_p
    xor eax, eax
    mov esi, SIEVE
.count:
    movzx edx, byte [esi]
    add eax, edx
    inc esi
    cmp esi, SIEVE + N
    jb .count                   ; 5 x 1 Mi
    PRINT "primes below 2^20: "
    call print_dec
    NL

    ; CRC-32 table (reflected polynomial edb88320)
    xor ecx, ecx
.tab:
    mov eax, ecx
    mov edx, 8
.tbit:
    shr eax, 1
    jnc .tnop
    xor eax, 0xEDB88320
.tnop:
    dec edx
    jnz .tbit
    mov [CRCTAB + ecx*4], eax
    inc ecx
    cmp ecx, 256
    jb .tab

    ; chained CRC passes: the register carries over from one pass to the next
    mov eax, 0xFFFFFFFF
    mov ebp, PASSES
.pass:
    mov esi, BUF
.byte:
    movzx ebx, al
    xor bl, [esi]
    shr eax, 8
    xor eax, [CRCTAB + ebx*4]
    inc esi
    cmp esi, BUF + N
    jne .byte                   ; 7 x 1 Mi per pass
    cmp ebp, PASSES
    jne .not_first
    PRINT "crc32 of the buffer: "
    push eax
    not eax
    PHEX32
    pop eax
    NL
.not_first:
    dec ebp
    jnz .pass
    not eax
    PRINT "chained crc after 36 passes: "
    PHEX32
    NL
    PRINTLN "bench-compute: done"
    EXIT 0

; print_dec: EAX as unsigned decimal.
print_dec:
    pushad
    mov ebx, 10
    xor ecx, ecx
.div:
    xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz .div
.put:
    pop eax
    add al, '0'
    out DEBUGCON_PORT, al
    loop .put
    popad
    ret

ROM_END start
