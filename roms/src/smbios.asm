; smbios: the SMBIOS files the pc machine gives its firmware through fw_cfg (etc/smbios/smbios-anchor, etc/smbios/smbios-tables), found in the file directory and printed byte for byte in hex.
; ARGS: -cpu qemu32,-mmx,-sep,-fxsr,-sse,-sse2
; (features tcg86 does not run are off, as its CPUID hides them: type 4 carries CPUID 1 EDX.)
%include "lib/pm.inc"

DIR equ 0x20000                 ; a copy of the file directory (up to 64 entries)
main32:
    mov dx, 0x510
    mov ax, 0x19
    out dx, ax
    inc dx
    mov edi, DIR
    mov ecx, 4 + 64*64
.rd:
    in al, dx
    mov [edi], al
    inc edi
    loop .rd
    mov eax, [DIR]
    bswap eax
    mov ebp, eax            ; count
    mov esi, DIR + 4
.next:
    test ebp, ebp
    jz .done
    cmp dword [esi + 8], 'etc/'
    jne .skip
    cmp dword [esi + 12], 'smbi'
    jne .skip
    ; print name
    lea ebx, [esi + 8]
.pn:
    mov al, [ebx]
    test al, al
    jz .pd
    out 0xe9, al
    inc ebx
    jmp .pn
.pd:
    PRINT " "
    mov eax, [esi]
    bswap eax
    mov ecx, eax
    PHEX32
    PRINT " "
    movzx eax, word [esi + 4]
    xchg al, ah
    mov dx, 0x510
    out dx, ax
    inc dx
.db:
    in al, dx
    PHEX8
    loop .db
    NL
.skip:
    add esi, 64
    dec ebp
    jmp .next
.done:
    EXIT 0
ROM_END start
