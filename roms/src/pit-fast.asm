; pit-fast: the 8254 at its fastest rates with IRQ0 delivered (8259 + local APIC LINT0 ExtINT): counts 1, 2, 3 and 0 (65536) in modes 2 and 3, mode 0 one-shots with counts 1-3, then back to 100 Hz.
; QEMU's PIT runs on host time here, so only what host timing cannot change is printed: status
; bytes and latched counts where they are fixed, that IRQ0 keeps coming (each of W waits sees
; one), that the main loop completes while IRQ0 fires as fast as it can, one-shot IRQ counts,
; and lower bounds on elapsed time read from channel 2's OUT (port 0x61 bit 5), which no
; emulator may reach early. Before each case the line is brought low (mode 0 load) and a stale
; request is drained, so every case starts from the same 8259 state. Each fast rate runs only
; as long as its checks need and is stopped before printing: QEMU walks every PIT transition
; in its timer callback, and on a busy host it falls further behind the longer count 2 or 3
; runs, until IRQ0 hardly gets through at all.
%include "lib/pm.inc"

TICKS   equ SCRATCH                     ; IRQ0 handler runs
CTRL    equ SCRATCH + 4                 ; the periodic case's control word
COUNT   equ SCRATCH + 8                 ; and its count
R_OUT2  equ SCRATCH + 12                ; results kept while the fast rate is stopped to print
R_STAT  equ SCRATCH + 16
R_CNT   equ SCRATCH + 20
R_IRQS  equ SCRATCH + 24
W       equ 16                          ; waits per periodic rate
SPIN    equ 0x10000000                  ; loop iterations a wait spins before giving up (~1 s on QEMU)
HZ100   equ 11932                       ; 1193182 / 100

; LOAD0 control, count: program channel 0 (lobyte/hibyte access in the control word).
%macro LOAD0 2
    mov al, %1
    out 0x43, al
    mov al, (%2) & 0xFF
    out 0x40, al
    mov al, ((%2) >> 8) & 0xFF
    out 0x40, al
%endmacro

; LOAD2 count: channel 2 in mode 0 (OUT low until count ticks have passed; QEMU ignores its gate).
%macro LOAD2 1
    mov al, 0xB0
    out 0x43, al
    mov al, (%1) & 0xFF
    out 0x42, al
    mov al, ((%1) >> 8) & 0xFF
    out 0x42, al
%endmacro

; CH2_WAIT ticks: spin until at least `ticks` PIT clocks have passed.
%macro CH2_WAIT 1
    LOAD2 %1
    call wait_out2
%endmacro

; LINE_LOW: channel 0 in mode 0 with count 65536 drives IRQ0 low (no edge) for 55 ms; then any
; request latched before is taken now and the tick count starts from 0.
%macro LINE_LOW 0
    LOAD0 0x30, 0
    call drain
%endmacro

main32:
    PRINTLN "pit-fast: start"
    ; As a PC BIOS does (see timer.asm): APIC software-enabled, LINT0 ExtINT, LINT1 NMI.
    mov dword [0xFEE000F0], 0x1FF
    mov dword [0xFEE00350], 0x700
    mov dword [0xFEE00360], 0x400
    mov al, 0x11                        ; 8259 pair: edge, cascade, ICW4
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
    mov al, 0xFF                        ; all masked until a case unmasks IRQ0
    out 0x21, al
    out 0xA1, al
    SETGATE 0x20, irq0_handler, SEL_CODE32, GATE_INT32
    mov al, 0x01                        ; channel 2 gate on, speaker data off
    out 0x61, al

    ; ---- power-on state: no control word yet, so the access field reads 0 ----
    PRINT "power-on status ch0 ch1 ch2 (rw/mode/bcd):"
    mov al, 0xE2
    out 0x43, al
    in al, 0x40
    and al, 0x3F
    SPACE
    PHEX8
    mov al, 0xE4
    out 0x43, al
    in al, 0x41
    and al, 0x3F
    SPACE
    PHEX8
    mov al, 0xE8
    out 0x43, al
    in al, 0x42
    and al, 0x3F
    SPACE
    PHEX8
    NL

    ; ---- a control word, then count 1 in mode 2 ----
    mov al, 0x34
    out 0x43, al
    call status0
    mov bl, al
    and al, 0x3F
    PRINT "control word 34: status (rw/mode/bcd)="
    PHEX8
    NL
    PRINT "hw-only: null count after the control word="
    mov al, bl
    shr al, 6
    and al, 1
    PHEX8
    NL
    mov al, 1
    out 0x40, al
    xor al, al
    out 0x40, al
    CH2_WAIT 4
    mov al, 0xC2                        ; read-back: count and status of channel 0
    out 0x43, al
    in al, 0x40
    PRINT "mode 2 count 1, 4 ticks later: read-back status="
    PHEX8
    call read0
    PRINT " count="
    PHEX16
    NL
    xor al, al                          ; counter latch first, status latch second:
    out 0x43, al                        ; the status is still read first
    mov al, 0xE2
    out 0x43, al
    in al, 0x40
    PRINT "count latched before status: status="
    PHEX8
    call read0
    PRINT " count="
    PHEX16
    NL

    ; ---- mode 0 with count 65536: OUT low, a second latch is ignored, OUT high after TC ----
    LOAD0 0x30, 0
    call status0
    and al, 0xBF                        ; null count may still be set before the first clock
    PRINT "mode 0 count 65536 just loaded: status="
    PHEX8
    NL
    CH2_WAIT 2
    xor al, al
    out 0x43, al                        ; latch now...
    CH2_WAIT 300
    xor al, al
    out 0x43, al                        ; ...and again before reading: ignored
    call read0
    mov bx, ax
    xor al, al
    out 0x43, al
    call read0
    sub bx, ax                          ; first latch - a later one: >= 300 if the first was kept
    PRINT "a second latch before the first is read is ignored: "
    cmp bx, 300
    jae .latch_ok
    PRINTLN "no"
    jmp .latch_done
