; qmp-guest: a guest for the QMP tests: counts in a loop at 0x500 for ever, so the transcript can stop, resume, reset and migrate a running machine.
; It prints "qmp-guest: running" on debugcon once, then increments the dword at 0x500 in a
; tight loop with interrupts off. test/monitor/qmp drives it over QMP (and QEMU for the golden).
bits 16
org 0
%include "lib/debugcon.inc"

start:
    INIT16
    PRINTLN "qmp-guest: running"
    xor ax, ax
    mov ds, ax
    mov dword [0x500], 0
.loop:
    inc dword [0x500]
    jmp .loop

%include "lib/reset.inc"
ROM_END start
