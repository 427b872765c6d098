; smp-smc: -smp 2: code modified across vCPUs: the AP rewrites the immediate of a routine the BSP has run many times (and keeps calling) and the immediate of the BSP's own spin loop while it spins; the BSP must see each new value.
; ARGS: -smp 2
%include "lib/pm.inc"
%include "lib/smp.inc"

ROUTINE     equ 0x30000             ; mov eax, imm32 / ret
SPIN        equ 0x31000             ; the BSP's loop: mov ecx, imm32 / cmp ecx, 1 / je SPIN / ret
GO          equ SCRATCH             ; 1: patch the routine; 2: patch the spin loop
DONE        equ SCRATCH + 4         ; the AP's last finished step
CALLS       equ SCRATCH + 8         ; routine calls that still saw the old value

main32:
    PRINTLN "smp-smc: start"
    mov esi, routine
    mov edi, ROUTINE
    mov ecx, routine_end - routine
    rep movsb
    mov esi, spin
    mov edi, SPIN
    mov ecx, spin_end - spin
    rep movsb
    call smp_start
    PRINTLN "ap started"

    ; run the routine until it is translated (and hot), then let the AP patch it
    mov ecx, 200
.warm:
    call ROUTINE
    loop .warm
    PRINT "routine before: "
    PHEX32
    NL
    mov dword [GO], 1
.poll:
    call ROUTINE
    cmp eax, 1
    jne .changed
    inc dword [CALLS]
    cmp dword [CALLS], 100000000
    jb .poll
    PRINTLN "timeout: the routine never changed"
    EXIT 1
.changed:
    PRINT "routine after: "
    PHEX32
    NL
    WAIT_EQ DONE, 1

    ; the AP rewrites the loop the BSP is spinning in (cmp ecx, 1 / je: runs until ecx != 1)
    mov dword [GO], 2
    call SPIN
    PRINT "spin loop left with ecx="
    mov eax, ecx
    PHEX32
    NL
    WAIT_EQ DONE, 2
    PRINTLN "smp-smc done"
    EXIT 0

routine:
    mov eax, 1
    ret
routine_end:

spin:
    mov ecx, 1
    cmp ecx, 1
    je spin                         ; relative: still right once copied to SPIN
    ret
spin_end:

ap_main:
    call ap_checkin
    WAIT_EQ GO, 1
    mov dword [ROUTINE + 1], 0x22222222
    mov dword [DONE], 1
    WAIT_EQ GO, 2
    ; wait until the BSP is surely spinning (it cannot leave before the patch)
    mov ecx, 20000
.d: loop .d
    mov dword [SPIN + 1], 0x33333333
    mov dword [DONE], 2
    cli
.idle:
    hlt
    jmp .idle

ROM_END start
