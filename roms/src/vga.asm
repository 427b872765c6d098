; vga: the std VGA of QEMU's pc (-vga std, the default) as a bare ROM sees it: VGA registers (which bits read back, CRTC protect, attribute flip-flop, DAC auto-increment, input status 1), port access widths, planar memory (write modes 0-3, read modes 0/1, latches, set/reset, rotate, function select, bit mask, map mask), odd/even, chain-4, the GR6 memory map windows, and Bochs VBE (ID, GETCAPS, clamping, banks through 0xa0000).
; All real mode; the window is reached through ES. Every value printed is a register or a byte read back.
bits 16
org 0
%include "lib/debugcon.inc"
%include "lib/reset.inc"

; ---- port helpers (all clobber AX and DX) ----
%macro OUTB 2
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro
%macro INB 1
    mov dx, %1
    in al, dx
%endmacro
; IDXW port, index, value: index register at port, data at port+1
%macro IDXW 3
    mov dx, %1
    mov al, %2
    out dx, al
    inc dx
    mov al, %3
    out dx, al
%endmacro
; IDXR port, index: AL = data register
%macro IDXR 2
    mov dx, %1
    mov al, %2
    out dx, al
    inc dx
    in al, dx
%endmacro
%macro SR 2
    IDXW 0x3c4, %1, %2
%endmacro
%macro GR 2
    IDXW 0x3ce, %1, %2
%endmacro
%macro CR 2
    IDXW 0x3d4, %1, %2
%endmacro
; VBEW index, value / VBER index (AX = value): word accesses at 0x1ce/0x1cf
%macro VBEW 2
    mov dx, 0x1ce
    mov ax, %1
    out dx, ax
    inc dx
    mov ax, %2
    out dx, ax
%endmacro
%macro VBER 1
    mov dx, 0x1ce
    mov ax, %1
    out dx, ax
    inc dx
    in ax, dx
%endmacro
; P8 / P16: " xx" / " xxxx" of AL / AX
%macro P8 0
    PUTC ' '
    PHEX8
%endmacro
%macro P16 0
    PUTC ' '
    PHEX16
%endmacro
; PVBE index: print the VBE register
%macro PVBE 1
    VBER %1
    P16
%endmacro
; PIDX port, index: print an indexed register
%macro PIDX 2
    IDXR %1, %2
    P8
%endmacro
; PLANES offset: the four planes of the dword at ES:offset (read mode 0)
%macro PLANES 1
    mov si, %1
    call planes
%endmacro

; wr_rd: DX = index port, CL = first index, CH = count, BL = value: for each index write the
; value and print what reads back.
wr_rd:
    pusha
.l: mov al, cl
    out dx, al
    inc dx
    mov al, bl
    out dx, al
    in al, dx
    dec dx
    P8
    inc cl
    dec ch
    jnz .l
    popa
    ret

; planes: SI = offset in ES: print " p0 p1 p2 p3" (GR5 = 0: read mode 0, no odd/even).
planes:
    pusha
    GR 5, 0
    xor cx, cx
.l: IDXW 0x3ce, 4, cl
    mov al, [es:si]
    P8
    inc cl
    cmp cl, 4
    jb .l
    popa
    ret

; set_planes: SI = offset in ES, BX:CX = plane bytes (BL p0, BH p1, CL p2, CH p3), write mode 0,
; no set/reset, rotate or function, all bits.
set_planes:
    pusha
    GR 5, 0
    GR 1, 0
    GR 3, 0
    GR 8, 0xff
    SR 2, 1
    mov [es:si], bl
    SR 2, 2
    mov [es:si], bh
    SR 2, 4
    mov [es:si], cl
    SR 2, 8
    mov [es:si], ch
    SR 2, 0x0f
    popa
    ret

; ar_read: AL = index; AL = attribute register (flip-flop reset by reading 0x3da first)
ar_read:
    push dx
    push ax
    mov dx, 0x3da
    in al, dx
    pop ax
    mov dx, 0x3c0
    out dx, al
    inc dx
    in al, dx
    pop dx
    ret

