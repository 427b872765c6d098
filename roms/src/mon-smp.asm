; mon-smp: a two-CPU machine state for the monitor golden (test/golden/monitor): the BSP with paging off, the AP started by INIT-SIPI-SIPI with its own paging (4 MiB PSE pages: linear 4 MiB maps physical 0), both with known registers, then cli/hlt for good; `cpu N` picks whose registers, TLB and translations the monitor shows.
; ARGS: -smp 2
; Run with -monitor stdio (scripts/record-golden-monitor.sh feeds test/golden/monitor/mon-smp.cmds once "ready" is printed).
%include "lib/pm.inc"
%include "lib/smp.inc"

DATA        equ 0x5000
AP_READY    equ SCRATCH

main32:
    mov dword [DATA], 0x11223344
    mov dword [DATA + 4], 0x55667788
    call smp_start
    WAIT_EQ AP_READY, 1
    PRINTLN "ready"
    cli
    mov eax, 0xb5b5b5b5
    mov ebx, 0
    mov ecx, 0xc0c0c0c0
    mov edx, 0xd0d0d0d0
    hlt
    jmp $

ap_main:
    ; its own page directory: 0-4 MiB identity and 4-8 MiB onto physical 0, both 4 MiB pages
    mov edi, PD_BASE
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD_BASE], 0x00000083
    mov dword [PD_BASE + 4], 0x00000083
    mov eax, cr4
    or eax, 0x10                    ; PSE
    mov cr4, eax
    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [0x400000 + DATA]      ; through the alias
    mov esi, eax
    call ap_checkin
    mov dword [AP_READY], 1
    cli
    mov eax, 0xa1a1a1a1
    mov ecx, 0xc1c1c1c1
    mov edx, 0xd1d1d1d1
    hlt
    jmp $

ROM_END start
