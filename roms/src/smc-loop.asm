; smc-loop: self-modifying code in hot loops: a loop that writes the iteration count into its own add's immediate every iteration (before or after the add; jcc-, loop- and real-mode-driven), and loops whose back-edge target instruction is replaced after N iterations (one-block loop and a loop of several blocks).
; Every routine runs from RAM, first twice with its store aimed at scratch memory (so a translator has
; cached it), then with the store aimed at its own code. Lines print the sums the loops computed, run by
; run; a translation that outlives the store it depends on shows up as a wrong sum.
%include "lib/pm.inc"

RM_SEG      equ 0x2000              ; real-mode routine runs at 2000:0000 (linear 0x20000)
RM_SCRATCH  equ 0xF000              ; 2000:F000, another page than the code
PM_CODE     equ 0x30000             ; 32-bit routines run here
PM_SCRATCH  equ 0x38000             ; another page than the code
N_SUM       equ 5000                ; iterations of the summing loops

; ======================= 32-bit part =======================

; RUN32 routine, edi: calls a RAM routine with EDI = store target, ECX = N_SUM; prints EAX.
%macro RUN32 2
    mov edi, %2
    mov ecx, N_SUM
    call %1
    SPACE
    PHEX32
%endmacro

; FOUR32 routine, patch address: two runs storing into scratch, two into the code.
%macro FOUR32 2
    RUN32 %1, PM_SCRATCH
    RUN32 %1, PM_SCRATCH
    RUN32 %1, %2
    RUN32 %1, %2
    NL
%endmacro

; SEL32 routine, total, n: runs a replace-after-N loop; prints EAX and EDX.
%macro SEL32 3
    mov ecx, %2
    mov ebp, %3
    call %1
    SPACE
    PHEX32
    PUTC '/'
    PHEX32 edx
%endmacro

main32:
    mov esi, 0xF0000 + PMRAM_FILE
    mov edi, PM_CODE
    mov ecx, pm_ram_end - pm_ram
    rep movsb

    PRINT "patch imm before the add, jcc loop (scratch x2 = 7n, then sum 1..n):"
    FOUR32 l_before, l_before.add + 1
    PRINT "patch imm after the add, jcc loop (next iteration sees it):"
    FOUR32 l_after, l_after.add + 1
    PRINT "patch imm before the add, loop insn (sum n..1):"
    FOUR32 l_loopi, l_loopi.add + 1
    PRINT "patch imm of a 2-block loop from its second block:"
    FOUR32 l_two, l_two.add + 1

    ; one-block loop: its first instruction (the back-edge target) becomes sub after N iterations
    PRINT "one-block loop, back-edge target add -> sub after N (eax/edx):"
    SEL32 l_select, 3000, -1
    SEL32 l_select, 3000, -1
    SEL32 l_select, 3000, 1000
    mov byte [l_select.op], 0x05            ; restore `add eax, imm32`
    SEL32 l_select, 3000, 2500
    mov byte [l_select.op], 0x05
    SEL32 l_select, 3000, -1
    NL
    ; several blocks: the back-edge target becomes `jmp short .out` after N iterations
    PRINT "multi-block loop, back-edge target -> jmp out after N (eax/edx):"
    SEL32 l_target, 3000, -1
    SEL32 l_target, 3000, -1
    SEL32 l_target, 3000, 1000
    mov word [l_target.top], 0x0105         ; restore `add eax, 1`
    SEL32 l_target, 3000, 7
    mov word [l_target.top], 0x0105
    SEL32 l_target, 3000, -1
    NL

    PRINTLN "smc-loop done"
    EXIT 0

; ======================= real mode (entered from the reset vector) =======================
section .rm16 start=0x8000 vstart=0x8000
bits 16

%macro RPRINT 1
    call rp_inline
    db %1, 0
%endmacro

; RUN16 di: far-calls r_loop with DI = store target (in CS), CX = 3000; prints AX.
%macro RUN16 1
    mov di, %1
    mov cx, 3000
    call RM_SEG:r_loop
    RPRINT " "
    call rp_hex16
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

    RPRINT "rm loop, patch imm16 before the add (scratch x2 = 3n, then sum 1..n mod 64k):"
    RUN16 RM_SCRATCH
    RUN16 RM_SCRATCH
    RUN16 r_loop.add + 1
    RUN16 r_loop.add + 1
    RPRINT `\n`
    jmp start                       ; pm.inc: on to protected mode and main32

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

; ======================= real-mode routine, copied to RM_SEG:0000 =======================
RMRAM_FILE equ 0x9000
section .rmram start=RMRAM_FILE vstart=0
bits 16
rm_ram:
r_loop:                     ; CX = n; each iteration writes its number into the add's immediate
    xor ax, ax
    mov dx, 1
.top:
    mov [cs:di], dx
.add:
    add ax, strict word 3
    inc dx
    cmp dx, cx
    jbe .top
    retf
rm_ram_end:

; ======================= 32-bit routines, copied to PM_CODE =======================
PMRAM_FILE equ 0xA000
section .pmram start=PMRAM_FILE vstart=PM_CODE
bits 32
pm_ram:
l_before:                   ; ECX = n; iteration k writes k into the immediate, then adds it
    xor eax, eax
    mov edx, 1
.top:
    mov [edi], edx
.add:
    add eax, strict dword 7
    inc edx
    cmp edx, ecx
    jbe .top
    ret

l_after:                    ; iteration k adds the immediate, then writes k into it
    xor eax, eax
    mov edx, 1
.top:
.add:
    add eax, strict dword 7
    mov [edi], edx
    inc edx
    cmp edx, ecx
    jbe .top
    ret

l_loopi:                    ; LOOP-driven: iteration with ECX = k writes k, then adds it
    xor eax, eax
.top:
    mov [edi], ecx
.add:
    add eax, strict dword 7
    loop .top
    ret

l_two:                      ; the add is in the loop's first block, the store in its second
    xor eax, eax
    mov edx, 1
.top:
.add:
    add eax, strict dword 7
    test edx, 1
    jz .even                ; even and odd iterations take different paths back
    mov [edi], edx
    jmp .next
.even:
    mov [edi], edx
.next:
    inc edx
    cmp edx, ecx
    jbe .top
    ret

l_select:                   ; ECX = total, EBP = N: one block, no branch but the back edge;
    xor eax, eax            ; iteration N turns the add at .op (05) into sub (2D)
    xor edx, edx
.top:
.op:
    add eax, strict dword 1
    inc edx
    mov edi, edx
    xor edi, ebp            ; 0 only in iteration N
    neg edi                 ; CF = (edi != 0)
    sbb edi, edi            ; -1 except in iteration N
    and edi, PM_SCRATCH - .op
    add edi, .op            ; PM_SCRATCH, or .op in iteration N
    mov byte [edi], 0x2D
    cmp edx, ecx
    jb .top
    ret

l_target:                   ; ECX = total, EBP = N: after N iterations the back-edge target
    xor eax, eax            ; (add eax, 1) becomes `jmp short .out`
    xor edx, edx
.top:
    add eax, strict dword 1
    inc edx
    cmp edx, ebp
    jne .skip
    mov word [.top], 0xEB | ((.out - (.top + 2)) << 8)
.skip:
    cmp edx, ecx
    jb .top
.out:
    ret
pm_ram_end:

ROM_END rm_start
