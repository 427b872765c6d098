; bench-switch: indirect-jump benchmark in flat 32-bit PM: a switch through a jump table of 16 cases over an LCG-chosen case stream.
; BENCH: switch
; 64 KiB of case numbers (0..15) from an LCG; 120 passes dispatch each byte through
; `jmp [table + eax*4]` to one of 16 short cases (ALU work on EBX/EDX, some loads and stores
; to a 64-dword array), each jumping back to the dispatcher: about 80 M guest instructions, a
; different indirect target on most iterations. Prints the two accumulators and the array sum.
%include "lib/pm.inc"

OPS    equ 0x100000             ; 64 KiB of case numbers
ARR    equ 0x110000             ; 64 dwords
NOPS   equ 65536
PASSES equ 120

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-switch: start"
    mov eax, 777
    mov edi, OPS
.gen:
    imul eax, eax, 1664525
    add eax, 1013904223
    mov edx, eax
    shr edx, 24
    and dl, 15
    mov [edi], dl
    inc edi
    cmp edi, OPS + NOPS
    jb .gen
    mov edi, ARR
    xor eax, eax
    mov ecx, 64
    rep stosd
    xor ebx, ebx
    mov edx, 1
    mov ebp, PASSES
.pass:
    mov esi, OPS
.next:
    cmp esi, OPS + NOPS
    jae .pass_done
    movzx eax, byte [esi]
    inc esi
    jmp [cases + eax*4]
.pass_done:
    dec ebp
    jnz .pass
    xor eax, eax
    mov ecx, 64
.sum:
    add eax, [ARR + ecx*4 - 4]
    loop .sum
    PRINT "ebx: "
    PHEX32 ebx
    PRINT " edx: "
    PHEX32 edx
    PRINT " array: "
    PHEX32
    NL
    PRINTLN "bench-switch: done"
    EXIT 0

c0: add ebx, 0x1234567
    jmp main32.next
c1: xor ebx, edx
    jmp main32.next
c2: rol edx, 5
    add edx, ebx
    jmp main32.next
c3: lea edx, [edx + edx*4 + 7]
    jmp main32.next
c4: mov eax, ebx
    and eax, 63
    add [ARR + eax*4], edx
    jmp main32.next
c5: mov eax, edx
    and eax, 63
    mov eax, [ARR + eax*4]
    xor ebx, eax
    jmp main32.next
c6: sub ebx, edx
    ror ebx, 3
    jmp main32.next
c7: imul edx, edx, 33
    jmp main32.next
c8: not ebx
    jmp main32.next
c9: inc edx
    add ebx, esi
    jmp main32.next
c10: test ebx, 1
    jz .even
    shr ebx, 1
    jmp main32.next
.even:
    add ebx, 3
    jmp main32.next
c11: bswap edx
    jmp main32.next
c12: mov eax, ebx
    shr eax, 26
    inc dword [ARR + eax*4]
    jmp main32.next
c13: xchg ebx, edx
    jmp main32.next
c14: cmp ebx, edx
    jae .ae
    add edx, 11
    jmp main32.next
.ae:
    sub ebx, 13
    jmp main32.next
c15: neg edx
    jmp main32.next

align 4
cases: dd c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15

ROM_END start
