; string: movs/stos/lods/cmps/scas (byte/word/dword, DF=0/1, rep/repe/repne, counts 0/1/many), overrides, 16-bit wrap, a32, ins/outs.
; Each test starts from fresh buffers (source DS=1000h: byte i = i*7+3; dest ES=2000h: zero) and
; prints ECX ESI EDI EAX, flags (OF SF ZF AF PF CF and DF), an FNV-1a hash of the destination
; (ES:0000-01FF and ES:FFF0-FFFF) and 16 destination bytes at the test's dump offset.
; Port tests use the PIC mask register (21h, read/write) and CMOS (70h index / 71h data).
bits 16
org 0
%include "lib/debugcon.inc"

SRC_SEG equ 0x1000
DST_SEG equ 0x2000
DUMPOFF equ 0x500               ; word (segment 0): dest offset to dump

; T "title", dumpoff: start a test with fresh buffers, DF=0, flags 0002 and zeroed registers.
%macro T 2
    call reset_bufs
    mov word [DUMPOFF], %2
    PRINT %1
    call enter_test
%endmacro

; reset_bufs: fill the buffers with plain MOVs (not with the instructions under test).
reset_bufs:
    xor ax, ax
    mov ds, ax
    push ds
    mov ax, SRC_SEG
    mov ds, ax
    mov ax, DST_SEG
    mov es, ax
    xor bx, bx
.fill:
    mov al, bl
    mov ah, 7
    mul ah
    add al, 3
    mov [bx], al
    mov byte [es:bx], 0
    inc bx
    cmp bx, 0x200
    jb .fill
    mov bx, 0xFFF0
.fill_top:
    mov al, bl
    xor al, 0xC0
    mov [bx], al                ; DS:FFF0.. = f0 ^ c0 ... (30..3f)
    mov byte [es:bx], 0
    inc bx
    jnz .fill_top
    pop ds                      ; DS = 0 for the caller's bookkeeping
    ret

; enter_test: DS=SRC_SEG, ES=DST_SEG, clear EAX..EDI (not ESP/EBP), DF=0, FLAGS=0002.
enter_test:
    mov ax, SRC_SEG
    mov ds, ax
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    push word 0x0002
    popf
    ret

; show: print registers, flags, destination hash and dump; then DF=0, DS=0.
show:
    pushf
    pushad
    mov bp, sp                  ; [bp+0..31] = EDI ESI EBP ESP EBX EDX ECX EAX, [bp+32] = FLAGS
    xor ax, ax
    mov ds, ax
    PRINT " ecx="
    PHEX32 [ss:bp+24]
    PRINT " esi="
    PHEX32 [ss:bp+4]
    PRINT " edi="
    PHEX32 [ss:bp+0]
    PRINT " eax="
    PHEX32 [ss:bp+28]
    PRINT " fl="
    mov ax, [ss:bp+32]
    and ax, ARITH_FLAGS | 0x0400
    PHEX16
    ; FNV-1a over ES:0000-01FF then ES:FFF0-FFFF
    mov ax, DST_SEG
    mov es, ax
    mov edx, 2166136261
    xor bx, bx
.h1:
    movzx eax, byte [es:bx]
    xor edx, eax
    imul edx, edx, 16777619
    inc bx
    cmp bx, 0x200
    jb .h1
    mov bx, 0xFFF0
.h2:
    movzx eax, byte [es:bx]
    xor edx, eax
    imul edx, edx, 16777619
    inc bx
    jnz .h2
    PRINT " h="
    PHEX32 edx
    PRINT " ["
    PHEX16 [DUMPOFF]
    PRINT "]="
    mov bx, [DUMPOFF]
    mov cx, 16
.dump:
    PHEX8 [es:bx]
    inc bx
    loop .dump
    NL
    popad
    popf
    cld
    push ax
    xor ax, ax
    mov ds, ax
    pop ax
    ret

msg_rom: db "ROM!string source via CS override", 0