.latch_ok:
    PRINTLN "yes"
.latch_done:
    call drain
    mov ebx, 1
    call wait_hlt
    call status0
    and al, 0xBF
    PRINT "mode 0 count 65536 after terminal count: status="
    PHEX8
    PRINT " irqs="
    PHEX8 [TICKS]
    NL

    ; ---- mode 0 one-shots with tiny counts: one IRQ each, OUT high afterwards ----
    mov esi, 1
.oneshot:
    LINE_LOW
    mov al, 0x30
    out 0x43, al
    mov eax, esi
    out 0x40, al
    xor al, al
    out 0x40, al
    mov ebx, 1
    call wait_hlt
    CH2_WAIT 1000                       ; a thousand more clocks: no second IRQ may come
    PRINT "mode 0 count "
    mov eax, esi
    PHEX8
    call status0
    and al, 0xBF
    PRINT ": status="
    PHEX8
    PRINT " irqs="
    PHEX8 [TICKS]
    NL
    inc esi
    cmp esi, 3
    jbe .oneshot

    ; ---- count 1 in modes 2 and 3 (illegal on an 8254): OUT stays high, one IRQ ----
    LINE_LOW
    LOAD0 0x34, 1
    mov ebx, 1
    call wait_hlt
    CH2_WAIT 1000
    PRINT "mode 2 count 1:"
    call report_once
    LINE_LOW
    LOAD0 0x36, 1
    mov ebx, 1
    call wait_hlt
    CH2_WAIT 1000
    PRINT "mode 3 count 1:"
    call report_once

    ; ---- the fastest periodic rates ----
    mov edi, cases
.periodic:
    movzx ebx, byte [cs:edi]            ; control word
    test ebx, ebx
    jz .periodic_done
    movzx ecx, byte [cs:edi + 1]        ; count
    call periodic
    add edi, 2
    jmp .periodic
.periodic_done:

    ; ---- the main loop keeps going with IRQ0 at the fastest rate (mode 3, count 2) ----
    LINE_LOW
    LOAD0 0x36, 2
    sti
    mov ecx, 200000
    xor edx, edx
.main_loop:
    add edx, ecx
    loop .main_loop
    cli
    LINE_LOW
    PRINT "main loop with mode 3 count 2: 200000 iterations, sum="
    PHEX32 edx
    NL

    ; ---- count 0 (65536) in modes 2 and 3: two IRQs each ----
    LINE_LOW
    LOAD0 0x34, 0
    mov ebx, 2
    call wait_hlt
    call status0
    and al, 0x7F
    PRINT "mode 2 count 65536: 2 irqs, status="
    PHEX8
    NL
    LINE_LOW
    LOAD0 0x36, 0
    mov ebx, 2
    call wait_hlt
    call status0
    and al, 0x7F
    PRINT "mode 3 count 65536: 2 irqs, status="
    PHEX8
    NL

    ; ---- from the fastest rate straight back to 100 Hz ----
    LINE_LOW
    LOAD0 0x36, 2
    mov esi, 4
.fast_again:
    call wait_change
    jc .fast_stuck
    dec esi
    jnz .fast_again
    jmp .fast_ok
.fast_stuck:
    PRINTLN "mode 3 count 2: no irq0 within the spin limit"
.fast_ok:
    LOAD2 2 * HZ100                     ; channel 2 starts before channel 0 is reloaded
    LOAD0 0x34, HZ100
    call drain                          ; a request the fast rate left latched
    mov ebx, 3
    call wait_hlt
    in al, 0x61
    shr al, 5
    and al, 1
    PRINT "back to mode 2 count 11932: 3 irqs, at least 2 periods passed="
    PHEX8
    xor al, al
    out 0x43, al
    call read0
    PRINT ", count in 1..11932: "
    test ax, ax
    jz .slow_bad
    cmp ax, HZ100
    ja .slow_bad
    PRINTLN "yes"
    jmp .slow_done
