; curses-keys: for -display curses (test/cli/curses.test.ts): an 80x25 text screen that shows the keys typed on the PS/2 keyboard (scan code set 2 make codes, shift upper-cases letters), a cursor after them, Enter for a new line, and "!" (shift-1) switching to mode 13h so the terminal shows the graphics-mode line.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"
%include "lib/vgamode.inc"

start:
    INIT16
    VGA_SET_MODE mode_03h
    call vga_load_dac
    mov ax, 0xb800
    mov es, ax
    xor di, di
    mov ax, 0x0720
    mov cx, 2000
    rep stosw
    mov di, 0
    mov si, s_prompt
    mov ah, 0x1f
.p:
    cs lodsb
    test al, al
    jz .pe
    stosw
    jmp .p
.pe:
    mov di, 160                 ; typing starts on row 1
    xor bp, bp                  ; BP bit 0: a break code follows, bit 1: shift held
    call cursor
    PRINTLN "ready"
.poll:
    in al, 0x64
    test al, 1
    jz .poll
    in al, 0x60
    cmp al, 0xf0
    jne .notbreak
    or bp, 1
    jmp .poll
.notbreak:
    cmp al, 0xe0
    je .poll
    test bp, 1
    jz .make
    and bp, ~1
    cmp al, 0x12
    jne .poll
    and bp, ~2                  ; shift released
    jmp .poll
.make:
    cmp al, 0x12
    jne .notshift
    or bp, 2
    jmp .poll
.notshift:
    cmp al, 0x5a
    je .enter
    cmp al, 0x16
    jne .char
    test bp, 2
    jnz .graphics               ; shift-1: "!"
.char:
    cmp al, 0x80
    jae .poll
    movzx bx, al
    mov al, [cs:keymap + bx]
    test al, al
    jz .poll
    test bp, 2
    jz .put
    cmp al, 'a'
    jb .put
    cmp al, 'z'
    ja .put
    sub al, 0x20
.put:
    mov ah, 0x0e
    stosw
    call cursor
    jmp .poll
.enter:
    mov ax, di
    xor dx, dx
    mov bx, 160
    div bx
    inc ax
    mul bx
    mov di, ax
    call cursor
    jmp .poll
.graphics:
    VGA_SET_MODE mode_13h
    PRINTLN "graphics"
    jmp .poll

; cursor: the CRTC cursor at the cell of ES:DI
cursor:
    push ax
    push dx
    mov ax, di
    shr ax, 1
    push ax
    mov dx, 0x3d4
    mov al, 0x0f
    out dx, al
    inc dx
    pop ax
    push ax
    out dx, al
    dec dx
    mov al, 0x0e
    out dx, al
    inc dx
    pop ax
    mov al, ah
    out dx, al
    pop dx
    pop ax
    ret

s_prompt: db "TCG86 CURSES TEST - TYPE:", 0
keymap:
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x71, 0x31, 0x00, 0x00, 0x00, 0x7a, 0x73, 0x61, 0x77, 0x32, 0x00
    db 0x00, 0x63, 0x78, 0x64, 0x65, 0x34, 0x33, 0x00, 0x00, 0x20, 0x76, 0x66, 0x74, 0x72, 0x35, 0x00
    db 0x00, 0x6e, 0x62, 0x68, 0x67, 0x79, 0x36, 0x00, 0x00, 0x00, 0x6d, 0x6a, 0x75, 0x37, 0x38, 0x00
    db 0x00, 0x00, 0x6b, 0x69, 0x6f, 0x30, 0x39, 0x00, 0x00, 0x2e, 0x00, 0x6c, 0x00, 0x70, 0x2d, 0x00
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
    db 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00

ROM_END start
