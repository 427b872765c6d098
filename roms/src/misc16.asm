; misc16: real-mode odds and ends: xchg xlat lea enter/leave push/pop sreg pusha pushf lahf cbw.. movzx/movsx bswap xadd cmpxchg cpuid loops int/iret addressing A20.
; Flags are printed masked to the SDM-defined arithmetic flags; addresses printed are offsets in
; this ROM (deterministic for a given image). CPUID shows QEMU's default qemu32 model.
bits 16
org 0
%include "lib/debugcon.inc"

; R "label", reg32: print " label=<hex32>"
%macro R 2
    PRINT %1
    PHEX32 %2
%endmacro

; ---- interrupt handlers (installed in the IVT by start) ----
; int 41h: print AX and the IF/TF bits seen inside, return AX+1 and CF set in the caller.
int41_handler:
    push bp
    mov bp, sp
    PRINT " in-int41 ax="
    PHEX16
    PRINT " if/tf="
    PFLAGS 0x0300
    PRINT " ret-ip="
    PHEX16 [bp+2]
    inc ax
    or word [bp+6], 0x0001      ; caller's saved FLAGS: set CF
    pop bp
    iret

; int3 / into: print the vector and the pushed IP (the address after the instruction).
int3_handler:
    push bp
    mov bp, sp
    PRINT " #BP ret-ip="
    PHEX16 [bp+2]
    pop bp
    iret
into_handler:
    push bp
    mov bp, sp
    PRINT " #OF ret-ip="
    PHEX16 [bp+2]
    pop bp
    iret

xlat_table: db "0123456789abcdef"

start:
    INIT16
    mov word [0x41*4], int41_handler
    mov [0x41*4+2], cs
    mov word [3*4], int3_handler
    mov [3*4+2], cs
    mov word [4*4], into_handler
    mov [4*4+2], cs

; ---------------------------------------------------------------- xchg / xlat
    PRINT "xchg:"
    mov eax, 0x11111111
    mov ebx, 0x22222222
    mov ecx, 0x33333333
    mov dword [0x600], 0x44444444
    xchg ax, bx                 ; short form 9x
    xchg cl, ch
    xchg ecx, [0x600]
    xchg al, bh
    R " eax=", eax
    R " ebx=", ebx
    R " ecx=", ecx
    R " m=", [0x600]
    NL
    PRINT "xlat:"
    push ds
    push cs
    pop ds
    mov bx, xlat_table
    mov al, 0x0C
    xlatb
    call dc_putc
    pop ds
    mov al, 0x03
    cs xlatb                    ; segment override on the DS:BX table access
    call dc_putc
    NL

; ---------------------------------------------------------------- lea
    PRINT "lea16:"
    mov bx, 0x1000
    mov bp, 0x0200
    mov si, 0x0030
    mov di, 0x0004
    lea ax, [bx+si]
    PHEX16
    SPACE
    lea ax, [bx+di]
    PHEX16
    SPACE
    lea ax, [bp+si]
    PHEX16
    SPACE
    lea ax, [bp+di]
    PHEX16
    SPACE
    lea ax, [si]
    PHEX16
    SPACE
    lea ax, [di]
    PHEX16
    SPACE
    lea ax, [0x1234]
    PHEX16
    SPACE
    lea ax, [bx]
    PHEX16
    SPACE
    lea ax, [bx+si-0x40]        ; disp8 (sign-extended)
    PHEX16
    SPACE
    lea ax, [bp+di+0x7F]
    PHEX16
    SPACE
    lea ax, [bp-0x80]
    PHEX16
    SPACE
    lea ax, [si+0x5678]         ; disp16
    PHEX16
    SPACE
    lea ax, [word bx+di+0xFFF0] ; disp16 fff0: the sum wraps at 16 bits
    PHEX16
    SPACE
    mov bx, 0xFFFF
    mov si, 0x0002
    lea ax, [bx+si]             ; wraps to 0001
    PHEX16
    SPACE
    lea eax, [bx+si+0x10]       ; 32-bit destination, 16-bit address: zero-extended
    PHEX32
    SPACE
    lea dx, [bp+si+0x8000]
    PHEX16 dx
    NL
    PRINT "lea32:"
    mov eax, 0x00010000
    mov ecx, 0x00000100
    mov edx, 0xFFFFFFF0
    lea ebx, [eax+ecx*4+0x12]
    PHEX32 ebx
    SPACE
    lea ebx, [edx+ecx*8]
    PHEX32 ebx
    SPACE
    lea ebx, [ecx*2+0x80000000]
    PHEX32 ebx
    SPACE
    lea bx, [eax+edx]           ; 16-bit destination takes the low half
    PHEX16 bx
    SPACE
    mov esp, 0x00007000
    lea ebx, [esp+eax-4]
    PHEX32 ebx
    NL

