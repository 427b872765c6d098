; smc-next: self-modifying code inside one straight-line block: a store that patches the very next instruction (immediate or opcode), or one further down the same block, in real mode and in 32-bit protected mode.
; Every routine runs from RAM, first twice with its store aimed at scratch memory (so a translator has
; cached it), then with the store aimed at its own code. Each line prints what the routine returned,
; run by run: a stale translation prints the old immediate / old opcode's result instead of the new.
%include "lib/pm.inc"

RM_SEG      equ 0x2000              ; real-mode routines run at 2000:0000 (linear 0x20000)
RM_SCRATCH  equ 0xF000              ; 2000:F000, another page than the code
PM_CODE     equ 0x30000             ; 32-bit routines run here
PM_SCRATCH  equ 0x38000             ; another page than the code

; ======================= 32-bit part (after pm.inc's real-mode entry) =======================

; RUN32 routine, edi, ebx: calls a RAM routine with EDI = store target, EBX = value; prints EAX.
%macro RUN32 3
    mov edi, %2
    mov ebx, %3
    call %1
    SPACE
    PHEX32
%endmacro

; FIVE32 routine, patch address, v1, v2, v3: two runs storing into scratch, three into the code.
%macro FIVE32 5
    RUN32 %1, PM_SCRATCH, %3
    RUN32 %1, PM_SCRATCH, %3
    RUN32 %1, %2, %3
    RUN32 %1, %2, %4
    RUN32 %1, %2, %5
    NL
%endmacro

main32:
    mov esi, 0xF0000 + PMRAM_FILE
    mov edi, PM_CODE
    mov ecx, pm_ram_end - pm_ram
    rep movsb

    PRINT "pm next imm32 (mov [edi],ebx; mov eax,imm32):"
    FIVE32 p_next, p_next.i + 1, 0xA1, 0xA2, 0xA3
    PRINT "pm later imm32 (6 insns further):"
    FIVE32 p_later, p_later.j + 1, 0x200, 0x300, 0x400
    PRINT "pm next opcode (byte store: inc -> dec -> nop):"
    FIVE32 p_op8, p_op8.k, 0x40, 0x48, 0x90
    PRINT "pm next imm32 via add [edi],ebx:"
    FIVE32 p_rmw, p_rmw.m + 1, 0x1, 0x10, 0x100
    PRINT "pm next imm32 via 16-bit store:"
    FIVE32 p_w16, p_w16.n + 1, 0x1234, 0x5678, 0x9abc
    PRINT "pm later imm32 via push:"
    FIVE32 p_push, p_push.q + 5, 0x11, 0x22, 0x33
    PRINT "pm next imm32 via stosd:"
    FIVE32 p_stos, p_stos.s + 1, 0xC0DE0001, 0xC0DE0002, 0xC0DE0003
    PRINT "pm store then jump back over the patched insn:"
    FIVE32 p_back, p_back.b + 1, 0x5, 0x6, 0x7
    PRINTLN "smc-next done"
    EXIT 0

; ======================= real mode (entered from the reset vector) =======================
section .rm16 start=0x8000 vstart=0x8000
bits 16

; RPRINT "text": prints an inline string.
%macro RPRINT 1
    call rp_inline
    db %1, 0
%endmacro

; RUN16 routine, di, bx: far-calls a RAM routine with DI = store target (in CS), BX = value; prints AX.
%macro RUN16 3
    mov di, %2
    mov bx, %3
    call RM_SEG:%1
    RPRINT " "
    call rp_hex16
%endmacro

%macro FIVE16 5
    RUN16 %1, RM_SCRATCH, %3
    RUN16 %1, RM_SCRATCH, %3
    RUN16 %1, %2, %3
    RUN16 %1, %2, %4
    RUN16 %1, %2, %5
    RPRINT `\n`
%endmacro

rm_start:
    cli
    cld
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    push cs
    pop ds
    mov ax, RM_SEG
    mov es, ax
    mov si, RMRAM_FILE
    xor di, di
    mov cx, rm_ram_end - rm_ram
    rep movsb

    RPRINT "rm next imm16 (mov [cs:di],bx; mov ax,imm16):"
    FIVE16 r_next, r_next.i + 1, 0xA1, 0xA2, 0xA3
    RPRINT "rm later imm16 (5 insns further):"
    FIVE16 r_later, r_later.j + 1, 0x200, 0x300, 0x400
    RPRINT "rm next opcode (byte store: inc -> dec -> nop):"
    FIVE16 r_op8, r_op8.k, 0x40, 0x48, 0x90
    RPRINT "rm next imm16 via stosw:"
    FIVE16 r_stos, r_stos.s + 1, 0x7001, 0x7002, 0x7003
    jmp start                       ; pm.inc: on to protected mode and main32

; rp_inline: prints the zero-terminated string after the CALL and returns past it.
rp_inline:
    push bp
    mov bp, sp
    push si
    push ax
    mov si, [bp+2]
.loop:
    mov al, [cs:si]
    inc si
    test al, al
    jz .done
    out DEBUGCON_PORT, al
    jmp .loop
.done:
    mov [bp+2], si
    pop ax
    pop si
    pop bp
    ret

; rp_hex16: AX as four hex digits (preserves registers).
rp_hex16:
    push ax
    push cx
    mov cx, 4
.digit:
    rol ax, 4
    push ax
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out DEBUGCON_PORT, al
    pop ax
    loop .digit
    pop cx
    pop ax
    ret

; ======================= real-mode routines, copied to RM_SEG:0000 =======================
RMRAM_FILE equ 0x9000
section .rmram start=RMRAM_FILE vstart=0
bits 16
rm_ram:
r_next:                     ; the store patches the immediate of the very next instruction
    mov [cs:di], bx
.i: mov ax, 0x1111
    retf
r_later:                    ; ... of an instruction five instructions further on
    mov [cs:di], bx
    mov ax, 1
    add ax, 2
    shl ax, 1
    xor dx, dx
    sub dx, ax
.j: add ax, strict word 0x100
    retf
r_op8:                      ; a byte store replaces the next opcode
    mov ax, 0x10
    mov [cs:di], bl
.k: inc ax
    inc ax
    retf
r_stos:                     ; stosw (ES:DI) patches the next immediate
    push es
    push cs
    pop es
    mov ax, bx
    stosw
.s: mov ax, 0x2222
    pop es
    retf
rm_ram_end:

; ======================= 32-bit routines, copied to PM_CODE =======================
PMRAM_FILE equ 0xA000
section .pmram start=PMRAM_FILE vstart=PM_CODE
bits 32
pm_ram:
p_next:                     ; the store patches the immediate of the very next instruction
    mov [edi], ebx
.i: mov eax, strict dword 0x11111111
    ret
p_later:                    ; ... of an instruction six instructions further on
    mov [edi], ebx
    mov eax, 1
    add eax, 2
    lea ecx, [eax + eax*2]
    xor edx, edx
    sub ecx, eax
    shl ecx, 1
.j: add eax, strict dword 0x100
    ret
p_op8:                      ; a byte store replaces the next opcode
    mov eax, 0x10
    mov [edi], bl
.k: inc eax
    inc eax
    ret
p_rmw:                      ; a read-modify-write adds to the next immediate (twice: cumulative)
    add [edi], ebx
.m: mov eax, strict dword 0x1000
    ret
p_w16:                      ; a 16-bit store replaces the low half of the next immediate
    mov [edi], bx
.n: mov eax, strict dword 0x22220000
    ret
p_push:                     ; push with ESP pointed just past the immediate two insns on
    mov esi, esp
    mov esp, edi
    push ebx
    mov esp, esi
.q: mov eax, strict dword 0x3333
    ret
p_stos:                     ; stosd patches the next immediate
    mov eax, ebx
    stosd
.s: mov eax, strict dword 0x4444
    ret
p_back:                     ; the patched insn ran earlier in this call: run it again after the store
    xor ecx, ecx
    xor edx, edx
.b: mov eax, strict dword 0x55
    add edx, eax
    inc ecx
    cmp ecx, 2
    je .done
    mov [edi], ebx
    jmp .b
.done:
    mov eax, edx            ; first pass's value + second pass's value
    ret
pm_ram_end:

ROM_END rm_start
