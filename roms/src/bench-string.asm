; bench-string: string-instruction benchmark in flat 32-bit PM: rep movsd/movsb/stosd, repe cmpsd, repne scasb over 64 KiB buffers.
; BENCH: string
; 150 rounds of: rep stosd (16 Ki dwords), rep movsd A->B (16 Ki), rep movsb A+1->C (unaligned,
; 64 Ki - 1 bytes), repe cmpsd A/B (equal: runs to the end), repne scasb for a byte found near
; the end, and a short non-rep lodsb/stosb loop over 256 bytes; about 25 M guest instructions
; but 30 M string iterations. Prints counters left in ECX and a checksum of buffer C.
%include "lib/pm.inc"

BUF_A  equ 0x100000
BUF_B  equ 0x120000
BUF_C  equ 0x140000
ROUNDS equ 150

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-string: start"
    xor esi, esi                ; checksum
    mov ebp, ROUNDS
.round:
    mov eax, ebp
    imul eax, eax, 0x01010101
    mov edi, BUF_A
    mov ecx, 16384
    rep stosd                   ; A = round byte
    mov byte [BUF_A + 60000], 0x5A
    push esi
    mov esi, BUF_A
    mov edi, BUF_B
    mov ecx, 16384
    rep movsd                   ; B = A
    mov esi, BUF_A + 1
    mov edi, BUF_C
    mov ecx, 65535
    rep movsb                   ; C = A + 1, unaligned
    mov esi, BUF_A
    mov edi, BUF_B
    mov ecx, 16384
    repe cmpsd
    mov edx, ecx                ; 0: equal all the way
    mov edi, BUF_C
    mov ecx, 65535
    mov al, 0x5A
    repne scasb
    pop esi
    add esi, edx
    add esi, ecx                ; what scasb left
    rol esi, 5
    push esi
    mov esi, BUF_C
    mov edi, BUF_C + 0x8000
    mov ecx, 256
.copy:
    lodsb
    add al, cl
    stosb
    dec ecx
    jnz .copy
    pop esi
    dec ebp
    jnz .round
    xor eax, eax
    mov ecx, 16384
    mov edx, BUF_C
.sum:
    add eax, [edx]
    rol eax, 1
    add edx, 4
    loop .sum
    PRINT "checksum: "
    PHEX32 esi
    PRINT " C: "
    PHEX32
    NL
    PRINTLN "bench-string: done"
    EXIT 0

ROM_END start