.slow_bad:
    PRINTLN "no"
.slow_done:
    mov al, 0xFF
    out 0x21, al
    PRINTLN "pit-fast done"
    EXIT 0

; control word, count pairs for `periodic`; 0 ends the list
cases:
    db 0x34, 2, 0x34, 3, 0x36, 2, 0x36, 3, 0

; periodic: BL = control word, ECX = count (2 or 3). W waits must each see an IRQ; channel 2,
; started before channel 0, must then show that (W-1)*count clocks have passed (W rising edges
; cannot come sooner); the status and a latched count (1..count) are printed.
periodic:
    mov [CTRL], ebx
    mov [COUNT], ecx
    LINE_LOW
    mov eax, W - 1
    mul dword [COUNT]                   ; EAX = (W-1) * count
    mov edx, eax
    mov al, 0xB0
    out 0x43, al
    mov al, dl
    out 0x42, al
    mov al, dh
    out 0x42, al
    mov al, [CTRL]
    out 0x43, al
    mov al, [COUNT]
    out 0x40, al
    xor al, al
    out 0x40, al
    mov esi, W
.wait:
    call wait_change
    jc .stuck
    dec esi
    jnz .wait
    in al, 0x61
    shr al, 5
    and al, 1
    mov [R_OUT2], al
    call status0
    and al, 0x7F
    mov [R_STAT], al
    xor al, al
    out 0x43, al
    call read0
    mov [R_CNT], ax
    LINE_LOW
    PRINT "mode "
    mov al, [CTRL]
    shr al, 1
    and al, 7
    PHEX8
    PRINT " count "
    PHEX8 [COUNT]
    PRINT ": 16 waits each saw an irq, (W-1)*count clocks passed="
    PHEX8 [R_OUT2]
    PRINT ", status="
    PHEX8 [R_STAT]
    PRINT ", count in 1..count: "
    mov ax, [R_CNT]
    test ax, ax
    jz .bad_count
    cmp ax, [COUNT]
    ja .bad_count
    PRINTLN "yes"
    ret
.bad_count:
    PRINTLN "no"
    ret
.stuck:
    LINE_LOW
    PRINT "periodic case "
    PHEX8 [CTRL]
    PRINTLN ": no irq0 within the spin limit"
    ret

; report_once: status and latched count of channel 0 (read-back) and the IRQ count, read
; before the line is brought low again (which stops QEMU's per-tick timer), printed after.
report_once:
    mov al, 0xC2
    out 0x43, al
    in al, 0x40
    mov [R_STAT], al
    call read0
    mov [R_CNT], ax
    mov eax, [TICKS]
    mov [R_IRQS], eax
    LINE_LOW
    PRINT " status="
    PHEX8 [R_STAT]
    PRINT " count="
    PHEX16 [R_CNT]
    PRINT " irqs="
    PHEX8 [R_IRQS]
    NL
    ret

; status0: AL = channel 0's status byte (read-back, status only).
status0:
    mov al, 0xE2
    out 0x43, al
    in al, 0x40
    ret

; read0: AX = two bytes from channel 0, low byte first.
read0:
    in al, 0x40
    mov ah, al
    in al, 0x40
    xchg al, ah
    ret

; wait_out2: spin until channel 2's OUT (port 0x61 bit 5) is high.
wait_out2:
    push eax
.poll:
    in al, 0x61
    test al, 0x20
    jz .poll
    pop eax
    ret

; drain: unmask IRQ0 and open one interrupt window, so a request latched before is taken now;
; then count from 0. Returns with IF clear.
drain:
    push eax
    mov al, 0xFE
    out 0x21, al
    sti
    nop
    cli
    mov dword [TICKS], 0
    pop eax
    ret

; wait_hlt: halt until at least EBX IRQs have been counted. Returns with IF clear.
wait_hlt:
.again:
    sti
    hlt
    cli
    cmp [TICKS], ebx
    jb .again
    ret

; wait_change: spin with interrupts on until the IRQ0 handler runs; CF set if it did not
; within SPIN iterations. Returns with IF clear.
wait_change:
    push eax
    push ecx
    mov eax, [TICKS]
    mov ecx, SPIN
    sti
.spin:
    cmp [TICKS], eax
    jne .seen
    dec ecx
    jnz .spin
    cli
    stc
    jmp .out
.seen:
    cli
    clc
.out:
    pop ecx
    pop eax
    ret

irq0_handler:
    push eax
    inc dword [TICKS]
    mov al, 0x20                        ; non-specific EOI
    out 0x20, al
    pop eax
    iretd

ROM_END start