start:
    INIT16

    ; ---- after reset: monochrome I/O (misc output bit 0 clear) ----
    PRINT "reset: misc"
    INB 0x3cc
    P8
    PRINT " fcr"
    INB 0x3ca
    P8
    PRINT " st00"
    INB 0x3c2
    P8
    PRINT " 3d4"
    INB 0x3d4
    P8
    PRINT " 3d5"
    INB 0x3d5
    P8
    PRINT " 3da"
    INB 0x3da
    P8
    PRINT " 3b4"
    INB 0x3b4
    P8
    PRINT " 3ba"
    INB 0x3ba
    P8
    INB 0x3ba
    P8
    PRINT " pelmask"
    INB 0x3c6
    P8
    PRINT " 3c3/3cb/3cd"
    INB 0x3c3
    P8
    INB 0x3cb
    P8
    INB 0x3cd
    P8
    PRINT " holes 3b0/3b6/3bf/3d0/3df"
    INB 0x3b0
    P8
    INB 0x3b6
    P8
    INB 0x3bf
    P8
    INB 0x3d0
    P8
    INB 0x3df
    P8
    NL

    ; CRTC in monochrome mode at 0x3b4/0x3b5; 0x3d4 writes are ignored
    PRINT "mono crtc: cr0e"
    IDXW 0x3b4, 0x0e, 0x5a
    IDXR 0x3b4, 0x0e
    P8
    IDXW 0x3d4, 0x0e, 0xa5
    IDXR 0x3b4, 0x0e
    P8
    NL

    ; ---- misc output: bit 4 does not exist; bit 0 moves the CRTC to 0x3d4 ----
    PRINT "misc:"
    OUTB 0x3c2, 0xff
    INB 0x3cc
    P8
    OUTB 0x3c2, 0x63
    INB 0x3cc
    P8
    PRINT " 3b4"
    INB 0x3b4
    P8
    PRINT " 3d4/3d5"
    IDXW 0x3d4, 0x0e, 0x00
    INB 0x3d4
    P8
    INB 0x3d5
    P8
    NL

    ; ---- sequencer: index keeps 3 bits, each register its own bits ----
    PRINT "sr index:"
    OUTB 0x3c4, 0xff
    INB 0x3c4
    P8
    OUTB 0x3c4, 0x0a            ; index 2 (bits 0-2)
    OUTB 0x3c5, 0x05
    IDXR 0x3c4, 2
    P8
    NL
    PRINT "sr ff:"
    mov dx, 0x3c4
    mov cx, 0x0800
    mov bl, 0xff
    call wr_rd
    NL
    PRINT "sr 00:"
    mov bl, 0
    call wr_rd
    NL

    ; ---- graphics controller: index keeps 4 bits ----
    PRINT "gr index:"
    OUTB 0x3ce, 0xff
    INB 0x3ce
    P8
    NL
    PRINT "gr ff:"
    mov dx, 0x3ce
    mov cx, 0x1000
    mov bl, 0xff
    call wr_rd
    NL
    PRINT "gr 00:"
    mov bl, 0
    call wr_rd
    NL

    ; ---- CRTC: 256 byte-wide registers; CR11 bit 7 protects CR0-CR7 but CR7 bit 4 ----
    PRINT "cr index:"
    OUTB 0x3d4, 0xff
    INB 0x3d4
    P8
    NL
    PRINT "cr ff:"
    mov dx, 0x3d4
    mov cx, 0x1900
    mov bl, 0xff
    call wr_rd
    NL
    PRINT "cr high:"
    mov cx, 0x0440
    mov bl, 0x96
    call wr_rd
    mov cx, 0x01ff
    call wr_rd
    NL
    PRINT "cr 00:"
    CR 0x11, 0x00               ; unprotect before clearing CR0-CR7
    mov dx, 0x3d4
    mov cx, 0x1900
    mov bl, 0
    call wr_rd
    NL
    PRINT "cr protect:"
    CR 0x00, 0x12
    CR 0x07, 0x21
    CR 0x11, 0x80
    CR 0x00, 0x34
    CR 0x03, 0x56
    CR 0x07, 0xff
    CR 0x08, 0x78
    PIDX 0x3d4, 0x00
    PIDX 0x3d4, 0x03
    PIDX 0x3d4, 0x07
    PIDX 0x3d4, 0x08
    PIDX 0x3d4, 0x11
    CR 0x11, 0x00
    CR 0x00, 0x34
    PIDX 0x3d4, 0x00
    NL

    ; ---- attribute controller: one port, an index/data flip-flop reset by reading IS1 ----
    PRINT "ar flipflop:"
    INB 0x3da                   ; flip-flop to index
    INB 0x3c0
    P8                          ; index (0 after reset)
    OUTB 0x3c0, 0xf0            ; index: 6 bits kept (0x30: PAS + 0x10)
    INB 0x3c0
    P8                          ; flip-flop at data: reads 0
    INB 0x3c1
    P8                          ; ar[0x10] (reading 0x3c1 leaves the flip-flop alone)
    OUTB 0x3c0, 0x41            ; data -> ar[0x10]
    INB 0x3c0
    P8                          ; back at index: 0x30
    INB 0x3c1
    P8
    OUTB 0x3c0, 0x11            ; index 0x11
    OUTB 0x3c0, 0x22            ; data
    OUTB 0x3c0, 0x12            ; index again (flip-flop toggled twice)
    INB 0x3da
    INB 0x3c0
    P8                          ; 0x3da reset it to index: reads the index 0x12
    OUTB 0x3c0, 0x13            ; so this is an index write, not data
    INB 0x3c0
    P8
    INB 0x3c1
    P8                          ; ar[0x13] still 0
    NL
    PRINT "ar ff:"
    xor cx, cx
