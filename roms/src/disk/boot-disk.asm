; boot-disk: a two-stage boot program SeaBIOS loads from a hard disk or an El Torito CD (no emulation); it reads sectors through int 13h by CHS (AH=02) and EDD (AH=41/42/43/48), checks their contents and prints what it found on debugcon.
; Every sector of the image around it (test/devices/ide/disk-images.ts) past the program holds its own number:
; dword 0 = the LBA, byte i = (LBA + i) & 0xff, for 512-byte disk sectors and 2048-byte CD sectors alike.
; Stage 1 (the boot sector) loads stage 2 by CHS; a CD's boot image (8 virtual sectors) arrives whole.
bits 16
org 0x7c00

STAGE2_SECTORS equ 7
BUF equ 0x9000                  ; sector buffer (up to 4 CD sectors)
DAP equ 0x600                   ; EDD disk address packet
PARAMS equ 0x640                ; AH=48 result buffer

stage1:
    jmp 0:stage1_go
stage1_go:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    cld
    mov [drive], dl
    cmp dl, 0xe0
    jae stage2                  ; a CD's boot image is loaded whole
    mov ax, 0x0200 | STAGE2_SECTORS
    mov cx, 0x0002              ; cylinder 0, sector 2
    xor dh, dh                  ; head 0
    mov bx, 0x7e00
    int 0x13
    jnc stage2
    mov al, 'E'
    out 0xe9, al
    mov al, 0x7f
    out 0xf4, al
    hlt

drive: db 0
    times 510-($-$$) db 0
    dw 0xaa55

stage2:
    jmp main
%include "lib/debugcon.inc"

heads: dw 0
spt: dw 0
secsize: dw 512
total: dd 0

; check: EAX = LBA of the first sector at BUF, CX = count, [secsize] bytes each. Prints "ok" or
; "BAD at LBA n".
check:
    pushad
    mov si, BUF
.next:
    cmp [si], eax
    jne .bad
    mov bl, al
    add bl, 100
    cmp [si + 100], bl
    jne .bad
    mov bx, [secsize]
    mov dl, al
    add dl, bl
    dec dl
    cmp [si + bx - 1], dl
    jne .bad
    add si, [secsize]
    inc eax
    loop .next
    PRINTLN " ok"
    popad
    ret
.bad:
    PRINT " BAD at LBA "
    PHEX32
    NL
    popad
    ret

; fill: the pattern of LBA EAX into one sector at BUF.
fill:
    pushad
    mov [BUF], eax
    mov di, BUF + 4
    mov cx, [secsize]
    sub cx, 4
    add al, 4
.loop:
    stosb
    inc al
    loop .loop
    popad
    ret

; edd_rw: AH=42h/43h (in AH) of CX sectors at LBA EBX into/from BUF; CF and AH as the BIOS left them.
edd_rw:
    mov word [DAP], 0x0010
    mov [DAP + 2], cx
    mov word [DAP + 4], BUF
    mov word [DAP + 6], 0
    mov [DAP + 8], ebx
    mov dword [DAP + 12], 0
    mov al, 0
    mov dl, [drive]
    mov si, DAP
    int 0x13
    ret

main:
    PRINT "boot: drive "
    PHEX8 [drive]
    NL
    cmp byte [drive], 0xe0
    jb .chs
    mov word [secsize], 2048
    jmp .edd

