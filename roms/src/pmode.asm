; pmode: 32-bit protected mode segment loads and their faults, LAR/LSL/VERR/VERW, SGDT/SIDT/SLDT/STR/SMSW, far transfers 16<->32, call gate with TSS stack switch, LDT.
; Every fault goes through pm.inc's handler, which prints vector, error code and EIP.
%include "lib/pm.inc"

; test descriptors in the spare GDT slots
SEL_NP      equ 0x48        ; writable data, DPL0, not present
SEL_XO      equ 0x50        ; execute-only code
SEL_RO      equ 0x58        ; read-only data
SEL_SMALL   equ 0x60        ; 16-bit data, base 0x20000, byte-granular limit 0xFFF
SEL_CONF    equ 0x68        ; conforming readable code, DPL0
SEL_GATE    equ 0x70        ; 32-bit call gate, DPL3, 2 parameters -> gate_target
SEL_DPL1    equ 0x78        ; writable data, DPL1
SEL_LDTDATA equ 0x0C        ; LDT index 1, TI=1: data, base 0x20000

main32:
    PRINTLN "pmode: protected mode entered"
    SETDESC GDT_BASE, SEL_NP, 0, 0xFFFFF, 0xC012
    SETDESC GDT_BASE, SEL_XO, 0, 0xFFFFF, 0xC098
    SETDESC GDT_BASE, SEL_RO, 0, 0xFFFFF, 0xC090
    SETDESC GDT_BASE, SEL_SMALL, 0x20000, 0xFFF, ATTR_DATA16
    SETDESC GDT_BASE, SEL_CONF, 0, 0xFFFFF, 0xC09E
    SETDESC GDT_BASE, SEL_DPL1, 0, 0xFFFFF, ATTR_DATA32 | 0x20
    ; call gate: offset 15:0, selector, param count, type 0xEC (P, DPL3, 386 call gate), offset 31:16
    mov eax, gate_target
    mov [GDT_BASE + SEL_GATE], ax
    mov word [GDT_BASE + SEL_GATE + 2], SEL_CODE32
    mov byte [GDT_BASE + SEL_GATE + 4], 2
    mov byte [GDT_BASE + SEL_GATE + 5], 0xEC
    shr eax, 16
    mov [GDT_BASE + SEL_GATE + 6], ax

; ---------------- descriptor-table registers ----------------
    sgdt [SCRATCH]
    PRINT "sgdt limit "
    PHEX16 [SCRATCH]
    PRINT " base "
    PHEX32 [SCRATCH + 2]
    NL
    sidt [SCRATCH]
    PRINT "sidt limit "
    PHEX16 [SCRATCH]
    PRINT " base "
    PHEX32 [SCRATCH + 2]
    NL
    mov eax, 0xFFFFFFFF
    sldt ax
    PRINT "sldt "
    PHEX16
    mov eax, 0xFFFFFFFF
    str ax
    PRINT " str "
    PHEX16
    smsw ax
    PRINT " smsw "
    PHEX16
    NL

; ---------------- segment register loads ----------------
    mov ax, SEL_DATA32
    mov ds, ax
    mov ax, ds
    PRINT "load ds 0010 ok, ds="
    PHEX16
    NL
    xor ax, ax                          ; a null selector may be loaded into DS
    mov ds, ax
    PRINTLN "load ds 0000 ok"
    mov ax, SEL_DATA32
    mov ds, ax
    TRY .f1
    mov ax, SEL_NP
    mov es, ax
    PRINTLN "FAIL: not-present es"
.f1:
    PRINTLN "  ^ es <- not-present data"
    TRY .f2
    mov ax, SEL_XO
    mov fs, ax
    PRINTLN "FAIL: execute-only fs"
.f2:
    PRINTLN "  ^ fs <- execute-only code"
    mov ax, SEL_CONF                    ; readable code may be loaded into a data register
    mov gs, ax
    mov ax, gs
    PRINT "load gs conforming readable code ok, gs="
    PHEX16
    NL
    mov ax, SEL_DATA32
    mov gs, ax
    TRY .f3
    mov ax, SEL_TSS
    mov ds, ax
    PRINTLN "FAIL: tss into ds"
.f3:
    PRINTLN "  ^ ds <- tss"
    TRY .f4
    mov ax, SEL_DATA32 | 3              ; RPL 3 > DPL 0
    mov ds, ax
    PRINTLN "FAIL: rpl3 ds"
