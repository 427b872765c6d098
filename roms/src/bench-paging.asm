; bench-paging: TLB-bound macro benchmark: 32-bit PM with 4 KiB paging over a 64 MiB window, random and 1 MiB-stride accesses, CR3 switches.
; BENCH: paging
; ARGS: -m 128M
; Two page directories map the 64 MiB virtual window at 0x40000000 onto the same physical pool
; at 16..80 MiB, A with page i -> pool page i, B with page i -> pool page (5*i + 3) mod 16384;
; both map 0..8 MiB identically (code, stack, tables). 16 rounds of 512 Ki random read-modify-
; writes (LCG, 12 instructions each) and 512 Ki 1 MiB+4 stride read-modify-writes (9 each; the
; stride keeps hitting one slot of a 256-entry direct-mapped TLB), switching CR3 between A and
; B every 64 Ki accesses: about 180 M guest instructions. Prints the checksum, and with paging
; off the number of window PTEs with Accessed / Dirty set in each directory.
%include "lib/pm.inc"

PD_A     equ 0x400000
PD_B     equ 0x401000
PT_LOW   equ 0x402000           ; 2 tables: 0..8 MiB identity, shared by A and B
PT_WIN_A equ 0x410000           ; 16 tables for the window, directory A
PT_WIN_B equ 0x420000           ; 16 tables for the window, directory B
WIN      equ 0x40000000         ; virtual window (PDE 256..271)
POOL     equ 0x01000000         ; physical pool, 16 MiB .. 80 MiB
PAGES    equ 16384
ROUNDS   equ 16
CHUNK    equ 65536              ; accesses between CR3 switches
PTE_RW   equ 0x003              ; present, writable, supervisor

main32:
    in al, 0x92                 ; A20 on (tables live above 1 MiB)
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    PRINTLN "bench-paging: start"

    ; page directories: all zero, then the low identity tables and the window tables
    mov edi, PD_A
    mov ecx, 2048
    xor eax, eax
    rep stosd
    mov edi, PT_LOW
    mov eax, PTE_RW
    mov ecx, 2048
.low:
    stosd
    add eax, 0x1000
    loop .low
    mov dword [PD_A + 0], PT_LOW + PTE_RW
    mov dword [PD_A + 4], PT_LOW + 0x1000 + PTE_RW
    mov dword [PD_B + 0], PT_LOW + PTE_RW
    mov dword [PD_B + 4], PT_LOW + 0x1000 + PTE_RW
    xor ecx, ecx
.pde:
    mov eax, ecx
    shl eax, 12
    lea edx, [PT_WIN_A + eax + PTE_RW]
    mov [PD_A + (WIN >> 22) * 4 + ecx*4], edx
    lea edx, [PT_WIN_B + eax + PTE_RW]
    mov [PD_B + (WIN >> 22) * 4 + ecx*4], edx
    inc ecx
    cmp ecx, PAGES / 1024
    jb .pde
    xor ecx, ecx
.pte:
    mov eax, ecx
    shl eax, 12
    add eax, POOL + PTE_RW
    mov [PT_WIN_A + ecx*4], eax
    lea eax, [ecx*4 + ecx + 3]  ; 5*i + 3
    and eax, PAGES - 1
    shl eax, 12
    add eax, POOL + PTE_RW
    mov [PT_WIN_B + ecx*4], eax
    inc ecx
    cmp ecx, PAGES
    jb .pte

    mov eax, PD_A
    mov cr3, eax
    call pg_on

    mov ebx, 0x2545F491         ; LCG state
    xor esi, esi                ; checksum
    xor edx, edx                ; stride pointer (window offset)
    mov ebp, ROUNDS
.round:
    mov edi, 8                  ; 8 chunks of random accesses
.rchunk:
    mov ecx, CHUNK
    push edi
.rand:
    imul ebx, ebx, 1664525
    add ebx, 1013904223
    mov edi, ebx
    shr edi, 4                  ; use the better high LCG bits for page and offset
    and edi, 0x03FFFFFC
    mov eax, [edi + WIN]
    add eax, ebx
    mov [edi + WIN], eax
    xor esi, eax
    rol esi, 1
    dec ecx
    jnz .rand
    pop edi
    call switch_cr3
    dec edi
    jnz .rchunk

    mov edi, 8                  ; 8 chunks of stride accesses
.schunk:
    mov ecx, CHUNK
.stride:
    add edx, 0x00100004         ; 256 pages + 4 bytes: same TLB slot each time
    and edx, 0x03FFFFFC
    mov eax, [edx + WIN]
    add eax, ecx
    mov [edx + WIN], eax
    xor esi, eax
    rol esi, 1
    dec ecx
    jnz .stride
    call switch_cr3
    dec edi
    jnz .schunk
    dec ebp
    jnz .round

    call pg_off
    PRINT "checksum: "
    PHEX32 esi
    PRINT " lcg: "
    PHEX32 ebx
    NL
    mov edi, PT_WIN_A
    call count_ad
    mov edi, PT_WIN_B
    call count_ad
    PRINTLN "bench-paging: done"
    EXIT 0

; switch_cr3: alternate between directories A and B (a full non-global TLB flush each time).
switch_cr3:
    push eax
    mov eax, cr3
    xor eax, PD_A ^ PD_B
    mov cr3, eax
    pop eax
    ret

; count_ad: print how many of the 16384 PTEs at EDI have Accessed (bit 5) / Dirty (bit 6) set.
count_ad:
    pushad
    mov ebp, edi
    xor ebx, ebx                ; accessed
    xor edx, edx                ; dirty
    mov ecx, PAGES
.e:
    mov eax, [edi]
    bt eax, 5
    adc ebx, 0
    bt eax, 6
    adc edx, 0
    add edi, 4
    loop .e
    PRINT "ptes at "
    PHEX32 ebp
    PRINT ": accessed "
    PHEX32 ebx
    PRINT " dirty "
    PHEX32 edx
    NL
    popad
    ret

ROM_END start