.chs:
    ; Geometry the BIOS reports (from the drive's IDENTIFY and the CMOS translation).
    mov ah, 0x08
    mov dl, [drive]
    xor di, di
    push es
    int 0x13                    ; a floppy's parameter table comes back in ES:DI
    pop es
    jnc .geo
    PRINT "int13/08: error "
    PHEX8 ah
    NL
    jmp .edd
.geo:
    movzx ax, dh
    inc ax
    mov [heads], ax
    movzx ax, cl
    and al, 0x3f
    mov [spt], ax
    mov al, cl
    shr al, 6
    mov ah, al
    mov al, ch
    PRINT "int13/08: cylinders "
    inc ax
    PDEC16
    PRINT " heads "
    PDEC16 [heads]
    PRINT " sectors "
    PDEC16 [spt]
    PRINT " drives "
    movzx ax, dl
    PDEC16
    NL
    ; CHS read of 3 sectors at cylinder 1, the last head, sector 3.
    mov dh, [heads]
    dec dh
    mov ax, 0x0203
    mov cx, 0x0103
    mov dl, [drive]
    mov bx, BUF
    int 0x13
    PRINT "int13/02 c1 h"
    PDEC16 [heads]
    PRINT "-1 s3 x3: "
    jnc .chsok
    PRINT "error "
    PHEX8 ah
    NL
    jmp .edd
.chsok:
    PRINT "al="
    PHEX8
    ; LBA = (1 * heads + heads - 1) * spt + 2
    movzx eax, word [heads]
    add eax, eax
    dec eax
    movzx ebx, word [spt]
    mul ebx
    add eax, 2
    mov cx, 3
    call check

.edd:
    mov ah, 0x41
    mov bx, 0x55aa
    mov dl, [drive]
    int 0x13
    PRINT "int13/41: "
    jnc .eddok
    PRINT "error "
    PHEX8 ah
    NL
    jmp .done
.eddok:
    PRINT "bx="
    PHEX16 bx
    PRINT " version="
    PHEX8 ah
    PRINT " support="
    PHEX16 cx
    NL
    ; Extended parameters.
    mov word [PARAMS], 0x1e
    mov ah, 0x48
    mov dl, [drive]
    mov si, PARAMS
    int 0x13
    PRINT "int13/48: "
    jnc .paramsok
    PRINT "error "
    PHEX8 ah
    NL
    jmp .read
.paramsok:
    PRINT "size="
    PHEX16 [PARAMS]
    PRINT " flags="
    PHEX16 [PARAMS + 2]
    PRINT " cyl="
    PHEX32 [PARAMS + 4]
    PRINT " heads="
    PHEX32 [PARAMS + 8]
    PRINT " spt="
    PHEX32 [PARAMS + 12]
    PRINT " total="
    PHEX32 [PARAMS + 20]
    PHEX32 [PARAMS + 16]
    PRINT " bps="
    PHEX16 [PARAMS + 24]
    NL
    mov eax, [PARAMS + 16]
    mov [total], eax
.read:
    ; Extended read of 4 sectors far from the start.
    mov eax, 100
    cmp byte [drive], 0xe0
    jae .lba
    mov eax, 1000
.lba:
    mov cx, 4
    mov ebx, eax
    mov ah, 0x42
    call edd_rw
    mov eax, ebx
    PRINT "int13/42 lba "
    PHEX32
    PRINT " x4: "
    jnc .readok
    PRINT "error "
    PHEX8 ah
    NL
    jmp .done
.readok:
    call check
    cmp byte [drive], 0xe0
    jae .end
    ; Extended write, then read back: LBA 2000 gets the pattern of LBA 0x12345.
    mov eax, 0x12345
    call fill
    mov ebx, 2000
    mov cx, 1
    mov ah, 0x43
    call edd_rw
    PRINT "int13/43 lba 2000: "
    jnc .wrok
    PRINT "error "
    PHEX8 ah
    NL
    jmp .end
.wrok:
    mov dword [BUF], 0
    mov ebx, 2000
    mov cx, 1
    mov ah, 0x42
    call edd_rw
    PRINT "read back"
    mov eax, 0x12345
    mov cx, 1
    call check
.end:
    ; A read past the end of the medium fails.
    mov ebx, [total]
    mov cx, 1
    mov ah, 0x42
    call edd_rw
    PRINT "int13/42 past the end: "
    jc .eok
    PRINTLN "no error"
    jmp .done
.eok:
    PRINT "error "
    PHEX8 ah
    NL
.done:
    PRINTLN "boot-disk: done"
    mov al, 0x10
    out DEBUGEXIT_PORT, al
    cli
    hlt

    times (1 + STAGE2_SECTORS) * 512 - ($ - $$) db 0