.f4:
    PRINTLN "  ^ ds <- dpl0 data with rpl3"
    TRY .f5
    mov ax, SEL_DPL1 | 1                ; DPL1 >= max(CPL0, RPL1): allowed
    mov ds, ax
    mov ax, ds
    PRINT "load ds dpl1 rpl1 ok, ds="
    PHEX16
    NL
    mov ax, SEL_DPL1 | 2                ; RPL2 > DPL1
    mov ds, ax
    PRINTLN "FAIL: rpl2 dpl1"
.f5:
    PRINTLN "  ^ ds <- dpl1 data with rpl2"
    TRY .f6
    mov ax, 0x200                       ; index 64: beyond the GDT limit
    mov ds, ax
    PRINTLN "FAIL: beyond gdt limit"
.f6:
    PRINTLN "  ^ ds <- selector beyond gdt limit"
    TRY .f7
    mov ax, 0x0004                      ; TI=1 with a null LDTR
    mov ds, ax
    PRINTLN "FAIL: ldt selector with null ldtr"
.f7:
    PRINTLN "  ^ ds <- ldt selector, null ldtr"
    ; stack segment loads
    TRY .s1
    xor ax, ax
    mov ss, ax
    PRINTLN "FAIL: null ss"
.s1:
    PRINTLN "  ^ ss <- null"
    TRY .s2
    mov ax, SEL_RO
    mov ss, ax
    PRINTLN "FAIL: read-only ss"
.s2:
    PRINTLN "  ^ ss <- read-only data"
    TRY .s3
    mov ax, SEL_CODE32
    mov ss, ax
    PRINTLN "FAIL: code ss"
.s3:
    PRINTLN "  ^ ss <- code"
    TRY .s4
    mov ax, SEL_DATA32 | 1              ; RPL != CPL
    mov ss, ax
    PRINTLN "FAIL: rpl1 ss"
.s4:
    PRINTLN "  ^ ss <- rpl1"
    TRY .s5
    mov ax, SEL_DPL1                    ; DPL != CPL
    mov ss, ax
    PRINTLN "FAIL: dpl1 ss"
.s5:
    PRINTLN "  ^ ss <- dpl1 data"
    TRY .s6
    mov ax, SEL_NP
    mov ss, ax
    PRINTLN "FAIL: not-present ss"
.s6:
    PRINTLN "  ^ ss <- not-present data (#SS)"
    NOTRY

; ---------------- LAR / LSL / VERR / VERW at CPL0 ----------------
    mov esi, lar_list
.lar_loop:
    movzx ecx, word [cs:esi]
    cmp cx, 0xFFFF
    je .lar_done
    call show_lar_lsl
    add esi, 2
    jmp .lar_loop
.lar_done:

; ---------------- LDT ----------------
    SETDESC LDT_BASE, SEL_LDTDATA, 0x20000, 0xFFFF, 0x4092
    mov ax, SEL_LDT
    lldt ax
    sldt ax
    PRINT "lldt: sldt="
    PHEX16
    mov dword [0x20010], 0
    mov ax, SEL_LDTDATA
    mov es, ax
    mov dword [es:0x10], 0xC0FFEE01
    mov ax, SEL_DATA32
    mov es, ax
    PRINT " ldt data write seen at 0x20010: "
    PHEX32 [0x20010]
    NL
    mov ecx, SEL_LDTDATA
    call show_lar_lsl
    TRY .l1
    mov ax, SEL_LDTDATA + 8             ; LDT index 2 is zero: #GP(sel)
    mov ds, ax
    PRINTLN "FAIL: null ldt descriptor"
.l1:
    PRINTLN "  ^ ds <- empty ldt slot"
    TRY .l2
    mov ax, 0x0104                      ; LDT index 32: beyond the LDT limit
    mov ds, ax
    PRINTLN "FAIL: beyond ldt limit"
.l2:
    PRINTLN "  ^ ds <- beyond ldt limit"
    NOTRY

; ---------------- far transfers between 32- and 16-bit code ----------------
    xor eax, eax
    xor ebx, ebx
    call SEL_CODE16:(code16_a - 0xF0000)
    PRINT "far call 32->16, o32 retf: ax="
    PHEX16
    PRINT " cs in 16-bit code="
    PHEX16 bx
    NL
    mov ecx, 0x11
    jmp SEL_CODE16:(code16_b - 0xF0000)
