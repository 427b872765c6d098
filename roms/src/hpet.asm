; hpet: the HPET at 0xfed00000: reset registers, fw_cfg's HPET entry, the counter (read/write while stopped, counting while enabled), one-shot edge and level timers through I/O APIC pin 2, periodic reload, period 0, 32-bit mode and its wrap interrupt, legacy replacement (timer 0 on IRQ0, timer 1 on IRQ8, PIT and RTC cut off and back).
; ARGS: -icount shift=3,sleep=off
; Waits are measured on the HPET counter itself and the printed facts do not depend on exact
; timing: counts of interrupts, status bits, register values, where a periodic comparator stops.
; Recorded under -icount because QEMU's timers on host time can run 15 ms late on a loaded
; host, which merges the 32-bit one-shot's wrap and match interrupts into one.
%include "lib/pm.inc"

HPET        equ 0xFED00000
H_ID        equ HPET + 0x000
H_PERIOD    equ HPET + 0x004
H_CFG       equ HPET + 0x010
H_STATUS    equ HPET + 0x020
H_CNT       equ HPET + 0x0F0
H_CNT_HI    equ HPET + 0x0F4
%define TCFG(n)   (HPET + 0x100 + (n) * 0x20)
%define TCFGHI(n) (HPET + 0x104 + (n) * 0x20)
%define TCMP(n)   (HPET + 0x108 + (n) * 0x20)
%define TCMPHI(n) (HPET + 0x10C + (n) * 0x20)
%define TFSB(n)   (HPET + 0x110 + (n) * 0x20)

T_LEVEL     equ 0x002
T_ENB       equ 0x004
T_PERIODIC  equ 0x008
T_SETVAL    equ 0x040
T_32BIT     equ 0x100
T_ROUTE2    equ 2 << 9

IOAPIC      equ 0xFEC00000
APIC        equ 0xFEE00000

CNT2        equ SCRATCH             ; vector 0x42 (pin 2, edge)
CNT8        equ SCRATCH + 4         ; vector 0x48 (pin 8, edge)
CNTL        equ SCRATCH + 8         ; vector 0x52 (pin 2, level)
LVL_STATUS  equ SCRATCH + 12        ; HPET status seen in the level handler
ZERO        equ SCRATCH + 16

; IOAPIC_PIN pin, low dword: program a redirection entry (destination APIC 0).
%macro IOAPIC_PIN 2
    mov dword [IOAPIC], 0x10 + 2 * (%1) + 1
    mov dword [IOAPIC + 0x10], 0
    mov dword [IOAPIC], 0x10 + 2 * (%1)
    mov dword [IOAPIC + 0x10], %2
%endmacro

; SHOW "label", source: print " label=XXXXXXXX"
%macro SHOW 2
    PRINT %1
    PRINT "="
    PHEX32 %2
    SPACE
%endmacro

; CLEAR_COUNTS: zero every interrupt count
%macro CLEAR_COUNTS 0
    mov dword [CNT2], 0
    mov dword [CNT8], 0
    mov dword [CNTL], 0
%endmacro

main32:
    PRINTLN "hpet: start"
    mov al, 0xFF                    ; both 8259s masked (their INTR is not used here)
    out 0x21, al
    out 0xA1, al
    call pit_quiet
    SETGATE 0x42, isr_pin2, SEL_CODE32, GATE_INT32
    SETGATE 0x48, isr_pin8, SEL_CODE32, GATE_INT32
    SETGATE 0x52, isr_level, SEL_CODE32, GATE_INT32
    mov dword [APIC + 0xF0], 0x1FF  ; local APIC software-enabled
    mov dword [ZERO], 0
    CLEAR_COUNTS

    ; ---- registers after reset ----
    SHOW "id", [H_ID]
    SHOW "period", [H_PERIOD]
    SHOW "cfg", [H_CFG]
    SHOW "cfghi", [H_CFG + 4]
    SHOW "status", [H_STATUS]
    SHOW "cnt", [H_CNT]
    SHOW "cnthi", [H_CNT_HI]
    NL
