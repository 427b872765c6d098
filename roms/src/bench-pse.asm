; bench-pse: TLB refill benchmark with 4 MiB pages (PSE) mixed with 4 KiB pages: the refill workload of bench-pgrefill over a window half of each.
; BENCH: paging
; ARGS: -m 128M
; The window at 0x40000000: its first 32 MiB are eight 4 MiB pages (PDE.PS, CR4.PSE) onto
; physical 16..48 MiB, its last 32 MiB are 4 KiB pages (8 tables) onto 48..80 MiB; low memory
; is two identity 4 MiB pages. Workload: lib/bench-pg.inc (about 100 M guest instructions).
%include "lib/pm.inc"
%include "lib/bench-pg.inc"

PD       equ 0x400000
PT_WIN   equ 0x410000           ; 8 tables for the 4 KiB half of the window
POOL     equ 0x01000000

main32:
    call a20_on
    PRINTLN "bench-pse: start"
    mov eax, cr4
    or eax, 0x10                ; PSE
    mov cr4, eax
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov dword [PD + 0], 0x000083            ; 0..4 MiB, PS, writable, present
    mov dword [PD + 4], 0x400083            ; 4..8 MiB
    xor ecx, ecx
.big:
    mov eax, ecx
    shl eax, 22
    add eax, POOL + 0x083
    mov [PD + (PG_WIN >> 22) * 4 + ecx*4], eax
    inc ecx
    cmp ecx, 8
    jb .big
.small:
    mov eax, ecx
    sub eax, 8
    shl eax, 12
    add eax, PT_WIN + 0x003
    mov [PD + (PG_WIN >> 22) * 4 + ecx*4], eax
    inc ecx
    cmp ecx, 16
    jb .small
    mov edi, PT_WIN
    mov eax, POOL + 0x2000000 + 0x003
    mov ecx, 8192
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    call pg_make_list
    mov eax, PD
    mov cr3, eax
    call pg_on
    call pg_workload
    call pg_off
    PRINTLN "bench-pse: done"
    EXIT 0

ROM_END start
