; memfile-gen: guest RAM from a memory-backend-file stays a consistent snapshot across crashes: checks that the generations left in 1024 pages are one instant's, then rewrites them forever.
; ARGS: -m 8 -object memory-backend-file,id=ram,size=8M,mem-path=FILE,share=on -machine memory-backend=ram
; Generation G is written as two dwords per page (offsets 0 and 0xFFC) over 0x100000..0x500000,
; in order. Whatever instant a write-back captures, the 2048 dwords read in that order are then
; G+1 up to some point and G after it: non-increasing, first minus last at most 1. A torn file
; (pages of two write-backs) breaks that. Prints the check, then writes G+1, G+2, ... until the
; process is killed or quits.
%include "lib/pm.inc"

AREA    equ 0x100000
PAGES   equ 1024

main32:
    ; Check: walk the dwords in write order.
    mov esi, AREA
    mov ebx, [esi]              ; the first (newest) generation
    mov edx, ebx                ; the previous dword
    xor ecx, ecx                ; page
.check:
    mov eax, [esi]
    cmp eax, edx
    ja .torn                    ; a later dword newer than an earlier one
    mov edx, eax
    mov eax, [esi + 0xFFC]
    cmp eax, edx
    ja .torn
    mov edx, eax
    add esi, 0x1000
    inc ecx
    cmp ecx, PAGES
    jb .check
    mov eax, ebx
    sub eax, edx
    cmp eax, 1
    ja .torn
    PRINT "memfile-gen: consistent, generation "
    PHEX32 ebx
    NL
    jmp .write
.torn:
    PRINT "memfile-gen: TORN at page "
    PHEX32 ecx
    PRINT " first "
    PHEX32 ebx
    NL
    mov ebx, [AREA]
.write:
    PRINT "memfile-gen: writing"
    NL
.gen:
    inc ebx
    mov edi, AREA
    mov ecx, PAGES
.page:
    mov [edi], ebx
    mov [edi + 0xFFC], ebx
    add edi, 0x1000
    dec ecx
    jnz .page
    jmp .gen

ROM_END start