.arw:
    INB 0x3da
    mov dx, 0x3c0
    mov al, cl
    out dx, al
    mov al, 0xff
    out dx, al
    mov al, cl
    call ar_read
    P8
    inc cl
    cmp cl, 0x20
    jb .arw
    NL
    PRINT "ar 00:"
    xor cx, cx
.arz:
    INB 0x3da
    mov dx, 0x3c0
    mov al, cl
    out dx, al
    mov al, 0
    out dx, al
    mov al, cl
    call ar_read
    P8
    inc cl
    cmp cl, 0x15
    jb .arz
    NL

    ; ---- input status 1 and feature control ----
    PRINT "is1:"
    INB 0x3da
    P8
    INB 0x3da
    P8
    INB 0x3da
    P8
    PRINT " 3ba"
    INB 0x3ba
    P8
    PRINT " fcr"
    OUTB 0x3da, 0xff
    INB 0x3ca
    P8
    OUTB 0x3ba, 0x00            ; monochrome port in color mode: ignored
    INB 0x3ca
    P8
    OUTB 0x3da, 0x00
    INB 0x3ca
    P8
    NL

    ; ---- DAC: 3 bytes per entry, index auto-increment on the third ----
    PRINT "dac write:"
    OUTB 0x3c8, 0x10
    mov dx, 0x3c9
    mov si, dac_bytes
    mov cx, 7
.dw: cs lodsb
    out dx, al
    loop .dw
    INB 0x3c8
    P8                          ; 0x12: two entries done, the third pending
    INB 0x3c7
    P8                          ; DAC state 0 after a write index
    NL
    PRINT "dac read:"
    OUTB 0x3c7, 0x10
    INB 0x3c7
    P8                          ; state 3
    mov dx, 0x3c9
    mov cx, 9
.dr: in al, dx
    P8
    loop .dr
    INB 0x3c8
    P8                          ; write index untouched by reads
    NL
    PRINT "dac wrap:"
    OUTB 0x3c8, 0xff
    OUTB 0x3c9, 0x0a
    OUTB 0x3c9, 0x0b
    OUTB 0x3c9, 0x0c
    INB 0x3c8
    P8
    OUTB 0x3c8, 0x00
    OUTB 0x3c9, 0x3f
    OUTB 0x3c9, 0x3e
    OUTB 0x3c8, 0x00            ; a new index drops the partial entry
    OUTB 0x3c9, 0x01
    OUTB 0x3c9, 0x02
    OUTB 0x3c9, 0x03
    OUTB 0x3c7, 0xff
    mov dx, 0x3c9
    mov cx, 6
