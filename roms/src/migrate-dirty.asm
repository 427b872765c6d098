; migrate-dirty: a guest for live-migration tests: rolling checksums over a 256 KiB cold buffer (written once) and 16 KiB of hot pages (rewritten every round), with the PIT's IRQ0 ticking into a counter page, one line per round.
; The lines depend only on the data, never on timing; a migration that loses a page, a register or a
; timer deadline shows up as a wrong checksum or (the tests compare it) a different instruction count.
; ARGS: -m 16
%include "lib/pm.inc"

HOT         equ 0x100000            ; 4 hot pages, rewritten every round
HOT_DWORDS  equ 4096
COLD        equ 0x200000            ; 64 cold pages, written once then only read
COLD_DWORDS equ 65536
TICKS       equ 0x180000            ; the IRQ0 handler's counter (its own page)
ROUNDS      equ 10

main32:
    ; Enable the local APIC's LINT0 as ExtINT (QEMU masks it after reset), program the 8259 pair.
    mov dword [0xFEE000F0], 0x1FF
    mov dword [0xFEE00350], 0x700
    mov dword [0xFEE00360], 0x400
    mov al, 0x11
    out 0x20, al
    out 0xA0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01
    out 0x21, al
    out 0xA1, al
    mov al, 0xFE                        ; IRQ0 only
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    SETGATE 0x20, irq0_handler, SEL_CODE32, GATE_INT32
    mov al, 0x34                        ; PIT ch0, mode 2, ~1 kHz
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al

    ; cold buffer: x(n+1) = x(n) * 1103515245 + 12345
    mov edi, COLD
    mov ecx, COLD_DWORDS
    mov eax, 0x2545F491
.fill:
    imul eax, eax, 1103515245
    add eax, 12345
    mov [edi], eax
    add edi, 4
    dec ecx
    jnz .fill
    PRINTLN "migrate-dirty: cold buffer written"
    sti

    xor ebp, ebp                        ; round
.round:
    ; hot pages: h[i] = rol(h[i], 5) ^ (round * 0x9E3779B9 + i)
    mov edi, HOT
    xor ecx, ecx
    imul ebx, ebp, 0x9E3779B9
.hot:
    mov eax, [edi + ecx*4]
    rol eax, 5
    lea edx, [ebx + ecx]
    xor eax, edx
    mov [edi + ecx*4], eax
    inc ecx
    cmp ecx, HOT_DWORDS
    jne .hot
    ; checksum: rolling over the hot pages, then the cold buffer
    xor eax, eax
    mov esi, HOT
    mov ecx, HOT_DWORDS
.sumhot:
    rol eax, 3
    add eax, [esi]
    add esi, 4
    dec ecx
    jnz .sumhot
    mov esi, COLD
    mov ecx, COLD_DWORDS
.sumcold:
    rol eax, 1
    xor eax, [esi]
    add esi, 4
    dec ecx
    jnz .sumcold
    push eax
    PRINT "round "
    mov eax, ebp
    PHEX8
    pop eax
    PRINT " sum "
    PHEX32
    NL
    inc ebp
    cmp ebp, ROUNDS
    jne .round
    cli
    PRINTLN "migrate-dirty: done"
    EXIT 0

irq0_handler:
    inc dword [TICKS]
    push eax
    mov al, 0x20
    out 0x20, al
    pop eax
    iret

ROM_END start
