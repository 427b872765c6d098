; bench-pgrefill: TLB refill benchmark: 32-bit 4 KiB paging, random accesses over 2048 scattered pages (a working set that fits the TLB), CR3 reloaded every 16 Ki accesses.
; BENCH: paging
; ARGS: -m 128M
; The window at 0x40000000 maps 64 MiB (16 page tables) onto physical 16..80 MiB; 0..8 MiB is
; identity-mapped for code, stack and tables. See lib/bench-pg.inc for the workload (6.5 M
; accesses, about 100 M guest instructions, a refill after a flush on one access in eight).
%include "lib/pm.inc"
%include "lib/bench-pg.inc"

PD       equ 0x400000
PT_LOW   equ 0x402000           ; 2 tables: 0..8 MiB identity
PT_WIN   equ 0x410000           ; 16 tables for the window
POOL     equ 0x01000000

main32:
    call a20_on
    PRINTLN "bench-pgrefill: start"
    mov edi, PD
    mov ecx, 1024
    xor eax, eax
    rep stosd
    mov edi, PT_LOW
    mov eax, 0x003
    mov ecx, 2048
.low:
    stosd
    add eax, 0x1000
    loop .low
    mov dword [PD + 0], PT_LOW + 0x003
    mov dword [PD + 4], PT_LOW + 0x1000 + 0x003
    xor ecx, ecx
.pde:
    mov eax, ecx
    shl eax, 12
    add eax, PT_WIN + 0x003
    mov [PD + (PG_WIN >> 22) * 4 + ecx*4], eax
    inc ecx
    cmp ecx, 16
    jb .pde
    mov edi, PT_WIN
    mov eax, POOL + 0x003
    mov ecx, 16384
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
    PRINTLN "bench-pgrefill: done"
    EXIT 0

ROM_END start
