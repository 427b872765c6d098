; v86: virtual-8086 mode entered by IRETD with VM=1: real-mode style code, IOPL-sensitive instructions trapping to a #GP monitor, the TSS I/O bitmap, INT n with IOPL=3, return to PM.
; The monitor (a pm.inc hook on #GP) decodes the faulting opcode at CS*16+IP and emulates it.
%include "lib/pm.inc"

V86_SS      equ 0x7000          ; V86 stack 7000:FFF0 (linear 0x7FFF0)
V86_SP      equ 0xFFF0
VIF         equ SCRATCH + 0x40  ; the monitor's virtual IF (0 or 0x200)
%define V86IP(x) ((x) - 0xF0000)  ; ROM label -> IP in segment F000

%macro V86PRINT 1
    call v86_print_inline
    db %1, 0
%endmacro

main32:
    PRINTLN "v86: start"
    ; deny ports 0x2F9 and 0x64 in the TSS I/O bitmap (all others stay allowed)
    mov eax, 0x2F9                      ; (register bit offsets address the whole bitmap)
    bts [TSS_BASE + IOMAP_OFF], eax
    mov eax, 0x64
    bts [TSS_BASE + IOMAP_OFF], eax
    ; real-mode IVT entry for INT 42h, used when the monitor reflects the interrupt
    mov word [0x42*4], V86IP(v86_int42)
    mov word [0x42*4 + 2], 0xF000
    mov dword [VIF], 0x200
    mov dword [0x20010], 0

    ; ---- IOPL=0: sensitive instructions go through the monitor ----
    mov dword [VAR_HOOK], v86_monitor
    TRY .back1
    mov eax, 0x00020002                 ; VM, IOPL=0, IF=0
    mov esi, V86IP(v86_main)
    jmp enter_v86
.back1:
    mov dword [VAR_HOOK], 0
    PRINT "pm: back in protected mode, cs="
    mov eax, cs
    PHEX16
    PRINT " v86 wrote 20010 = "
    PHEX32 [0x20010]
    NL

    ; ---- IOPL=3: CLI/STI/PUSHF/POPF run directly, INT n goes through the IDT ----
    SETGATE 0x31, v86_int31, SEL_CODE32, GATE_INT32 | GATE_DPL3
    TRY .back2
    mov eax, 0x00023002                 ; VM, IOPL=3, IF=0
    mov esi, V86IP(v86_iopl3)
    jmp enter_v86
.back2:
    PRINTLN "v86 done"
    EXIT 0

; enter_v86: EAX = EFLAGS for the V86 task (VM set), ESI = IP in segment F000.
enter_v86:
    push dword 0                        ; GS
    push dword 0                        ; FS
    push dword 0                        ; DS
    push dword 0                        ; ES
    push dword V86_SS
    push dword V86_SP
    push eax
    push dword 0xF000
    push esi
    iretd

; v86_int31: INT 31h from V86 with IOPL=3 arrives here at CPL0 through a DPL3 gate.
v86_int31:
    mov ebp, esp
    mov ecx, ds                         ; the CPU zeroed DS/ES/FS/GS on the way in
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    PRINT "pm: int 31 from v86: ds on entry="
    PHEX16 cx
    PRINT " frame ip="
    PHEX16 [ebp]
    PRINT " cs="
    PHEX16 [ebp+4]
    PRINT " eflags.vm/iopl="
    mov eax, [ebp+8]
    and eax, 0x23000
    PHEX32
    PRINT " ss:sp="
    PHEX16 [ebp+16]
    PUTC ':'
    PHEX16 [ebp+12]
    PRINT " es="
    PHEX16 [ebp+20]
    PRINT " ds="
    PHEX16 [ebp+24]
    PRINT " bx="
    PHEX16 bx
    jmp exc_resume

; ---- the monitor ----
; v86_monitor: pm.inc hook. Handles #GP from V86 mode; anything else gets the default path.
v86_monitor:
    xor eax, eax
    cmp dword [ebp + F_VEC], 13
    jne .ret
    test dword [ebp + F_EFLAGS], 0x20000
    jz .ret
    movzx esi, word [ebp + F_CS]
    shl esi, 4
    movzx eax, word [ebp + F_EIP]
    add esi, eax                        ; linear address of the faulting instruction
    PRINT "mon: #gp err "
    PHEX16 [ebp + F_ERR]
    PRINT " at "
    PHEX16 [ebp + F_CS]
    PUTC ':'
    PHEX16 [ebp + F_EIP]
    PRINT " op "
    movzx eax, byte [esi]
    PHEX8
    cmp al, 0xFA
    je .cli
    cmp al, 0xFB
    je .sti
    cmp al, 0x9C
    je .pushf
    cmp al, 0x9D
    je .popf
    cmp al, 0xCD
    je .int
    cmp al, 0xCF
    je .iret
    cmp al, 0xEE
    je .io1
    cmp al, 0xEF
    je .io1
    cmp al, 0xEC
    je .io1
    cmp al, 0xE4
    je .io2
    cmp al, 0xE6
    je .io2
    PRINTLN " unknown"
    EXIT 1
.cli:
    PRINTLN " cli: vif=0"
    mov dword [VIF], 0
    jmp .skip1
.sti:
    PRINTLN " sti: vif=1"
    mov dword [VIF], 0x200
    jmp .skip1
.pushf:
    PRINTLN " pushf: push flags with vif"
    call v86_flags16
    call v86_push16
    jmp .skip1
.popf:
    call v86_pop16
    call v86_set_flags16
    PRINT " popf: vif="
    mov eax, [VIF]
    shr eax, 9
    PHEX8
    NL
    jmp .skip1
.int:
    movzx ebx, byte [esi + 1]
    PRINT " int "
    PHEX8 bl
    cmp bl, 0x20
    jne .reflect
    PRINT ": leave v86"
    jmp exc_resume                      ; back to the kernel's TRY point
.reflect:
    PRINTLN ": reflect through the real-mode ivt"
    call v86_flags16
    call v86_push16
    mov eax, [ebp + F_CS]
    call v86_push16
    mov eax, [ebp + F_EIP]
    add eax, 2
    call v86_push16
    mov dword [VIF], 0
    and dword [ebp + F_EFLAGS], ~0x100  ; TF cleared as by a real-mode INT
    movzx eax, word [ebx*4]
    mov [ebp + F_EIP], eax
    movzx eax, word [ebx*4 + 2]
    mov [ebp + F_CS], eax
    jmp .done
.iret:
    PRINTLN " iret: emulated"
    call v86_pop16
    mov [ebp + F_EIP], eax
    call v86_pop16
    mov [ebp + F_CS], eax
    call v86_pop16
    call v86_set_flags16
    jmp .done
.io1:
    PRINTLN " in/out dx: port denied by the i/o bitmap, skipped"
    jmp .skip1
.io2:
    PRINT " in/out imm8 port "
    PHEX8 [esi + 1]
    PRINTLN ": denied by the i/o bitmap, skipped"
    inc word [ebp + F_EIP]
.skip1:
    inc word [ebp + F_EIP]
.done:
    mov eax, 1
.ret:
    ret

; v86_flags16: EAX = the V86 task's 16-bit FLAGS with IF replaced by the virtual IF.
v86_flags16:
    mov eax, [ebp + F_EFLAGS]
    and eax, 0xFDFF & ~0x3000
    or eax, [VIF]
    ret
; v86_set_flags16: AX = FLAGS image; takes the arithmetic flags and DF, and IF into VIF.
v86_set_flags16:
    push eax
    and eax, 0x200
    mov [VIF], eax
    pop eax
    and eax, 0x0CD5
    and dword [ebp + F_EFLAGS], ~0x0CD5
    or [ebp + F_EFLAGS], eax
    ret
; v86_push16 / v86_pop16: AX to / from the V86 stack at SS:SP (in the frame).
v86_push16:
    push ebx
    sub word [ebp + F_ESP], 2
    movzx ebx, word [ebp + F_SS]
    shl ebx, 4
    push eax
    movzx eax, word [ebp + F_ESP]
    add ebx, eax
    pop eax
    mov [ebx], ax
    pop ebx
    ret
v86_pop16:
    push ebx
    movzx ebx, word [ebp + F_SS]
    shl ebx, 4
    movzx eax, word [ebp + F_ESP]
    add ebx, eax
    movzx eax, word [ebx]
    add word [ebp + F_ESP], 2
    pop ebx
    ret

; ======================= V86 code (16-bit, CS=F000) =======================
[bits 16]
v86_main:
    cld
    V86PRINT "v86: running, cs="
    mov ax, cs
    call v86_hex16
    V86PRINT " ss:sp="
    mov ax, ss
    call v86_hex16
    V86PRINT ":"
    mov ax, sp
    call v86_hex16
    V86PRINT " smsw="
    smsw ax
    call v86_hex16
    V86PRINT `\n`
    mov ax, 0x2000                      ; real-mode segment arithmetic: 2000:0010 = 0x20010
    mov es, ax
    mov word [es:0x10], 0xBEEF
    mov word [es:0x12], 0x86
    cli
    sti
    pushf
    pop ax
    V86PRINT "v86: pushf gave if="
    shr ax, 9
    and ax, 1
    call v86_hex16
    V86PRINT `\n`
    push word 0
    popf
    mov ax, 0x1111
    int 0x42
    V86PRINT "v86: after int 42 ax="
    call v86_hex16
    V86PRINT `\n`
    mov al, 0x55
    out 0x80, al                        ; allowed by the bitmap: no fault, IOPL does not matter
    mov dx, 0x2F8
    out dx, al
    V86PRINT `v86: out 80 and out 2f8 (byte) allowed\n`
    out dx, ax                          ; 2F8 and 2F9: one denied bit is enough
    in al, 0x64
    V86PRINT `v86: leaving with int 20\n`
    int 0x20
    V86PRINT `FAIL: still in v86\n`
    hlt

v86_int42:                              ; a real-mode interrupt handler, reached by reflection
    V86PRINT `v86: in int 42 handler\n`
    add ax, 0x3333
    iret

v86_iopl3:
    cld
    V86PRINT `v86 iopl=3: cli sti pushf popf run without the monitor\n`
    cli
    sti
    pushf
    pop ax
    V86PRINT "v86 iopl=3: pushf gave "
    and ax, 0x3200
    call v86_hex16
    V86PRINT `\n`
    push word 0x3002
    popf
    mov bx, 0x3131
    int 0x31                            ; DPL3 gate: straight into the kernel
    V86PRINT `FAIL: returned from int 31\n`
    hlt

; v86_print_inline: prints the zero-terminated string following the CALL (through CS).
v86_print_inline:
    push bp
    mov bp, sp
    push si
    push ax
    mov si, [bp + 2]
.loop:
    cs lodsb
    test al, al
    jz .done
    out 0xE9, al
    jmp .loop
.done:
    mov [bp + 2], si
    pop ax
    pop si
    pop bp
    ret

; v86_hex16: AX as four hex digits (AX preserved).
v86_hex16:
    push ax
    push cx
    push dx
    mov dx, ax
    mov cx, 4
.digit:
    rol dx, 4
    mov al, dl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    out 0xE9, al
    loop .digit
    pop dx
    pop cx
    pop ax
    ret
[bits 32]

ROM_END start
