; mon-pg32: a machine state for the monitor golden (test/golden/monitor): 32-bit paging with 4 KiB pages of mixed rights, a global 4 MiB PSE page, an alias page and a hole, known registers and data, then cli/hlt for good.
; Run with -monitor stdio (scripts/record-golden-monitor.sh feeds test/golden/monitor/mon-pg32.cmds once "ready" is printed).
%include "lib/pm.inc"

PT_LOW      equ 0x20000             ; page table for 0..4 MiB
PT_HIGH     equ 0x21000             ; page table for 12..16 MiB
DATA        equ 0x5000

; MAP pt, first page, count, flags: identity entries for pages [first, first+count)
%macro MAP 4
    mov ecx, %3
    mov eax, ((%2) << 12) | (%4)
    mov edi, (%1) + (%2) * 4
%%next:
    stosd
    add eax, 0x1000
    loop %%next
%endmacro

main32:
    ; clear the directory and both tables
    xor eax, eax
    mov edi, PD_BASE
    mov ecx, 1024
    rep stosd
    mov edi, PT_LOW
    mov ecx, 2048
    rep stosd

    MAP PT_LOW, 0x00, 0x20, 0x003   ; kernel RW: tables, stacks' neighbours, DATA
    MAP PT_LOW, 0x20, 0x10, 0x007   ; user RW (and the page tables themselves)
    MAP PT_LOW, 0x30, 0x01, 0x005   ; user read-only
    MAP PT_LOW, 0x31, 0x01, 0x103   ; global kernel RW
    MAP PT_LOW, 0x40, 0x60, 0x003   ; kernel RW up to the stack at 0x90000
    MAP PT_LOW, 0xf0, 0x10, 0x001   ; the ROM, kernel read-only
    mov dword [PD_BASE + 0 * 4], PT_LOW | 0x007
    mov dword [PD_BASE + 2 * 4], 0x00c00000 | 0x187   ; 8 MiB -> 12 MiB: 4 MiB page, global, user RW
    mov dword [PD_BASE + 3 * 4], PT_HIGH | 0x003
    mov dword [PT_HIGH + 0 * 4], DATA | 0x005         ; 12 MiB: user read-only alias of DATA
    mov dword [PT_HIGH + 2 * 4], DATA | 0x01b         ; 12 MiB + 8 KiB: kernel RW, PWT+PCD alias

    ; the data the dumps show
    mov edi, DATA
    mov esi, text
    mov ecx, text_end - text
    rep movsb
    mov dword [DATA + 0x10], 0xfffffffe
    mov dword [DATA + 0x14], 0x80000000
    mov dword [DATA + 0x18], 0x12345678
    mov dword [DATA + 0x1c], 0x00000001

    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr4
    or eax, 0x90                    ; PSE | PGE
    mov cr4, eax
    mov eax, cr0
    or eax, 0x80010000              ; PG | WP
    mov cr0, eax

    mov dword [0x00800000], 0xdeadbeef   ; through the 4 MiB page (sets its D bit)
    mov eax, [0x00c02000]                ; through the PCD alias (sets A)
    mov eax, [0x20000 + 0x40]            ; a user page read (sets A)

    ; some x87 state for the FCW/FSW/FTW/FPR lines: pi, 1, round down, a pending PE
    fninit
    fldcw [cs:fpu_cw]
    fld1
    fldpi
    fdiv st0, st1
    fldz
    fdivr st0, st2
    PRINTLN "mon-pg32: ready"
    mov eax, 0x12345678
    mov ebx, 0x9abcdef0
    mov ecx, 1
    mov edx, 2
    mov esi, 3
    mov edi, 4
    mov ebp, 0x5555
    stc
    cli
.halt:
    hlt
    jmp .halt

text: db "tcg86 monitor!", 10, 0
text_end:

fpu_cw: dw 0x077f

ROM_END start