; ---------------------------------------------------------------- enter / leave
; Stack at 0000:6000 with an outer frame at BP=6100 whose slots below BP hold aaaa, bbbb.
%macro ENTER_TEST 2
    mov sp, 0x7000
    xor di, di
%%clear:
    mov word [0x5F00 + di], 0
    add di, 2
    cmp di, 0x100
    jb %%clear
    mov word [0x60FE], 0xAAAA
    mov word [0x60FC], 0xBBBB
    push sp                     ; keep our own stack pointer to come back to
    mov [0x620], sp
    mov sp, 0x6000
    mov bp, 0x6100
    enter %1, %2
    mov [0x622], sp
    mov [0x624], bp
    leave
    mov [0x626], sp
    mov [0x628], bp
    mov sp, [0x620]
    pop sp
    PRINT "enter "
    PDEC16 %1
    PUTC ','
    PDEC16 %2
    PRINT ": sp="
    PHEX16 [0x622]
    PRINT " bp="
    PHEX16 [0x624]
    PRINT " stack="
    mov si, [0x622]
%%dump:
    PHEX16 [si]
    SPACE
    add si, 2
    cmp si, 0x6000
    jb %%dump
    PRINT "leave: sp="
    PHEX16 [0x626]
    PRINT " bp="
    PHEX16 [0x628]
    NL
%endmacro
    ENTER_TEST 6, 0
    ENTER_TEST 6, 1
    ENTER_TEST 4, 2
    ENTER_TEST 0, 3

; ---------------------------------------------------------------- push/pop
    PRINT "sreg push/pop:"
    mov sp, 0x7000
    mov ax, 0x1234
    mov es, ax
    mov ax, 0x2345
    mov fs, ax
    mov ax, 0x3456
    mov gs, ax
    push cs
    push ds
    push es
    push ss
    push fs
    push gs
    mov si, sp
.sregs:
    PUTC ' '
    PHEX16 [si]
    add si, 2
    cmp si, 0x7000
    jb .sregs
    pop es                      ; gs value into es, etc.
    pop ds
    pop gs
    pop fs
    pop ax                      ; ds (0)
    pop ax                      ; cs
    PRINT " -> es="
    mov ax, es
    PHEX16
    PRINT " ds="
    mov ax, ds
    PHEX16
    PRINT " fs="
    mov ax, fs
    PHEX16
    PRINT " gs="
    mov ax, gs
    PHEX16
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    PRINT " push32 fs:"
    o32 push fs                 ; 32-bit push of a segment register: 4 bytes on the stack
    mov ax, 0x7000
    sub ax, sp
    PHEX16
    PUTC ' '
    o32 pop fs
    mov ax, sp
    PHEX16
    NL

    PRINT "pusha:"
    mov eax, 0xA0A0A0A0
    mov ecx, 0xC1C1C1C1
    mov edx, 0xD2D2D2D2
    mov ebx, 0xB3B3B3B3
    mov ebp, 0x55555555
    mov esi, 0x56565656
    mov edi, 0x57575757
    pusha
    mov si, sp
.pa:
    PUTC ' '
    PHEX16 [si]
    add si, 2
    cmp si, 0x7000
    jb .pa
    mov bx, sp
    mov word [bx+6], 0x1111     ; the SP slot: POPA ignores it
    mov word [bx+8], 0x2222     ; BX slot
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    popa
    PRINT " -> sp="
    mov [0x630], esp
    PHEX16 [0x630]
    R " eax=", eax
    R " ebx=", ebx
    R " ecx=", ecx
    R " edi=", edi
    NL
    PRINT "pushad:"
    mov esp, 0x7000
    pushad
    mov ax, 0x7000
    sub ax, sp
    PUTC ' '
    PHEX16
    R " [esp+12]=", [0x7000-20]  ; the ESP slot holds the value before PUSHAD
    popad
    mov [0x630], esp            ; PHEX32 would push first and show ESP-4
    R " esp=", [0x630]
    NL

