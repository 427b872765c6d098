; mon-busy: a guest that never stops being slow to emulate, for the monitor's responsiveness test: rep movsd over 8 MiB between buffers 8 MiB apart, then two TLB-slot aliases in turn, for ever.
; 32-bit PM with 4 KiB pages identity-mapping 0..64 MiB. Prints "mon-busy: ready" once paging
; is on, then loops: one rep movsd of 2 Mi dwords from 16 MiB to 24 MiB (source and destination
; pages 2048 apart), then 64 Ki alternating read-modify-writes of pages 0x1000 and 0x1410 (one
; slot of tcg86's soft TLB), and prints a dot every pass. test/cli/responsive.test.ts runs it.
%include "lib/pm.inc"

PD     equ 0x400000
PT     equ 0x401000             ; 16 tables: 0..64 MiB identity
BUF_LO equ 0x1000000
BUF_HI equ 0x1800000
ALIAS  equ 0x1410000            ; page 0x1410: page ^ (page >> 6) matches page 0x1000's low 10 bits

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
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
    PRINTLN "mon-busy: ready"
.pass:
    mov esi, BUF_LO
    mov edi, BUF_HI
    mov ecx, 0x200000
    rep movsd
    mov ecx, 65536
.alias:
    add eax, [BUF_LO]
    mov [ALIAS], eax
    add eax, [ALIAS + 4]
    mov [BUF_LO + 4], eax
    dec ecx
    jnz .alias
    PUTC '.'
    jmp .pass

ROM_END start
