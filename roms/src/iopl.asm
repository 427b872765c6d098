; iopl: ring-3 I/O through the TSS I/O permission bitmap (allowed/denied ports, multi-byte accesses, bitmap outside the TSS limit), IOPL, CLI/STI at CPL>IOPL, POPF/IRET not changing IF/IOPL.
; Ports used have no device in QEMU's default PC (0x2F0..0x30F, 0x80) apart from debugcon 0xE9.
%include "lib/pm.inc"

IOMAP       equ TSS_BASE + IOMAP_OFF

; DENY port: set the port's bit in the kernel TSS I/O bitmap
%macro DENY 1
    mov eax, %1
    bts [IOMAP], eax
%endmacro
; SET_IOPL n: EFLAGS.IOPL = n (at CPL0)
%macro SET_IOPL 1
    pushfd
    and dword [esp], ~0x3000
    or dword [esp], (%1) << 12
    popfd
%endmacro
; R3 label, text: run label at CPL3; a fault there is printed and followed by "  ^ text"
%macro R3 2
    TRY %%f
    RING3_CALL %1
%%f:
    NOTRY
    PRINTLN %2
%endmacro

main32:
    PRINTLN "iopl: start"
    mov al, 0xFF                        ; mask every IRQ: tests below set IF=1 (the PIT runs
    out 0x21, al                        ; from reset and would interrupt at a random point)
    out 0xA1, al
    DENY 0x2F9
    DENY 0x300
    DENY 0x2FC                          ; only 0x2FC of 0x2FC..0x2FF
    mov eax, cs
    PRINT "cpl0 iopl0: "
    call show_flags

    PRINTLN "ring 3, iopl 0, bitmap:"
    R3 r3_out80, "  ^ out 80 (allowed)"
    R3 r3_in2f8, "  ^ in al, dx=2f8 (allowed)"
    R3 r3_in2f9, "  ^ in al, dx=2f9 (denied)"
    R3 r3_outw2f8, "  ^ out dx=2f8, ax (2f9 denied)"
    R3 r3_ind2f4, "  ^ in eax, dx=2f4 (2f4..2f7 allowed)"
    R3 r3_ind2fa, "  ^ in eax, dx=2fa (2fc denied)"
    R3 r3_outw2ff, "  ^ out dx=2ff, ax (2ff allowed, 300 denied, next bitmap byte)"
    R3 r3_outsb, "  ^ outsb dx=2f9 (denied)"
    R3 r3_cli, "  ^ cli at cpl3 iopl0"
    R3 r3_sti, "  ^ sti at cpl3 iopl0"
    R3 r3_popf, "  ^ popf at cpl3 iopl0"
    R3 r3_iret, "  ^ iret at cpl3 iopl0"

    ; the bitmap base moved past the TSS limit: every port is denied at CPL3
    mov word [TSS_BASE + 0x66], 0xF000
    R3 r3_out80, "  ^ out 80 with the bitmap base beyond the tss limit"
    mov word [TSS_BASE + 0x66], IOMAP_OFF

    PRINTLN "ring 3, iopl 3: no bitmap checks, cli/sti allowed"
    SET_IOPL 3
    R3 r3_in2f9, "  ^ in al, dx=2f9 (denied in bitmap, iopl 3)"
    mov word [TSS_BASE + 0x66], 0xF000
    R3 r3_out80, "  ^ out 80 with no bitmap, iopl 3"
    mov word [TSS_BASE + 0x66], IOMAP_OFF
    R3 r3_cli, "  ^ cli at cpl3 iopl3"
    R3 r3_popf, "  ^ popf at cpl3 iopl3"
    R3 r3_iret, "  ^ iret at cpl3 iopl3"
    SET_IOPL 0

    PRINTLN "cpl0: popf changes if and iopl"
    push dword 0x3202
    popfd
    PRINT "cpl0 after popf 3202: "
    call show_flags
    push dword 0x0002
    popfd
    PRINT "cpl0 after popf 0002: "
    call show_flags
    PRINTLN "iopl done"
    EXIT 0

; show_flags: prints "iopl=N if=N\n" from the current EFLAGS.
show_flags:
    pushfd
    push eax
    mov eax, [esp+4]
    PRINT "iopl="
    shr eax, 12
    and al, 3
    PHEX8
    PRINT " if="
    mov eax, [esp+4]
    shr eax, 9
    and al, 1
    PHEX8
    NL
    pop eax
    popfd
    ret

; ---- ring-3 pieces: each prints what it got when it did not fault ----
r3_out80:
    mov al, 0x55
    out 0x80, al
    PRINTLN "r3: out 80 ok"
    BACK_TO_RING0
r3_in2f8:
    mov dx, 0x2F8
    in al, dx                           ; no device: the value is not printed
    PRINTLN "r3: in 2f8 ok"
    BACK_TO_RING0
r3_in2f9:
    mov dx, 0x2F9
    in al, dx
    PRINTLN "r3: in 2f9 ok"
    BACK_TO_RING0
r3_outw2f8:
    mov dx, 0x2F8
    out dx, ax
    PRINTLN "r3: out word 2f8 ok"
    BACK_TO_RING0
r3_ind2f4:
    mov dx, 0x2F4
    in eax, dx
    PRINTLN "r3: in dword 2f4 ok"
    BACK_TO_RING0
r3_ind2fa:
    mov dx, 0x2FA
    in eax, dx
    PRINTLN "r3: in dword 2fa ok"
    BACK_TO_RING0
r3_outw2ff:
    mov dx, 0x2FF
    out dx, ax
    PRINTLN "r3: out word 2ff ok"
    BACK_TO_RING0
r3_outsb:
    mov dx, 0x2F9
    mov esi, SCRATCH
    outsb
    PRINTLN "r3: outsb 2f9 ok"
    BACK_TO_RING0
r3_cli:
    cli
    PRINT "r3: cli ok, "
    call show_flags
    BACK_TO_RING0
r3_sti:
    sti
    PRINTLN "r3: sti ok"
    BACK_TO_RING0
r3_popf:                                ; IF=1, IOPL=1 from ring 3: IOPL never changes, IF only if CPL<=IOPL
    PRINT "r3: before popf 1202: "
    call show_flags
    push dword 0x1202
    popfd
    PRINT "r3: after popf 1202: "
    call show_flags
    BACK_TO_RING0
r3_iret:                                ; same through an IRETD to the same privilege level
    push dword 0x1202
    push cs
    push dword .after
    iretd
.after:
    PRINT "r3: after iretd with eflags 1202: "
    call show_flags
    BACK_TO_RING0

ROM_END start
