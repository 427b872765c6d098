; bench-pae: TLB refill benchmark with PAE paging (8-byte entries, a PDPT, 2 MiB and 4 KiB pages): the refill workload of bench-pgrefill.
; BENCH: paging
; ARGS: -m 128M
; PDPT[0] maps 0..8 MiB identity with four 2 MiB pages; PDPT[1] (0x40000000) maps the 64 MiB
; window with 4 KiB pages (32 page tables of 512 entries) onto physical 16..80 MiB. Workload:
; lib/bench-pg.inc (about 100 M guest instructions); a reload of CR3 also reloads the PDPTEs.
%include "lib/pm.inc"
%include "lib/bench-pg.inc"

PDPT     equ 0x400000           ; 4 entries (32-byte aligned)
PD0      equ 0x401000
PD1      equ 0x402000
PT_WIN   equ 0x410000           ; 32 tables of 4 KiB
POOL     equ 0x01000000

main32:
    call a20_on
    PRINTLN "bench-pae: start"
    mov edi, PDPT
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd
    mov dword [PDPT + 0], PD0 + 1           ; PDPTEs: present only
    mov dword [PDPT + 8], PD1 + 1
    xor ecx, ecx
.low:
    mov eax, ecx
    shl eax, 21
    or eax, 0x083                           ; 2 MiB page, writable, present
    mov [PD0 + ecx*8], eax
    inc ecx
    cmp ecx, 4
    jb .low
    xor ecx, ecx
.pde:
    mov eax, ecx
    shl eax, 12
    add eax, PT_WIN + 0x003
    mov [PD1 + ecx*8], eax
    mov dword [PD1 + ecx*8 + 4], 0
    inc ecx
    cmp ecx, 32
    jb .pde
    mov edi, PT_WIN
    mov eax, POOL + 0x003
    mov ecx, 16384
.pte:
    stosd                                   ; low dword
    mov dword [edi], 0                      ; high dword
    add edi, 4
    add eax, 0x1000
    loop .pte
    call pg_make_list
    mov eax, cr4
    or eax, 0x20                ; PAE
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    call pg_on
    call pg_workload
    call pg_off
    mov eax, cr4
    and eax, ~0x20
    mov cr4, eax
    PRINTLN "bench-pae: done"
    EXIT 0

ROM_END start