%assign n 0
%rep 4
    PRINT "timer"
    PHEX8 n
    SHOW ":cfg", [TCFG(n)]
    SHOW "cap", [TCFGHI(n)]
    SHOW "cmp", [TCMP(n)]
    SHOW "cmphi", [TCMPHI(n)]
    SHOW "fsb", [TFSB(n)]
    NL
%assign n n+1
%endrep
    SHOW "timer4cfg", [TCFG(4)]
    SHOW "reg0f8", [HPET + 0xF8]
    NL

    ; ---- fw_cfg's HPET entry (key 0x8004): count, then block id, address, min tick, page prot ----
    mov ax, 0x8004
    mov dx, 0x510
    out dx, ax
    PRINT "fw_cfg hpet:"
    mov ecx, 16
    inc dx
.fwcfg:
    in al, dx
    SPACE
    PHEX8
    loop .fwcfg
    NL

    ; ---- read-only and write masks ----
    mov dword [H_ID], 0
    mov dword [TCFG(2)], 0xFFFFFFFF
    mov dword [TCFGHI(2)], 0
    SHOW "id after write", [H_ID]
    SHOW "timer2 cfg all ones", [TCFG(2)]
    SHOW "cap", [TCFGHI(2)]
    SHOW "cmp", [TCMP(2)]
    SHOW "cmphi", [TCMPHI(2)]
    mov dword [TCFG(2)], 0
    mov dword [TCMPHI(2)], 0xFFFFFFFF
    mov dword [TCMP(2)], 0xFFFFFFFF
    SHOW "timer2 cfg", [TCFG(2)]
    SHOW "cmp", [TCMP(2)]
    SHOW "cmphi", [TCMPHI(2)]
    NL

    ; ---- the counter: written while stopped, counting while enabled ----
    mov dword [H_CNT], 0x12345678
    mov dword [H_CNT_HI], 9
    SHOW "stopped cnt", [H_CNT]
    SHOW "cnthi", [H_CNT_HI]
    mov dword [H_CFG], 1
    mov eax, [H_CNT]
    mov ecx, 1000
.spin1:
    loop .spin1
    mov ebx, [H_CNT]
    SHOW "cfg", [H_CFG]
    SHOW "cnthi", [H_CNT_HI]
    PRINT "counting="
    cmp eax, 0x12345678
    setae cl
    cmp ebx, eax
    seta ch
    and cl, ch
    PHEX8 cl
    mov dword [H_CFG], 0
    mov eax, [H_CNT]
    mov ecx, 1000
