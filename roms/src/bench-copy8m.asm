; bench-copy8m: rep movsd between two buffers exactly 8 MiB apart under 4 KiB paging (as a memory tester copies), both directions.
; BENCH: string
; ARGS: -m 128M
; 0..64 MiB is identity-mapped with 4 KiB pages. 12 passes copy 2 MiB with one rep movsd from
; 16 MiB to 24 MiB and back (alternating), then rep cmpsd checks the copy; every step of a copy
; touches a source and a destination page 2048 pages apart, which share a slot of a plain
; page-number-indexed TLB of up to 2048 entries. About 12.6 M string iterations (few guest
; instructions: a rep instruction counts once). Prints the mismatches and a checksum.
%include "lib/pm.inc"

PD     equ 0x400000
PT     equ 0x401000             ; 16 tables: 0..64 MiB identity
BUF_LO equ 0x1000000
BUF_HI equ 0x1800000            ; 8 MiB above
LEN    equ 0x200000             ; 2 MiB
PASSES equ 12

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-copy8m: start"
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    xor ecx, ecx
.pde:
    mov eax, ecx
    shl eax, 12
    add eax, PT + 0x003
    mov [PD + ecx*4], eax
    inc ecx
    cmp ecx, 16
    jb .pde
    mov edi, PT
    mov eax, 0x003
    mov ecx, 16384
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    mov eax, PD
    mov cr3, eax
    call pg_on
    ; fill the low buffer with an LCG
    mov eax, 31337
    mov edi, BUF_LO
.fill:
    imul eax, eax, 1664525
    add eax, 1013904223
    mov [edi], eax
    add edi, 4
    cmp edi, BUF_LO + LEN
    jb .fill
    xor ebx, ebx                ; mismatches
    mov ebp, PASSES
.pass:
    mov esi, BUF_LO
    mov edi, BUF_HI
    test ebp, 1
    jz .dir
    xchg esi, edi
.dir:
    push esi
    push edi
    mov ecx, LEN / 4
    rep movsd
    pop edi
    pop esi
    add dword [edi + ebp*4], ebp ; the copy differs from its source in one dword ...
    mov ecx, LEN / 4
    repe cmpsd
    jz .same
    inc ebx                     ; ... which repe cmpsd finds
    sub dword [edi - 4], ebp    ; undo it: the source of the next pass is this copy
    mov ecx, LEN / 4
.same:
    dec ebp
    jnz .pass
    xor eax, eax
    mov esi, BUF_LO
.sum:
    add eax, [esi]
    rol eax, 1
    add esi, 4
    cmp esi, BUF_LO + LEN
    jb .sum
    call pg_off
    PRINT "mismatches: "
    PHEX32 ebx
    PRINT " checksum: "
    PHEX32
    NL
    PRINTLN "bench-copy8m: done"
    EXIT 0

ROM_END start