back32:
    mov ax, cs
    PRINT "far jmp 16->32: cs="
    PHEX16
    PRINT " ecx="
    PHEX32 ecx
    PRINT " esp="
    PHEX32 esp
    NL
    ; a far return to the same privilege level through a 32-bit far pointer on the stack
    push dword SEL_CODE32
    push dword .after_retf
    retf
.after_retf:
    PRINTLN "retf same level ok"

; ---------------- ring 3: call gate with stack switch, retf and iret back ----------------
    SETGATE 0x31, int31_handler, SEL_CODE32, GATE_TRAP32 | GATE_DPL3
    mov ax, SEL_DATA32                  ; DS with DPL0: must become null in ring 3
    mov ds, ax
    push dword SEL_DATA32_R3
    push dword STACK3_TOP
    push dword SEL_CODE32_R3
    push dword ring3_code
    mov [VAR_R0_ESP], esp
    add dword [VAR_R0_ESP], 16
    mov dword [VAR_R0_CONT], .from_ring3
    retf
.from_ring3:
    mov ax, cs
    PRINT "back at cpl0 via int 30: cs="
    PHEX16
    PRINT " esp="
    PHEX32 esp
    NL
    ; RPL/DPL checks seen from ring 3 through RING3_CALL
    PRINTLN "ring3 checks:"
    RING3_CALL ring3_lar
    TRY .g1
    RING3_CALL r3_ds_dpl0
.g1:
    PRINTLN "  ^ ring3: ds <- dpl0 data"
    TRY .g2
    RING3_CALL r3_ss_rpl0
.g2:
    PRINTLN "  ^ ring3: ss <- rpl0"
    TRY .g3
    RING3_CALL r3_call_dpl0
.g3:
    PRINTLN "  ^ ring3: far call to dpl0 code"
    TRY .g4
    RING3_CALL r3_conforming
.g4:
    PRINTLN "  ^ ring3: hlt"
    NOTRY
    ; ---- hardware-only section (see test/golden/DEVIATIONS.md): QEMU 7.2 TCG does not
    ; check the null selector on data accesses; the SDM and a real CPU raise #GP(0).
    PRINTLN "hw-only: data access through a null ds"
    TRY null_used
    xor ax, ax
    mov ds, ax
null_ds_access:
    mov eax, [0]
    PRINTLN "no fault (qemu)"
null_used:
    PRINTLN "pmode done"
    EXIT 0

; show_lar_lsl: ECX = selector; prints "sel SSSS lar AAAAAAAA z lsl LLLLLLLL z verr z verw z"
; with LAR's result masked to the defined bits (00FxFF00: limit 19:16 undefined) and each
; instruction's ZF; a failing LAR/LSL leaves the destination (0xDEADBEEF) unchanged.
show_lar_lsl:
    push eax
    PRINT "sel "
    PHEX16 cx
    mov eax, 0xDEADBEEF
    lar eax, ecx
    pushfd                              ; keep LAR's ZF across the mask
    jnz .lar_bad
    and eax, 0x00F0FF00
.lar_bad:
    popfd
    PRINT " lar "
    PHEX32
    call print_zf
    mov eax, 0xDEADBEEF
    lsl eax, ecx
    PRINT " lsl "
    PHEX32
    call print_zf
    verr cx
    PRINT " verr"
    call print_zf
    verw cx
    PRINT " verw"
    call print_zf
    NL
    pop eax
    ret

; print_zf: prints " z=1" or " z=0" from the caller's ZF.
print_zf:
    jz .one
    PRINT " z=0"
    ret
.one:
    PRINT " z=1"
    ret

lar_list:
    dw 0x0000, SEL_CODE32, SEL_DATA32, SEL_CODE16, SEL_DATA16, SEL_CODE32_R3, SEL_DATA32_R3
    dw SEL_TSS, SEL_LDT, SEL_NP, SEL_XO, SEL_RO, SEL_SMALL, SEL_CONF, SEL_GATE, SEL_DPL1
    dw SEL_DATA32 | 3, SEL_DPL1 | 2, 0x200, 0xFFFF