.spin2:
    loop .spin2
    PRINT " stopped="
    cmp eax, [H_CNT]
    sete al
    PHEX8 al
    NL

    ; ---- one-shot, edge, I/O APIC pin 2 ----
    ; The PIT's OUT rose while pin 2 was masked (pit_quiet): take that latched edge first.
    IOAPIC_PIN 2, 0x42
    sti
    nop
    nop
    cli
    CLEAR_COUNTS
    mov dword [H_CNT], 0
    mov dword [H_CNT_HI], 0
    mov dword [TCFG(2)], T_ROUTE2 | T_ENB
    mov dword [TCMP(2)], 100000
    mov dword [TCMPHI(2)], 0
    mov dword [H_CFG], 1
    mov esi, CNT2
    mov ecx, 1
    mov edx, 5000000
    call wait_irq
    mov edx, 300000
    call delay
    PRINT "one-shot edge:"
    SHOW " irqs", [CNT2]
    SHOW "status", [H_STATUS]
    SHOW "cmp", [TCMP(2)]
    SHOW "cfg", [TCFG(2)]
    NL
    mov dword [H_CFG], 0

    ; ---- one-shot, level: the status bit until written with 1 ----
    CLEAR_COUNTS
    mov dword [LVL_STATUS], 0xEEEEEEEE
    IOAPIC_PIN 2, 0x52 | (1 << 15)
    mov dword [H_CNT], 0
    mov dword [TCFG(2)], T_ROUTE2 | T_ENB | T_LEVEL
    mov dword [TCMP(2)], 100000
    mov dword [H_CFG], 1
    mov esi, CNTL
    mov ecx, 1
    mov edx, 5000000
    call wait_irq
    PRINT "one-shot level:"
    SHOW " irqs", [CNTL]
    SHOW "status in handler", [LVL_STATUS]
    SHOW "status after", [H_STATUS]
    NL
    ; level, interrupt disabled: QEMU 7.2 sets no status bit then
    mov dword [TCFG(2)], T_ROUTE2 | T_LEVEL
    mov eax, [H_CNT]
    add eax, 50000
    mov [TCMP(2)], eax
    mov edx, 200000
    call delay
    PRINT "level without INT_ENB:"
    SHOW " irqs", [CNTL]
    SHOW "status", [H_STATUS]
    NL
    mov dword [H_CFG], 0
    mov dword [TCFG(2)], 0
    IOAPIC_PIN 2, 0x42

    ; ---- periodic timer 0, 1 ms, stopped after its fifth interrupt ----
    CLEAR_COUNTS
    mov dword [H_CNT], 0
    ; each comparator write consumes SETVAL: the high half (still all ones) first, then the low
    mov dword [TCFG(0)], T_ROUTE2 | T_ENB | T_PERIODIC | T_SETVAL
    mov dword [TCMPHI(0)], 0
    mov dword [TCFG(0)], T_ROUTE2 | T_ENB | T_PERIODIC | T_SETVAL
    mov dword [TCMP(0)], 100000
    SHOW "periodic: cfg after setval", [TCFG(0)]
    mov dword [H_CFG], 1
    mov esi, CNT2
    mov ecx, 5
    mov edx, 50000000
    call wait_irq
    mov dword [H_CFG], 0
    ; QEMU 7.2 interrupts twice when its timer runs on the comparator's own tick (time_after is
    ; strict: the reload waits one more tick), so only "at least five" is printed.
    PRINT "irqs>=5="
    cmp dword [CNT2], 5
    setae al
    PHEX8 al
    SHOW " cmphi", [TCMPHI(0)]
    ; how late the interrupts ran is host timing; the comparator stays on the period's grid
    ; and ahead of the stopped counter
    mov eax, [TCMP(0)]
    xor edx, edx
    mov ecx, 100000
    div ecx
    SHOW "cmp mod period", edx
    PRINT "cmp ahead="
    mov eax, [TCMP(0)]
    cmp eax, [H_CNT]
    seta al
    PHEX8 al
    NL
    mov dword [TCFG(0)], 0

    ; ---- periodic with period 0: one interrupt, then nothing ----
    CLEAR_COUNTS
    mov dword [H_CNT], 0
    mov dword [TCFG(2)], T_ROUTE2 | T_ENB | T_PERIODIC | T_SETVAL
    mov dword [TCMP(2)], 0
    mov dword [H_CFG], 1
    mov edx, 300000
    call delay
    mov dword [H_CFG], 0
    PRINT "period 0:"
    SHOW " irqs", [CNT2]
    SHOW "cmp", [TCMP(2)]
    NL
    mov dword [TCFG(2)], 0

    ; ---- 32-bit mode: the comparator's high half goes; a one-shot also fires at the wrap ----
    CLEAR_COUNTS
    mov dword [TCFG(1)], T_32BIT
    SHOW "32-bit: cfg", [TCFG(1)]
    SHOW "cmp", [TCMP(1)]
    SHOW "cmphi", [TCMPHI(1)]
    mov dword [H_CNT], 0xFFFF0000
    mov dword [H_CNT_HI], 0
    mov dword [TCFG(1)], T_32BIT | T_ROUTE2 | T_ENB
    mov dword [TCMP(1)], 0x1000
    mov dword [H_CFG], 1
    mov esi, CNT2
    mov ecx, 2
    mov edx, 5000000
    call wait_irq
    mov edx, 100000
    call delay
    mov dword [H_CFG], 0
    SHOW "irqs", [CNT2]
    SHOW "cnthi", [H_CNT_HI]
    NL
    mov dword [TCFG(1)], 0

    ; ---- legacy replacement ----
    CLEAR_COUNTS
    IOAPIC_PIN 8, 0x48
    mov dword [H_CNT], 0
    mov dword [H_CFG], 3            ; enabled, legacy replacement
    call pit_1khz
    mov al, 0x8A                    ; RTC: 1024 Hz periodic interrupt
    out 0x70, al
    mov al, 0x26
    out 0x71, al
    mov al, 0x8B
    out 0x70, al
    mov al, 0x42
    out 0x71, al
    mov edx, 1000000
    call delay
    PRINT "legacy: pit+rtc running"
    SHOW " irq0s", [CNT2]
    SHOW "irq8s", [CNT8]
    mov al, 0x8B                    ; RTC interrupt off again, flags read
    out 0x70, al
    mov al, 0x02
    out 0x71, al
    mov al, 0x8C
    out 0x70, al
    in al, 0x71
    ; timer 0 -> IRQ0 (pin 2), timer 1 -> IRQ8 (pin 8), whatever their route fields say
    mov eax, [H_CNT]
    add eax, 100000
    mov [TCMP(0)], eax
    mov dword [TCFG(0)], T_ENB | (5 << 9)
    mov esi, CNT2
    mov ecx, 1
    mov edx, 5000000
    call wait_irq
    mov eax, [H_CNT]
    add eax, 100000
    mov [TCMP(1)], eax
    mov dword [TCFG(1)], T_ENB | (5 << 9)
    mov esi, CNT8
    mov ecx, 1
    mov edx, 5000000
    call wait_irq
    mov edx, 200000
    call delay
    SHOW "timer irq0s", [CNT2]
    SHOW "irq8s", [CNT8]
    NL
    mov dword [TCFG(0)], 0
    mov dword [TCFG(1)], 0
    CLEAR_COUNTS
    mov dword [H_CFG], 1            ; legacy off: the PIT's interrupts come back
    mov edx, 1000000
    call delay
    PRINT "legacy off: pit irq0s>0="
    cmp dword [CNT2], 0
    setne al
    PHEX8 al
    SHOW " irq8s", [CNT8]
    NL
    mov dword [H_CFG], 0
    call pit_quiet
    PRINTLN "hpet done"
    EXIT 0

