; popss: pop ss / o16 pop ss take the stack-address size from the OLD SS (SDM POP): a 16-bit SS wraps SP and keeps ESP's top half even when the popped selector is a 32-bit segment, and the reverse.
%include "lib/pm.inc"

; SHOW "label": print " label esp=XXXXXXXX ss=XXXX" with the current ESP and SS, then restore
; the flat 32-bit stack (ESP saved in EBP).
%macro SHOW 1
    mov ebx, esp
    mov ax, SEL_DATA32
    mov ss, ax
    mov esp, ebp
    PRINT %1
    PRINT " esp="
    PHEX32 ebx
    PRINT " ss="
    mov eax, [SCRATCH]
    PHEX16
    NL
%endmacro

main32:
    PRINTLN "popss: start"
    mov ebp, esp

    ; 16-bit SS, SP=FFFC, pops a 32-bit selector (dword): SP wraps to 0000, the top half stays.
    mov dword [0xFFFC], SEL_DATA32
    mov ax, SEL_DATA16
    mov ss, ax
    mov esp, 0x1234FFFC
    pop ss
    mov [SCRATCH], ss
    SHOW "o32 pop ss, 16-bit -> 32-bit"

    ; the same with a 16-bit pop at SP=FFFE
    mov word [0xFFFE], SEL_DATA32
    mov ax, SEL_DATA16
    mov ss, ax
    mov esp, 0x5678FFFE
    o16 pop ss
    mov [SCRATCH], ss
    SHOW "o16 pop ss, 16-bit -> 32-bit"

    ; 32-bit SS popping a 16-bit selector: ESP carries into bit 16.
    mov dword [0x2FFFC], SEL_DATA16
    mov esp, 0x0002FFFC
    pop ss
    mov [SCRATCH], ss
    SHOW "o32 pop ss, 32-bit -> 16-bit"

    mov word [0x2FFFE], SEL_DATA16
    mov esp, 0x0002FFFE
    o16 pop ss
    mov [SCRATCH], ss
    SHOW "o16 pop ss, 32-bit -> 16-bit"

    ; 16-bit to 16-bit: SP wraps, the top half stays.
    mov dword [0xFFFC], SEL_DATA16
    mov ax, SEL_DATA16
    mov ss, ax
    mov esp, 0xABCDFFFC
    pop ss
    mov [SCRATCH], ss
    SHOW "o32 pop ss, 16-bit -> 16-bit"

    ; pop ds on a 16-bit stack wraps too (no SS change)
    mov dword [0xFFFC], SEL_DATA32
    mov ax, SEL_DATA16
    mov ss, ax
    mov esp, 0x7777FFFC
    pop ds
    mov [ss:SCRATCH], ds
    mov ax, SEL_DATA32
    mov ds, ax
    SHOW "o32 pop ds, 16-bit"

    PRINTLN "popss done"
    EXIT 0

ROM_END start