; ---------------------------------------------------------------- flags
    PRINT "pushf/popf:"
    push word 0xFCFF            ; all but IF and TF
    popf
    pushf
    pop ax
    PUTC ' '
    PHEX16
    push word 0x0000
    popf
    pushf
    pop ax
    PUTC ' '
    PHEX16
    push dword 0x00240CD7       ; ID, AC, OF, DF, SF ZF AF PF CF
    popfd
    pushfd
    pop eax
    PUTC ' '
    PHEX32
    push dword 0x00000002
    popfd
    NL
    PRINT "lahf/sahf:"
    push word 0x08D7
    popf
    mov ah, 0
    lahf
    mov al, ah
    PUTC ' '
    PHEX8
    mov ah, 0x2A                ; bits 1,3,5 of SAHF's source are ignored
    sahf
    PUTC ' '
    PFLAGS 0x0FFF
    mov ah, 0xD5
    sahf
    PUTC ' '
    PFLAGS 0x0FFF
    push word 0x0002
    popf
    NL

    PRINT "cbw/cwd/cwde/cdq:"
    mov eax, 0x12345680
    cbw
    PUTC ' '
    PHEX32
    mov eax, 0xFFFF7F00
    cbw
    PUTC ' '
    PHEX32
    mov ax, 0x8000
    mov edx, 0x12345678
    cwd
    PUTC ' '
    PHEX32 edx
    mov ax, 0x7FFF
    cwd
    PUTC ' '
    PHEX32 edx
    mov eax, 0x1234FFFE
    cwde
    PUTC ' '
    PHEX32
    mov eax, 0x80000000
    cdq
    PUTC ' '
    PHEX32 edx
    mov eax, 0x7FFFFFFF
    cdq
    PUTC ' '
    PHEX32 edx
    NL

    PRINT "movzx/movsx:"
    mov dword [0x600], 0x80FF7F81
    mov ecx, 0xFFFFFFFF
    movzx ax, cl
    movzx ebx, cl
    movzx edx, word [0x602]
    PUTC ' '
    PHEX16
    PUTC ' '
    PHEX32 ebx
    PUTC ' '
    PHEX32 edx
    movsx ax, byte [0x600]
    movsx ebx, byte [0x601]
    movsx edx, word [0x602]
    movsx esi, cx
    PUTC ' '
    PHEX16
    PUTC ' '
    PHEX32 ebx
    PUTC ' '
    PHEX32 edx
    PUTC ' '
    PHEX32 esi
    NL

; ---------------------------------------------------------------- 486 additions
    PRINT "bswap:"
    mov eax, 0x12345678
    bswap eax
    PUTC ' '
    PHEX32
    mov edi, 0x80FF0001
    bswap edi
    PUTC ' '
    PHEX32 edi
    NL
    PRINT "xadd:"
    mov eax, 0x7FFFFFFF
    mov ebx, 0x00000001
    push word 0x0002
    popf
    xadd eax, ebx
    R " eax=", eax
    R " ebx=", ebx
    PRINT " fl="
    PFLAGS
    mov byte [0x600], 0xFF
    mov cl, 0x01
    xadd [0x600], cl
    PRINT " m="
    PHEX8 [0x600]
    PRINT " cl="
    PHEX8 cl
    PRINT " fl="
    PFLAGS
    NL
    PRINT "cmpxchg:"
    mov ax, 0x1234
    mov bx, 0x1234
    mov cx, 0xBEEF
    cmpxchg bx, cx              ; equal: BX <- CX, ZF=1
    PRINT " eq ax="
    PHEX16
    PRINT " bx="
    PHEX16 bx
    PRINT " fl="
    PFLAGS
    mov ax, 0x1000
    mov bx, 0x2000
    cmpxchg bx, cx              ; not equal: AX <- BX, ZF=0
    PRINT " ne ax="
    PHEX16
    PRINT " bx="
    PHEX16 bx
    PRINT " fl="
    PFLAGS
    mov al, 0x80
    mov byte [0x600], 0x7F
    mov dl, 0x55
    cmpxchg [0x600], dl
    PRINT " b al="
    PHEX8
    PRINT " m="
    PHEX8 [0x600]
    PRINT " fl="
    PFLAGS
    mov eax, 0xCAFEBABE
    mov dword [0x600], 0xCAFEBABE
    mov edx, 0x01234567
    cmpxchg [0x600], edx
    PRINT " d m="
    PHEX32 [0x600]
    PRINT " fl="
    PFLAGS
    NL

; ---------------------------------------------------------------- cpuid
    PRINT "cpuid 0: max="
    xor eax, eax
    cpuid
    PHEX32
    PRINT " vendor="
    mov [0x600], ebx
    mov [0x604], edx
    mov [0x608], ecx
    mov si, 0x600
.vendor:
    mov al, [si]
    call dc_putc
    inc si
    cmp si, 0x60C
    jb .vendor
    NL
    PRINT "cpuid 1: eax="
    mov eax, 1
    cpuid
    PHEX32
    R " edx=", edx
    NL