; wait_irq: sti and spin until [ESI] >= ECX or EDX HPET ticks have passed (the HPET must run).
wait_irq:
    push eax
    push ebx
    mov ebx, [H_CNT]
    sti
.loop:
    cmp [esi], ecx
    jae .done
    mov eax, [H_CNT]
    sub eax, ebx
    cmp eax, edx
    jb .loop
.done:
    cli
    pop ebx
    pop eax
    ret

; delay: sti and spin for EDX HPET ticks.
delay:
    push esi
    push ecx
    mov esi, ZERO
    mov ecx, 1
    call wait_irq
    pop ecx
    pop esi
    ret

; pit_quiet: channel 0 in mode 0 with count 1: OUT rises once and then stays high.
pit_quiet:
    mov al, 0x30
    out 0x43, al
    mov al, 1
    out 0x40, al
    mov al, 0
    out 0x40, al
    ret

; pit_1khz: channel 0 in mode 2, count 1193.
pit_1khz:
    mov al, 0x34
    out 0x43, al
    mov al, 1193 & 0xFF
    out 0x40, al
    mov al, 1193 >> 8
    out 0x40, al
    ret

isr_pin2:
    inc dword [CNT2]
    mov dword [APIC + 0xB0], 0
    iretd

isr_pin8:
    push eax
    inc dword [CNT8]
    mov al, 0x8C
    out 0x70, al
    in al, 0x71
    mov dword [APIC + 0xB0], 0
    pop eax
    iretd

isr_level:
    push eax
    mov eax, [H_STATUS]
    cmp dword [CNTL], 0
    jne .seen
    mov [LVL_STATUS], eax
.seen:
    mov [H_STATUS], eax
    inc dword [CNTL]
    mov dword [APIC + 0xB0], 0
    pop eax
    iretd

ROM_END start