start:
    INIT16
    PRINTLN "string: movs"
    T "movsb cx=0 rep", 0x20
    mov si, 0x10
    mov di, 0x20
    mov cx, 0
    rep movsb
    call show
    T "movsb cx=1 rep", 0x20
    mov si, 0x10
    mov di, 0x20
    mov cx, 1
    rep movsb
    call show
    T "movsb single", 0x20
    mov si, 0x10
    mov di, 0x20
    mov cx, 5
    movsb
    call show
    T "movsb cx=37 rep", 0x40
    mov si, 0x10
    mov di, 0x20
    mov cx, 37
    rep movsb
    call show
    T "movsw cx=13 rep", 0x30
    mov si, 0x11
    mov di, 0x20
    mov cx, 13
    rep movsw
    call show
    T "movsd cx=7 rep", 0x30
    mov si, 0x13
    mov di, 0x21
    mov cx, 7
    rep movsd
    call show
    T "movsb cx=37 rep std", 0x40
    mov si, 0x40
    mov di, 0x60
    mov cx, 37
    std
    rep movsb
    call show
    T "movsw cx=13 rep std", 0x50
    mov si, 0x40
    mov di, 0x60
    mov cx, 13
    std
    rep movsw
    call show
    T "movsd cx=7 rep std", 0x50
    mov si, 0x40
    mov di, 0x60
    mov cx, 7
    std
    rep movsd
    call show
    T "movsb overlap fwd cx=20 (ds=es)", 0x10
    mov ax, DST_SEG
    mov ds, ax
    mov byte [0x10], 0xAB
    mov byte [0x11], 0xCD
    mov si, 0x10
    mov di, 0x12
    mov cx, 20
    rep movsb                   ; byte-by-byte semantics replicate the 2-byte pattern
    call show

    PRINTLN "string: stos / lods"
    T "stosb cx=9 rep", 0x00
    mov eax, 0x11223344
    mov di, 3
    mov cx, 9
    rep stosb
    call show
    T "stosw cx=9 rep", 0x00
    mov eax, 0x11223344
    mov di, 3
    mov cx, 9
    rep stosw
    call show
    T "stosd cx=9 rep std", 0x20
    mov eax, 0x11223344
    mov di, 0x40
    mov cx, 9
    std
    rep stosd
    call show
    T "stosb cx=0 rep", 0x00
    mov al, 0x77
    mov di, 3
    rep stosb
    call show
    T "lodsb", 0x00
    mov eax, 0xFFFFFFFF
    mov si, 0x21
    lodsb
    call show
    T "lodsw std", 0x00
    mov eax, 0xFFFFFFFF
    mov si, 0x21
    std
    lodsw
    call show
    T "lodsd cx=5 rep", 0x00
    mov si, 0x21
    mov cx, 5
    rep lodsd
    call show

    PRINTLN "string: cmps / scas"
    T "repe cmpsb equal then differ", 0x00
    mov ax, DST_SEG
    mov es, ax
    mov bx, 0
