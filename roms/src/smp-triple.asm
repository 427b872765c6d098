; smp-triple: -smp 2: an AP triple-faults (no IDT); the whole machine resets as on QEMU, which with -no-reboot ends the run with status 0 after the BSP's first lines.
; ARGS: -smp 2
%include "lib/pm.inc"
%include "lib/smp.inc"

main32:
    PRINTLN "smp-triple: start"
    call smp_start
    PRINTLN "ap started; it now triple-faults"
    mov dword [SCRATCH], 1
.spin:
    pause
    jmp .spin

ap_main:
    call ap_checkin
    WAIT_EQ SCRATCH, 1              ; the BSP has printed
    lidt [null_idt]
    int3                            ; no IDT: #GP, #DF, then shutdown
    PRINTLN "not reached"
    EXIT 1

null_idt:
    dw 0
    dd 0

ROM_END start
