; apic-reenable: self-IPIs through the local APIC across a software disable/re-enable (SVR bit 8) and a global disable/re-enable (IA32_APIC_BASE.EN), the way test harnesses reset the APIC.
%include "lib/pm.inc"

APIC        equ 0xFEE00000
A_EOI       equ APIC + 0xB0
A_SVR       equ APIC + 0xF0
A_IRR2      equ APIC + 0x220        ; IRR bits 64-95 (vector 0x40 is bit 0)
A_ICR_LO    equ APIC + 0x300
A_LINT0     equ APIC + 0x350
IPI_VEC     equ 0x40
COUNT       equ SCRATCH             ; IPIs taken

; SELFIPI "label": send a fixed self-IPI (vector 0x40), open an interrupt window, print
; " label: taken=N irr=B".
%macro SELFIPI 1
    mov dword [A_ICR_LO], 0x00040000 | IPI_VEC
    call window
    PRINT %1
    call show_count
%endmacro

main32:
    PRINTLN "apic-reenable: start"
    SETGATE IPI_VEC, ipi_handler, SEL_CODE32, GATE_INT32
    mov dword [A_SVR], 0x1FF
    SELFIPI "enabled"

    ; ---- software disable (SVR bit 8 clear), then enable again ----
    mov dword [A_SVR], 0x0FF
    SELFIPI "sw-disabled"
    mov dword [A_SVR], 0x1FF
    call window
    PRINT "sw-enabled again, pending"
    call show_count
    SELFIPI "sw-enabled again"
    PRINT "svr="
    PHEX32 [A_SVR]
    PRINT " lint0="
    PHEX32 [A_LINT0]
    NL

    ; ---- global disable: IA32_APIC_BASE.EN clear ----
    mov ecx, 0x1b
    rdmsr
    PRINT "apic base="
    PHEX32
    NL
    and eax, ~0x800
    wrmsr
    rdmsr
    PRINT "after EN clear: apic base="
    PHEX32
    call show_cpuid_apic
    PRINT " svr="
    PHEX32 [A_SVR]
    NL
    ; ---- EN set again, then what a harness does: SVR enable, self-IPIs ----
    mov ecx, 0x1b
    rdmsr
    or eax, 0x800
    wrmsr
    rdmsr
    PRINT "hw-only: after EN set: apic base="
    PHEX32
    call show_cpuid_apic
    NL
    mov dword [A_SVR], 0x1FF
    SELFIPI "re-enabled"
    SELFIPI "re-enabled, second"
    PRINTLN "apic-reenable done"
    EXIT 0

; window: sti; nop; cli (one instruction of interrupt window after sti's shadow)
window:
    sti
    nop
    nop
    cli
    ret

; show_count: prints ": taken=N irr=B" (B: vector 0x40's IRR bit) and a newline.
show_count:
    PRINT ": taken="
    PHEX8 [COUNT]
    PRINT " irr="
    mov eax, [A_IRR2]
    and eax, 1
    PHEX8 al
    NL
    ret

; show_cpuid_apic: prints " cpuid.apic=B" (CPUID.1:EDX bit 9).
show_cpuid_apic:
    pushad
    mov eax, 1
    cpuid
    shr edx, 9
    and edx, 1
    PRINT " cpuid.apic="
    PHEX8 dl
    popad
    ret

ipi_handler:
    inc byte [COUNT]
    mov dword [A_EOI], 0
    iretd

ROM_END start