; ---- 16-bit code, run through SEL_CODE16 (base 0xF0000): offsets are label - 0xF0000 ----
[bits 16]
code16_a:                               ; entered by a 32-bit far call
    mov ax, 0x1616
    add ax, 0x0101
    mov bx, cs
    o32 retf
code16_b:                               ; entered by a far jmp; calls 32-bit code and jumps back
    add cx, 0x0100
    call dword SEL_CODE32:code32_c      ; 32-bit far pointer from 16-bit code
    add ecx, 0x10000
    jmp dword SEL_CODE32:back32
[bits 32]
code32_c:
    add ecx, 0x2000
    retf

; ---- ring-3 code ----
ring3_code:
    mov edx, ds                         ; DPL0 DS/ES must have been nulled by the return to ring 3
    mov esi, es
    mov ebx, cs
    mov ecx, ss
    mov ax, SEL_DATA32_R3
    mov ds, ax
    mov es, ax
    PRINT "ring3 via retf: ds="
    PHEX16 dx
    PRINT " es="
    PHEX16 si
    PRINT " cs="
    PHEX16 bx
    PRINT " ss="
    PHEX16 cx
    PRINT " esp="
    PHEX32 esp
    NL
    push dword 0x22222222
    push dword 0x11111111
    call (SEL_GATE | 3):0                ; offset is ignored for a call gate
    PRINT "ring3 after gate retf 8: esp="
    PHEX32 esp
    PRINT " cs="
    mov eax, cs
    PHEX16
    NL
    mov eax, 0x3100
    int 0x31
    PRINT "ring3 after int 31 iret: eax="
    PHEX32
    NL
    BACK_TO_RING0

gate_target:
    mov ebp, esp
    PRINT "gate: cs="
    mov eax, cs
    PHEX16
    PRINT " ss="
    mov eax, ss
    PHEX16
    PRINT " esp="
    PHEX32 esp
    PRINT " frame eip="
    PHEX32 [ebp]
    PRINT " cs="
    PHEX32 [ebp+4]
    PRINT " p1="
    PHEX32 [ebp+8]
    PRINT " p2="
    PHEX32 [ebp+12]
    PRINT " esp="
    PHEX32 [ebp+16]
    PRINT " ss="
    PHEX32 [ebp+20]
    NL
    retf 8

int31_handler:
    mov ebp, esp
    PRINT "int 31 at cpl "
    mov ebx, cs
    and bl, 3
    PHEX8 bl
    PRINT " ss="
    mov ebx, ss
    PHEX16 bx
    PRINT " esp="
    PHEX32 esp
    PRINT " frame cs="
    PHEX16 [ebp+4]
    PRINT " eflags="
    mov ebx, [esp+8]
    and ebx, 0x3202                     ; IOPL, IF and the reserved 1: the rest are test-neutral
    PHEX32 ebx
    NL
    add eax, 1
    iretd

; ring3_lar: the LAR/LSL/VERR/VERW list again, at CPL3
ring3_lar:
    mov esi, lar_list
.loop:
    movzx ecx, word [cs:esi]
    cmp cx, 0xFFFF
    je .done
    call show_lar_lsl
    add esi, 2
    jmp .loop
.done:
    BACK_TO_RING0

; ring-3 snippets that must fault (the fault resumes at CPL0 via TRY)
r3_ds_dpl0:
    mov ax, SEL_DATA32
    mov ds, ax
    PRINTLN "FAIL: dpl0 ds from ring 3"
    BACK_TO_RING0
r3_ss_rpl0:
    mov ax, SEL_DATA32_R3 & ~3          ; DPL3 data with RPL0 for SS from CPL3: RPL != CPL
    mov ss, ax
    PRINTLN "FAIL: ss rpl0 from ring 3"
    BACK_TO_RING0
r3_call_dpl0:
    call SEL_CODE32:0                   ; non-conforming DPL0 code from CPL3
    PRINTLN "FAIL: far call to dpl0 code from ring 3"
    BACK_TO_RING0
r3_conforming:
    call SEL_CONF:conf_code             ; conforming: runs at CPL3
    PRINT "ring3 called conforming code, it saw cs="
    PHEX16 ax
    NL
    hlt                                 ; privileged: #GP(0)
    PRINTLN "FAIL: hlt at cpl3"
    BACK_TO_RING0

conf_code:
    mov eax, cs
    retf

ROM_END start
