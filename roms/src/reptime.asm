; reptime: guest time under -icount: every rep string iteration counts as an instruction (rdtsc around rep movsd/stosb/cmpsb), and the TSC keeps counting while the CPU is halted waiting for a local APIC timer interrupt.
; ARGS: -icount shift=3,sleep=off
%include "lib/pm.inc"

APIC        equ 0xFEE00000
T0          equ SCRATCH             ; rdtsc before (low dword)
TICKS       equ SCRATCH + 8

; DELTA "label": print " label=<tsc now - T0>" (low dwords)
%macro DELTA 1
    rdtsc
    sub eax, [T0]
    PRINT %1
    PRINT "="
    PHEX32
%endmacro
%macro START 0
    rdtsc
    mov [T0], eax
%endmacro

main32:
    PRINTLN "reptime: start"
    PRINT "straight:"
    START
    nop
    nop
    nop
    nop
    DELTA " 4 nops"
    NL

    PRINT "rep:"
    mov esi, 0x20000
    mov edi, 0x30000
    mov ecx, 1000
    START
    rep movsd
    DELTA " rep movsd 1000"
    mov edi, 0x30000
    mov ecx, 5000
    mov al, 0x5a
    START
    rep stosb
    DELTA " rep stosb 5000"
    mov esi, 0x30000
    mov edi, 0x30000
    mov ecx, 300
    START
    repe cmpsb
    DELTA " repe cmpsb 300"
    mov ecx, 0
    START
    rep movsb
    DELTA " rep movsb 0"
    NL

    ; ---- halted: the local APIC timer (one-shot) wakes the CPU ----
    SETGATE 0x40, timer_isr, SEL_CODE32, GATE_INT32
    mov dword [APIC + 0xF0], 0x1FF      ; SVR: enable
    mov dword [APIC + 0x3E0], 0xB       ; divide by 1
    mov dword [APIC + 0x320], 0x40      ; LVT timer: one-shot, vector 0x40
    PRINT "halted:"
    START
    mov dword [APIC + 0x380], 100000    ; initial count
    sti
    hlt
    cli
    DELTA " tsc across hlt"
    PRINT " ticks="
    PHEX32 [TICKS]
    NL
    PRINTLN "reptime done"
    EXIT 0

timer_isr:
    inc dword [TICKS]
    mov dword [APIC + 0xB0], 0
    iretd

ROM_END start