; ---------------------------------------------------------------- loops
    PRINT "loops:"
    mov cx, 5
    xor ax, ax
.l1:
    inc ax
    loop .l1
    PUTC ' '
    PHEX16                      ; 5 iterations
    mov cx, 10
    mov ax, 3
.l2:
    dec ax
    loopnz .l2                  ; stops when AX hits 0
    PUTC ' '
    PHEX16 cx
    mov cx, 10
    xor ax, ax
.l3:
    inc ax                      ; AX=1 -> ZF=0
    loopz .l3                   ; so LOOPZ stops after one pass (CX 10 -> 9)
    PUTC ' '
    PHEX16 cx
    xor cx, cx
    mov ax, 0x0BAD
    jcxz .zero                  ; taken: AX keeps 0bad
    mov ax, 0x0000
.zero:
    PUTC ' '
    PHEX16
    mov ecx, 0x00010000         ; CX=0 but ECX!=0
    mov ax, 0
    jcxz .cxz                   ; 16-bit: taken
    mov ax, 0x0BAD
.cxz:
    PUTC ' '
    PHEX16
    a32 jcxz .ecxz              ; 67h: jecxz, not taken
    mov ax, 0x600D
.ecxz:
    PUTC ' '
    PHEX16
    mov ecx, 0x00010002
    xor ax, ax
.l4:
    inc ax
    loop .l4                    ; 16-bit: CX 2 -> 0, high half untouched
    PUTC ' '
    PHEX16
    R " ecx=", ecx
    mov ecx, 0x00010002
    xor ax, ax
.l5:
    inc ax
    a32 loop .l5                ; 32-bit: ECX counts 65538 down to 0
    PUTC ' '
    PHEX16
    R " ecx=", ecx
    mov cx, 0                   ; LOOP with CX=0 runs 65536 times
    xor ax, ax
    xor bx, bx
.l6:
    inc ax
    jnz .l6b
    inc bx
.l6b:
    loop .l6
    PUTC ' '
    PHEX16 bx
    PHEX16
    NL

; ---------------------------------------------------------------- int / iret
    PRINT "int41:"
    push word 0x0002
    popf
    mov ax, 0x4141
    int 0x41
    PRINT " after ax="
    PHEX16
    PRINT " cf="
    PFLAGS 0x0001
    NL
    PRINT "int3:"
    int3
    PRINT " int 3 (cd 03):"
    int 3
    NL
    PRINT "into:"
    push word 0x0002
    popf
    into                        ; OF=0: no trap
    PRINT " of=1:"
    push word 0x0802
    popf
    into
    push word 0x0002
    popf
    NL

; ---------------------------------------------------------------- addressing
    PRINT "real-mode aliases:"
    mov ax, 0x1234
    mov es, ax
    mov dword [es:0x0010], 0xFEEDF00D  ; linear 0x12350
    mov ax, 0x1235
    mov ds, ax
    mov eax, [0x0000]
    PUTC ' '
    PHEX32
    mov ax, 0x1000
    mov fs, ax
    mov eax, [fs:0x2350]
    PUTC ' '
    PHEX32
    mov bp, 0x0010
    mov ax, 0x1234
    mov ss, ax
    mov eax, [bp]               ; BP-based: default segment SS
    xor bx, bx
    mov ss, bx
    PUTC ' '
    PHEX32
    mov ds, bx
    mov es, bx
    mov fs, bx
    NL

    PRINT "a20:"
    in al, 0x92
    PUTC ' '
    PHEX8
    mov ax, 0xFFFF
    mov es, ax
    mov word [0x0700], 0x1111   ; linear 0x000700
    mov word [es:0x0710], 0x2222 ; linear 0x100700 (or 0x000700 with A20 off)
    PRINT " on:"
    PHEX16 [0x0700]
    PUTC '/'
    PHEX16 [es:0x0710]
    in al, 0x92
    and al, ~0x03               ; A20 off; never set bit 0 (fast reset)
    out 0x92, al
    in al, 0x92
    PUTC ' '
    PHEX8
    mov word [es:0x0710], 0x3333 ; wraps to linear 0x000700
    PRINT " off:"
    PHEX16 [0x0700]
    PUTC '/'
    PHEX16 [es:0x0710]
    in al, 0x92
    or al, 0x02
    and al, ~0x01
    out 0x92, al
    PRINT " on-again:"
    PHEX16 [0x0700]
    PUTC '/'
    PHEX16 [es:0x0710]
    xor ax, ax
    mov es, ax
    NL

    PRINTLN "misc16: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