.copy:                          ; dest = source for 10 bytes, then differs
    mov al, [bx]
    mov [es:bx], al
    inc bx
    cmp bx, 10
    jb .copy
    mov si, 0
    mov di, 0
    mov cx, 30
    repe cmpsb
    call show
    T "repe cmpsb cx=0 (flags untouched)", 0x00
    push word 0x08D7
    popf
    mov cx, 0
    repe cmpsb
    call show
    T "repne cmpsb", 0x00
    mov byte [es:6], 0x2D       ; source byte 6 = 6*7+3 = 2d
    mov si, 0
    mov di, 0
    mov cx, 30
    repne cmpsb
    call show
    T "cmpsw single", 0x00
    mov si, 2
    mov di, 2
    cmpsw
    call show
    T "cmpsd std", 0x00
    mov si, 8
    mov di, 8
    std
    cmpsd
    call show
    T "repne scasb found", 0x00
    mov byte [es:0x33], 0x5A
    mov al, 0x5A
    mov di, 0x10
    mov cx, 0x40
    repne scasb
    call show
    T "repne scasb not found", 0x00
    mov al, 0x5A
    mov di, 0x10
    mov cx, 0x40
    repne scasb
    call show
    T "repe scasw", 0x00
    mov dword [es:0x80], 0x12341234
    mov ax, 0x1234
    mov di, 0x7C
    mov cx, 5
    repe scasw
    call show
    T "repe scasd std", 0x00
    mov eax, 0
    mov di, 0x40
    mov cx, 4
    std
    repe scasd
    call show

    PRINTLN "string: segment overrides"
    T "cs rep movsb (source override)", 0x00
    mov si, msg_rom
    mov di, 0
    mov cx, 16
    rep cs movsb
    call show
    T "es lodsw (source override)", 0x00
    mov word [es:0x44], 0xBEEF
    mov si, 0x44
    es lodsw
    call show
    T "fs rep stosb (destination stays es)", 0x00
    mov ax, 0x3000
    mov fs, ax
    mov al, 0xEE
    mov di, 4
    mov cx, 3
    rep fs stosb
    call show
    T "ss cmpsb (override on ds:si side)", 0x00
    mov ax, DST_SEG
    mov ss, ax                  ; SS briefly = dest segment (interrupts are off)
    mov si, 0
    mov di, 0
    ss cmpsb                    ; compares ES:0 with ES:0 via SS -> equal
    mov ax, 0
    mov ss, ax
    call show

    PRINTLN "string: 16-bit address wrap"
    T "rep movsb si=fffe cx=4", 0x80
    mov si, 0xFFFE
    mov di, 0x80
    mov cx, 4
    rep movsb
    call show
    T "rep movsw si=fffc di=fffe cx=3", 0x00
    mov si, 0xFFFC
    mov di, 0xFFFE
    mov cx, 3
    rep movsw
    call show
    T "rep stosb std di=1 cx=4", 0x00
    mov al, 0x99
    mov di, 1
    mov cx, 4
    std
    rep stosb
    call show
    T "rep movsb ecx=abcd0003 (a16 uses cx)", 0x00
    mov ecx, 0xABCD0003
    mov esi, 0x00020010
    mov edi, 0x00030000
    rep movsb
    call show
    T "a32 rep movsb ecx=5", 0x100
    mov ecx, 5
    mov esi, 0x10
    mov edi, 0x100
    a32 rep movsb
    call show

    PRINTLN "string: ins / outs"
    T "rep outsb to pic imr, in al 21h", 0x00
    mov byte [0x10], 0xA5
    mov byte [0x11], 0x3C
    mov byte [0x12], 0xFB
    mov si, 0x10
    mov cx, 3
    mov dx, 0x21
    rep outsb                   ; three writes to the mask register; the last one stays
    in al, 0x21
    call show
    T "rep insb from pic imr cx=3", 0x00
    mov al, 0x6D
    out 0x21, al
    mov dx, 0x21
    mov di, 5
    mov cx, 3
    rep insb
    call show
    T "insb std from cmos 15h (base memory, low byte)", 0x00
    mov al, 0x15
    out 0x70, al
    mov dx, 0x71
    mov di, 7
    std
    insb
    call show
    T "outsb cmos 4eh then insb", 0x00
    mov al, 0x4E
    out 0x70, al
    mov byte [0x20], 0xC7
    mov si, 0x20
    mov dx, 0x71
    outsb
    mov al, 0x4E
    out 0x70, al
    mov di, 9
    insb
    call show
    T "outsw to 70h (index then data) / insb", 0x00
    mov word [0x22], 0x5D4F     ; low byte 4f -> port 70h, high byte 5d -> port 71h
    mov si, 0x22
    mov dx, 0x70
    outsw
    mov al, 0x4F
    out 0x70, al
    mov dx, 0x71
    mov di, 0
    insb
    call show
    mov al, 0xFF                ; restore a full PIC mask (all masked)
    out 0x21, al

    PRINTLN "string: done"
    EXIT 0

%include "lib/reset.inc"
ROM_END start
