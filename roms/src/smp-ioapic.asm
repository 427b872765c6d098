; smp-ioapic: -smp 3: the I/O APIC delivers each pin to the APIC(s) its redirection entry names: physical APIC 2, logical flat 0x06 (both APs), lowest priority among 0x06 (one AP), and a masked pin to nobody; ISA IRQ lines driven through pc-testdev's ports.
; ARGS: -smp 3 -device pc-testdev
%include "lib/pm.inc"
%include "lib/smp.inc"

IOREGSEL    equ 0xFEC00000
IOWIN       equ 0xFEC00010
HITS        equ SCRATCH + 0x100     ; per vector (0x46..0x49) and APIC ID (0..7): dword counts
TOTAL       equ SCRATCH + 0x200

; ROUTE pin, low dword, destination byte: program redirection entry `pin`.
%macro ROUTE 3
    mov dword [IOREGSEL], 0x11 + 2 * (%1)
    mov dword [IOWIN], (%3) << 24
    mov dword [IOREGSEL], 0x10 + 2 * (%1)
    mov dword [IOWIN], %2
%endmacro

; PULSE irq: raise and lower ISA IRQ `irq` (an edge on its I/O APIC pin).
%macro PULSE 1
    mov dx, 0x2000 + (%1)
    mov al, 1
    out dx, al
    mov al, 0
    out dx, al
%endmacro

%macro HIT 1
hit_%1:
    push eax
    push ebx
    mov ebx, [A_ID]
    shr ebx, 24
    lock inc dword [HITS + (%1 - 0x46) * 32 + ebx * 4]
    lock inc dword [TOTAL]
    mov dword [A_EOI], 0
    pop ebx
    pop eax
    iretd
%endmacro

main32:
    PRINTLN "smp-ioapic: start"
    ; the 8259s stay out of it (every input masked)
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    SETGATE 0x46, hit_0x46, SEL_CODE32, GATE_INT32
    SETGATE 0x47, hit_0x47, SEL_CODE32, GATE_INT32
    SETGATE 0x48, hit_0x48, SEL_CODE32, GATE_INT32
    SETGATE 0x49, hit_0x49, SEL_CODE32, GATE_INT32
    call smp_start
    PRINTLN "aps started"

    ROUTE 5, 0x00000046, 2          ; fixed, physical APIC 2, edge
    PULSE 5
    WAIT_EQ TOTAL, 1
    ROUTE 6, 0x00000847, 0x06       ; fixed, logical flat 0x06: APs 1 and 2
    PULSE 6
    WAIT_EQ TOTAL, 3
    ROUTE 7, 0x00000948, 0x06       ; lowest priority among 0x06: one of them
    PULSE 7
    WAIT_EQ TOTAL, 4
    ROUTE 9, 0x00010049, 0xFF       ; masked: nobody
    PULSE 9
    ROUTE 5, 0x00000046, 1          ; pin 5 again, now to APIC 1
    PULSE 5
    WAIT_EQ TOTAL, 5
    cli

    mov ecx, 1
.per_ap:
    cmp ecx, [NCPUS]
    jae .done
    PRINT "apic "
    mov eax, ecx
    call print_dec
    PRINT ":"
    mov esi, 0x46
.vec:
    SPACE
    mov eax, esi
    PHEX8
    PUTC '='
    mov eax, esi
    sub eax, 0x46
    shl eax, 5
    mov eax, [HITS + eax + ecx * 4]
    call print_dec
    inc esi
    cmp esi, 0x4A
    jb .vec
    NL
    inc ecx
    jmp .per_ap
.done:
    PRINTLN "smp-ioapic done"
    EXIT 0

ap_main:
    mov ecx, ebx
    mov eax, 1
    shl eax, cl
    shl eax, 24
    mov [A_LDR], eax
    call ap_checkin
.idle:
    sti
    hlt
    jmp .idle

HIT 0x46
HIT 0x47
HIT 0x48
HIT 0x49

ROM_END start
