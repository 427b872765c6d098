; dimm-pae: a DIMM plugged at startup (-device pc-dimm) is guest RAM at 4 GiB: PAE maps it, a pattern written there reads back, and its checksum is printed.
; ARGS: -cpu qemu32,+pse36 -m 64,slots=2,maxmem=1G -object memory-backend-ram,id=m0,size=4M -device pc-dimm,id=d0,memdev=m0
; (+pse36: MAXPHYADDR 36, so PAE reaches above 4 GiB.) PDPT[0] maps 0..4 MiB identity (2 MiB pages); PDPT[1] (VA 0x40000000) maps physical
; 0x100000000..0x100600000 with three 2 MiB pages: the 4 MiB DIMM (device memory's first
; address) and the 2 MiB after it, which is unplugged device memory. Prints the readback,
; the checksum, what the unplugged part reads and what a write there leaves.
%include "lib/pm.inc"

PDPT     equ 0x200000           ; 4 entries (32-byte aligned)
PD0      equ 0x201000
PD1      equ 0x202000
WIN      equ 0x40000000
DWORDS   equ 0x20000            ; the first 512 KiB (the interpreter runs it too)

main32:
    in al, 0x92
    or al, 0x02
    and al, 0xFE
    out 0x92, al
    mov edi, PDPT
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd
    mov dword [PDPT + 0], PD0 + 1
    mov dword [PDPT + 8], PD1 + 1
    mov dword [PD0 + 0], 0x000083             ; 0..2 MiB
    mov dword [PD0 + 8], 0x200083             ; 2..4 MiB
    mov dword [PD1 + 0], 0x000083             ; physical 0x1_0000_0000
    mov dword [PD1 + 4], 1
    mov dword [PD1 + 8], 0x200083             ; 0x1_0020_0000
    mov dword [PD1 + 12], 1
    mov dword [PD1 + 16], 0x400083            ; 0x1_0040_0000: past the DIMM
    mov dword [PD1 + 20], 1
    mov eax, cr4
    or eax, 0x20
    mov cr4, eax
    mov eax, PDPT
    mov cr3, eax
    call pg_on
    ; Write dword i = i * 0x9E3779B1 ^ 0x5A5A5A5A over the first 512 KiB, and one at the end.
    mov edi, WIN
    xor ecx, ecx
.write:
    mov eax, ecx
    imul eax, eax, 0x9E3779B1
    xor eax, 0x5A5A5A5A
    mov [edi + ecx*4], eax
    inc ecx
    cmp ecx, DWORDS
    jb .write
    mov dword [WIN + 0x3FFFFC], 0xD1AA0004   ; the DIMM's last dword
    ; Read back, count mismatches, sum.
    xor ecx, ecx
    xor ebx, ebx                ; mismatches
    xor edx, edx                ; checksum
.read:
    mov eax, ecx
    imul eax, eax, 0x9E3779B1
    xor eax, 0x5A5A5A5A
    mov esi, [edi + ecx*4]
    add edx, esi
    rol edx, 1
    cmp esi, eax
    je .same
    inc ebx
.same:
    inc ecx
    cmp ecx, DWORDS
    jb .read
    PRINT "dimm-pae: mismatches "
    PHEX32 ebx
    PRINT " checksum "
    PHEX32 edx
    NL
    PRINT "dimm-pae: unplugged device memory reads "
    PHEX32 dword [WIN + 0x400000]
    mov dword [WIN + 0x400000], 0x12345678
    PRINT ", after a write "
    PHEX32 dword [WIN + 0x400000]
    NL
    PRINT "dimm-pae: last DIMM dword "
    PHEX32 dword [WIN + 0x3FFFFC]
    NL
    call pg_off
    EXIT 0

ROM_END start
