; fpu-ferr: with CR0.NE clear, an unmasked x87 exception asserts FERR# at the next fnop/fwait, which the board routes to IRQ 13 (8259 slave IRQ 5); a write to port F0 asserts IGNNE# and drops IRQ 13, and only an fldenv/frstor with ES clear deasserts IGNNE# again (QEMU's fpu_helper.c and pc.c).
; NOGOLDEN: QEMU 7.2 aborts here (tcg_handle_interrupt: iothread lock not held when fnop/fwait raise FERR#); test/cpu/x86/fpu/ferr.test.ts checks the lines.
%include "lib/pm.inc"
%include "lib/fpu.inc"

main32:
    PRINTLN "fpu-ferr: start"
    FPU_ON
    ; ---- FERR# -> IRQ 13 with CR0.NE clear; port F0 sets IGNNE# ----
    mov dword [0xFEE000F0], 0x1FF
    mov dword [0xFEE00350], 0x700
    mov dword [0xFEE00360], 0x400
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1
    out 0x21, al
    out 0xa1, al
    mov al, 0xfb
    out 0x21, al
    mov al, 0xdf
    out 0xa1, al
    SETGATE 0x2d, irq13, SEL_CODE32, 0x8e
    mov eax, cr0
    and eax, ~0x20              ; NE off
    mov cr0, eax
    sti
    fninit
    fldcw [cw_zm]
    fld1
    fldz
    fdivp st1, st0              ; 1/0 with ZE unmasked: ES
    PRINTLN "ferr 1"
    fwait
    jmp .f1
.f1:
    PRINTLN "after fwait 1"
    fnclex
    fld1
    fldz
    fdivp st1, st0
    fwait                       ; IGNNE# still asserted (fnclex does not drop it): no IRQ
    jmp .f2
.f2:
    PRINTLN "after fwait 2"
    fnstenv [FPU_ENV]
    and word [FPU_ENV + 4], 0x3f00      ; SE clear: fldenv deasserts IGNNE#
    fldenv [FPU_ENV]
    fld1
    fldz
    fdivp st1, st0
    fwait
    jmp .f3
.f3:
    PRINTLN "after fwait 3"
    cli
    mov eax, cr0
    or eax, 0x20
    mov cr0, eax
    PRINTLN "fpu-ferr: done"
    EXIT 0

irq13:
    push eax
    PRINT "irq13 "
    PSW
    NL
    mov al, 0
    out 0xf0, al                ; IGNNE#, FERR# deasserted
    mov al, 0x20
    out 0xa0, al
    out 0x20, al
    pop eax
    iretd

cw_zm: dw 0x037b

ROM_END start
