; bench-alias: TLB conflict benchmark: a loop alternating between two pages that share a slot of a direct-mapped TLB, for two slot functions.
; BENCH: paging
; ARGS: -m 128M
; 0..64 MiB is identity-mapped with 4 KiB pages, plus a window at 0x40000000 whose 64 MiB map
; physical 16..80 MiB. Pair 1 is 0x40000000 / 0x40800000 (8 MiB apart: the same low page-number
; bits, one slot of a page & mask TLB of up to 2048 entries, as QEMU's); pair 2 is 0x40000040 /
; 0x40410040 (page numbers 0x40000 and 0x40410: page ^ (page >> 6) agree in their low 10 bits,
; one slot of tcg86's folded index up to 1024 entries). 2 x 2.5 M iterations of alternating
; read-modify-writes, 7 instructions each: about 40 M guest instructions. Prints both sums.
%include "lib/pm.inc"

PD     equ 0x400000
PT     equ 0x401000             ; 16 tables: 0..64 MiB identity
PT_WIN equ 0x410000             ; 16 tables: the window
WIN    equ 0x40000000
POOL   equ 0x1000000
ITERS  equ 2500000

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-alias: start"
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    xor ecx, ecx
.pde:
    mov eax, ecx
    shl eax, 12
    lea edx, [PT + eax + 0x003]
    mov [PD + ecx*4], edx
    lea edx, [PT_WIN + eax + 0x003]
    mov [PD + (WIN >> 22) * 4 + ecx*4], edx
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
    mov edi, PT_WIN
    mov eax, POOL + 0x003
    mov ecx, 16384
.ptw:
    stosd
    add eax, 0x1000
    loop .ptw
    mov eax, PD
    mov cr3, eax
    call pg_on
    mov esi, WIN
    mov edi, WIN + 0x800000
    call alternate
    PRINT "pair 1: "
    PHEX32
    mov esi, WIN + 0x40
    mov edi, WIN + 0x410040
    call alternate
    PRINT " pair 2: "
    PHEX32
    NL
    call pg_off
    PRINTLN "bench-alias: done"
    EXIT 0

; alternate: ITERS rounds of a read-modify-write at [ESI] then at [EDI]; EAX = the final sum.
alternate:
    mov dword [esi], 1
    mov dword [edi + 4], 3
    mov ecx, ITERS
    xor eax, eax
.l:
    add eax, [esi]
    mov [edi], eax
    add eax, [edi + 4]
    mov [esi + 4], eax
    dec ecx
    jnz .l
    add eax, [esi]
    add eax, [edi]
    ret

ROM_END start