.dwr:
    in al, dx
    P8
    loop .dwr
    INB 0x3c7
    P8
    NL

    ; ---- access widths: VGA ports are byte ports (a word is two bytes), VBE ports word ports ----
    PRINT "widths:"
    SR 2, 0x0f
    mov dx, 0x3c4
    in ax, dx
    P16                         ; index | data << 8
    in eax, dx
    PUTC ' '
    PHEX32                      ; no dword port: all ones
    mov eax, 0x00070004
    out dx, eax                 ; dropped
    in al, dx
    P8                          ; SR index still 2
    mov ax, 0x0508
    mov dx, 0x3ce
    out dx, ax                  ; GR8 = 5
    in ax, dx
    P16
    mov dx, 0x3b5
    in ax, dx
    P16                         ; 3b5 in color mode, then a hole
    mov dx, 0x3cf
    in ax, dx
    P16                         ; GR8, then 0x3d0 (no port)
    GR 8, 0xff
    PRINT " vbe"
    mov dx, 0x1ce
    in al, dx
    P8                          ; byte access to a word port: all ones
    mov ax, 3
    out dx, ax
    mov al, 5
    out dx, al                  ; byte write dropped
    in ax, dx
    P16
    inc dx
    in ax, dx
    P16                         ; 0x1cf: BPP
    inc dx
    in ax, dx
    P16                         ; 0x1d0: data too
    inc dx
    in ax, dx
    P16                         ; 0x1d1: no port
    mov dx, 0x1ce
    in eax, dx
    PUTC ' '
    PHEX32
    mov dx, 0x1cf
    in al, dx
    P8
    NL

    ; ---- planar memory at 0xa0000 (GR6 map 1), no chain-4, no odd/even ----
    mov ax, 0xa000
    mov es, ax
    SR 4, 0x06
    SR 2, 0x0f
    GR 6, 0x05
    PRINT "wm0 planes:"
    mov bx, 0x2211
    mov cx, 0x4433
    mov si, 0
    call set_planes
    PLANES 0
    NL
    PRINT "set/reset:"
    GR 0, 0x05
    GR 1, 0x0f
    mov byte [es:1], 0x12
    PLANES 1
    GR 1, 0x03
    mov byte [es:2], 0xa5
    PLANES 2
    GR 1, 0
    NL
    PRINT "rotate:"
    GR 3, 0x03
    mov byte [es:3], 0x81
    PLANES 3
    GR 3, 0
    NL
    PRINT "and/or/xor:"
    mov al, [es:0]              ; latch = 11 22 33 44
    GR 3, 0x08
    mov byte [es:4], 0xf0
    mov al, [es:0]
    GR 3, 0x10
    mov byte [es:5], 0x0f
    mov al, [es:0]
    GR 3, 0x18
    mov byte [es:6], 0xff
    GR 3, 0
    PLANES 4
    PLANES 5
    PLANES 6
    NL
    PRINT "bit mask:"
    mov al, [es:0]
    GR 8, 0x0f
    mov byte [es:7], 0xff
    GR 8, 0xff
    PLANES 7
    PRINT " map mask:"
    SR 2, 0x05
    mov byte [es:8], 0x77
    SR 2, 0x0f
    PLANES 8
    NL
    PRINT "wm1 copy:"
    mov al, [es:6]              ; latch = ee dd cc bb
    GR 5, 0x01
    mov byte [es:9], 0x00
    mov al, [es:0]
    mov byte [es:10], 0x55
    PLANES 9
    PLANES 10
    NL
    PRINT "wm2:"
    GR 5, 0x02
    mov byte [es:11], 0x09
    mov al, [es:0]
    GR 5, 0x02
    GR 8, 0x3c
    mov byte [es:12], 0x06
    GR 8, 0xff
    PLANES 11
    PLANES 12
    NL
    PRINT "wm3:"
    mov al, [es:0]
    GR 5, 0x03
    GR 0, 0x0a
    mov byte [es:13], 0xf0
    mov al, [es:0]
    GR 5, 0x03
    GR 3, 0x02                  ; rotate 2: 0x0f -> 0xc3
    mov byte [es:14], 0x0f
    GR 3, 0
    GR 0, 0
    PLANES 13
    PLANES 14
    NL
    PRINT "read mode 1:"
    mov bx, 0xccf0
    mov cx, 0x00aa
    mov si, 16
    call set_planes
    GR 5, 0x08
    GR 2, 0x05
    GR 7, 0x0f
    mov al, [es:16]
    P8
    GR 2, 0x03
    mov al, [es:16]
    P8
    GR 7, 0x05                  ; only planes 0 and 2 compared
    mov al, [es:16]
    P8
    GR 7, 0x00
    mov al, [es:16]
    P8
    GR 2, 0x0f
    GR 7, 0x0f
    mov al, [es:0]
    P8
    GR 5, 0
    GR 2, 0
    NL
    PRINT "latch from rm1:"
    GR 5, 0x08
    mov al, [es:16]             ; a read-mode-1 read also loads the latch
    GR 5, 0x01
    mov byte [es:17], 0
    PLANES 17
    NL

    ; ---- odd/even (GR5 bit 4): even bytes to planes 0/2, odd to 1/3, at 0xb8000 (map 3) ----
    PRINT "odd/even:"
    xor bx, bx
    xor cx, cx
    mov si, 0x40                ; cleared for the chain-4 test
    call set_planes
    mov si, 0x41
    call set_planes
    mov si, 0x80                ; odd/even bytes 0x100-0x103 land in dwords 0x80-0x81
    call set_planes
    mov si, 0x81
    call set_planes
    GR 6, 0x0e
    GR 5, 0x10
    SR 4, 0x02
    mov ax, 0xb800
    mov es, ax
    IDXW 0x3ce, 4, 0            ; planes 0/1
    mov word [es:0x100], 0x0741
    mov word [es:0x102], 0x1f42
    IDXW 0x3ce, 4, 2            ; planes 2/3
    mov word [es:0x100], 0x3c43
    IDXW 0x3ce, 4, 0
    mov ax, [es:0x100]
    P16
    mov ax, [es:0x102]
    P16
    IDXW 0x3ce, 4, 2
    mov ax, [es:0x100]
    P16
    IDXW 0x3ce, 4, 0
    SR 2, 0x01                  ; odd bytes masked out
    mov word [es:0x102], 0x6666
    SR 2, 0x0f
    mov ax, [es:0x102]
    P16
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0]              ; outside map 3
    P8
    GR 6, 0x05
    mov ax, 0xa000
    mov es, ax
    PRINT " planar"
    PLANES 0x80
    PLANES 0x81
    NL

    ; ---- chain-4 (SR4 bit 3, all planes): vram mapped at the window as RAM ----
    PRINT "chain4:"
    SR 4, 0x0e
    SR 2, 0x0f
    mov dword [es:0x100], 0x78563412
    mov eax, [es:0x100]
    PUTC ' '
    PHEX32
    mov byte [es:0x102], 0x9a
    mov al, [es:0x101]
    P8
    SR 2, 0x0e                  ; plane 0 masked: no RAM mapping, writes go through the device
    mov dword [es:0x104], 0xddccbbaa
    mov eax, [es:0x104]
    PUTC ' '
    PHEX32
    mov eax, [es:0x100]
    PUTC ' '
    PHEX32
    SR 2, 0x0f
    SR 4, 0x06
    PRINT " planar"
    PLANES 0x40
    PLANES 0x41
    NL

    ; ---- the memory map select of GR6: which window reaches vram (planar mode) ----
    PRINT "map0:"
    GR 6, 0x01                  ; 0xa0000-0xbffff
    mov ax, 0xb000
    mov es, ax
    mov bx, 0xb1b0
    mov cx, 0xb3b2
    mov si, 0x20
    call set_planes
    PLANES 0x20
    mov ax, 0xb800
    mov es, ax
    PLANES 0x20
    NL
    PRINT "map2:"
    GR 6, 0x09                  ; 0xb0000-0xb7fff
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x20]
    P8
    mov ax, 0xb000
    mov es, ax
    PLANES 0x20
    mov ax, 0xb800
    mov es, ax
    mov byte [es:0x20], 0x99    ; outside: dropped
    PLANES 0x20
    NL
    PRINT "map3:"
    GR 6, 0x0d                  ; 0xb8000-0xbffff
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x20]
    P8
    mov ax, 0xb000
    mov es, ax
    mov al, [es:0x20]
    P8
    mov ax, 0xb800
    mov es, ax
    PLANES 0x20
    NL
    PRINT "map1:"
    GR 6, 0x05
    GR 4, 0
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x20]
    P8
    mov ax, 0xb000
    mov es, ax
    mov al, [es:0x20]
    P8
    NL
    PRINT "chain4 maps:"
    SR 4, 0x0e
    GR 6, 0x09                  ; vram at 0xb0000, 32 KiB
    mov ax, 0xb000
    mov es, ax
    mov byte [es:0x30], 0x3b
    mov al, [es:0x30]
    P8
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x30]
    P8
    mov ax, 0xb800
    mov es, ax
    mov al, [es:0x30]
    P8
    GR 6, 0x01                  ; 128 KiB at 0xa0000
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x30]
    P8
    mov ax, 0xb000
    mov es, ax
    mov byte [es:0x31], 0x3c
    mov al, [es:0x31]
    P8
    GR 6, 0x0d
    mov ax, 0xb800
    mov es, ax
    mov al, [es:0x31]
    P8
    GR 6, 0x05
    mov ax, 0xa000
    mov es, ax
    mov al, [es:0x30]
    P8
    SR 4, 0x06
    NL

    ; ---- Bochs VBE ----
    PRINT "vbe id:"
    PVBE 0
    VBEW 0, 0xb0c0
    PVBE 0
    VBEW 0, 0xb0c6
    PVBE 0
    VBEW 0, 0x1234
    PVBE 0
    VBEW 0, 0xb0c5
    PVBE 0
    PRINT " mem64k"
    PVBE 0x0a
    PVBE 0x0b
    PVBE 0xffff
    NL
    PRINT "vbe caps:"
    VBEW 4, 0x02
    PVBE 1
    PVBE 2
    PVBE 3
    PVBE 4
    VBEW 4, 0x00
    PVBE 1
    PVBE 3
    NL
    PRINT "vbe off regs:"
    VBEW 1, 643
    VBEW 3, 7
    VBEW 2, 0
    VBEW 6, 5
    VBEW 7, 9
    VBEW 8, 40000
    PVBE 1
    PVBE 2
    PVBE 3
    PVBE 6
    PVBE 7
    PVBE 8
    VBEW 8, 0
    NL
    ; what enabling does to memory: the visible frame is cleared (unless NOCLEARMEM)
    mov bx, 0x5a5a
    mov cx, 0x5a5a
    mov si, 0
    call set_planes             ; vram 0-3
    mov si, 0x4000
    call set_planes             ; vram 0x10000-3
    GR 6, 0x01                  ; map 0 reaches dword 0x14000 (vram 0x50000), past the cleared frame
    mov ax, 0xb000
    mov es, ax
    call set_planes
    GR 6, 0x05
    mov ax, 0xa000
    mov es, ax
    GR 4, 0
    PRINT "vbe enable:"
    VBEW 1, 640
    VBEW 2, 480
    VBEW 3, 8
    VBEW 6, 0
    VBEW 4, 0x41
    PVBE 1
    PVBE 2
    PVBE 3
    PVBE 4
    PVBE 5
    PVBE 6
    PVBE 7
    PVBE 8
    PVBE 9
    NL
    PRINT "vbe vga regs: gr"
    PIDX 0x3ce, 5
    PIDX 0x3ce, 6
    PRINT " sr"
    PIDX 0x3c4, 2
    PIDX 0x3c4, 4
    PRINT " cr"
    PIDX 0x3d4, 0x01
    PIDX 0x3d4, 0x07
    PIDX 0x3d4, 0x09
    PIDX 0x3d4, 0x12
    PIDX 0x3d4, 0x13
    PIDX 0x3d4, 0x17
    PIDX 0x3d4, 0x18
    GR 6, 0x0c                  ; forced back to map 1
    GR 5, 0x00
    CR 0x13, 0x11
    PRINT " forced"
    PIDX 0x3ce, 5
    PIDX 0x3ce, 6
    PIDX 0x3d4, 0x13
    NL
    PRINT "vbe cleared:"
    mov al, [es:0]
    P8
    mov al, [es:1]
    P8
    VBEW 5, 1
    mov al, [es:0]
    P8
    VBEW 5, 5
    mov al, [es:0]
    P8
    NL
    PRINT "vbe fixup:"
    VBEW 3, 15
    PVBE 3
    PVBE 7
    VBEW 3, 7
    PVBE 3
    VBEW 1, 643
    PVBE 1
    VBEW 1, 0
    PVBE 1
    PVBE 6
    VBEW 1, 20000
    PVBE 1
    PVBE 2
    PVBE 6
    PVBE 7
    VBEW 2, 0
    PVBE 2
    VBEW 6, 641
    PVBE 6
    VBEW 1, 640
    VBEW 6, 640
    VBEW 2, 20000
    PVBE 2
    VBEW 2, 480
    PVBE 6
    PVBE 7
    NL
    PRINT "vbe offsets:"
    VBEW 8, 20000
    PVBE 8
    VBEW 9, 30000
    PVBE 9
    VBEW 3, 32
    PVBE 8
    PVBE 9
    PVBE 7
    VBEW 9, 6000
    PVBE 9
    VBEW 8, 0
    VBEW 9, 0
    VBEW 3, 8
    NL
    PRINT "vbe banks:"
    VBEW 5, 1
    mov byte [es:0], 0xb1
    mov byte [es:0xffff], 0xb2
    VBEW 5, 0
    mov byte [es:0], 0xb0
    mov al, [es:0]
    P8
    mov al, [es:0xffff]
    P8
    VBEW 5, 1
    mov al, [es:0]
    P8
    mov al, [es:0xffff]
    P8
    VBEW 5, 0x1ff
    PVBE 5
    mov byte [es:0x10], 0xff
    mov al, [es:0x10]
    P8
    VBEW 5, 0x100
    PVBE 5
    mov al, [es:0]
    P8
    mov ax, 0xb000
    mov es, ax
    mov al, [es:0]              ; outside the 64 KiB bank window
    P8
    mov ax, 0xa000
    mov es, ax
    NL
    PRINT "vbe re-enable:"
    VBEW 5, 1
    VBEW 4, 0x41                ; enabling while enabled: bank window back to 0
    PVBE 5
    mov al, [es:0]
    P8
    VBEW 5, 1
    mov al, [es:0]
    P8
    NL
    PRINT "vbe noclear:"
    VBEW 4, 0x00
    VBEW 5, 0
    mov al, [es:0]
    P8                          ; VBE off, GR6 still map 1, planar read of vram dword 0
    VBEW 4, 0xc1
    mov al, [es:0]
    P8
    VBEW 4, 0x00
    PRINT " gr"
    PIDX 0x3ce, 5
    PIDX 0x3ce, 6
    NL
    PRINT "vbe 4bpp:"
    VBEW 3, 4
    VBEW 4, 0x81
    PIDX 0x3ce, 5
    PVBE 7
    mov byte [es:2], 0x42
    mov al, [es:2]
    P8
    VBEW 4, 0x00
    PLANES 0
    NL

    PRINTLN "vga: done"
    EXIT 0

dac_bytes: db 0x01, 0x02, 0x03, 0x44, 0x55, 0x66, 0xff

ROM_END start
