; ide-dma: the PIIX3 IDE primary master on its own (no BIOS): IDENTIFY words and model, READ SECTORS in CHS/LBA28/LBA48, MULTIPLE, a bus-master READ DMA over a routine that already ran (its translation must go), DMA into VGA memory (a bounce buffer), WRITE DMA read back by PIO, and aborted commands.
; ARGS: -drive file=roms/disk/ide-disk.bin,format=raw,if=ide,snapshot=on
bits 16
org 0
%include "lib/debugcon.inc"

BMBASE  equ 0xc000              ; where the ROM puts BAR4 (bus-master registers)
PRD     equ 0x8000              ; the PRD table
BUF     equ 0x9000              ; PIO buffer
CODE_SEG equ 0x1000             ; the routine at 0x10000
PCI_IDE equ 0x80000900          ; config address of 00:01.1

%macro PCIW 2                   ; config register %1 (dword aligned) = %2
    mov eax, PCI_IDE | %1
    mov dx, 0xcf8
    out dx, eax
    mov eax, %2
    mov dx, 0xcfc
    out dx, eax
%endmacro

%macro OUTB 2
    mov dx, %1
    mov al, %2
    out dx, al
%endmacro

start:
    INIT16
    PCIW 0x20, BMBASE | 1
    PCIW 0x04, 0x05             ; I/O decode and bus master
    ; A routine in RAM, `print 'A'; retf`, run twice.
    mov ax, CODE_SEG
    mov es, ax
    xor di, di
    mov si, routine
    mov cx, routine_end - routine
    cs rep movsb
    xor ax, ax
    mov es, ax
    PRINT "routine: "
    call CODE_SEG:0
    call CODE_SEG:0
    NL

    ; IDENTIFY DEVICE.
    call wait_ready
    OUTB 0x1f6, 0xa0
    OUTB 0x1f7, 0xec
    call wait_drq
    call read_sector
    PRINT "identify:"
    mov si, BUF
    mov bx, words
.word:
    mov al, [cs:bx]
    cmp al, 0xff
    je .model
    movzx di, al
    add di, di
    SPACE
    PHEX16 [BUF + di]
    inc bx
    jmp .word
.model:
    PRINT " model '"
    mov si, BUF + 54
    mov cx, 20
.m:
    mov al, [si + 1]
    out 0xe9, al
    mov al, [si]
    out 0xe9, al
    add si, 2
    loop .m
    PRINTLN "'"

    ; READ SECTORS, CHS cylinder 0 head 0 sector 3 (LBA 2).
    OUTB 0x1f6, 0xa0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 3
    OUTB 0x1f4, 0
    OUTB 0x1f5, 0
    OUTB 0x1f7, 0x20
    PRINT "chs 0/0/3:"
    call show_read
    ; READ SECTORS, LBA28 5, two sectors: the registers advance.
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 2
    OUTB 0x1f3, 5
    OUTB 0x1f7, 0x20
    PRINT "lba28 5 x2:"
    call show_read
    call show_read
    call show_taskfile
    ; READ SECTORS EXT, LBA48 7 (high bytes written first).
    OUTB 0x1f6, 0x40
    OUTB 0x1f2, 0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 0
    OUTB 0x1f3, 7
    OUTB 0x1f4, 0
    OUTB 0x1f4, 0
    OUTB 0x1f5, 0
    OUTB 0x1f5, 0
    OUTB 0x1f7, 0x24
    PRINT "lba48 7:"
    call show_read
    ; SET MULTIPLE 4 then READ MULTIPLE of 4 sectors at LBA 9 (one DRQ block of 2048 bytes).
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 4
    OUTB 0x1f7, 0xc6
    call wait_ready
    PRINT "set multiple: status "
    mov dx, 0x1f7
    in al, dx
    PHEX8
    NL
    OUTB 0x1f2, 4
    OUTB 0x1f3, 9
    OUTB 0x1f7, 0xc4
    call wait_drq
    mov dx, 0x1f0
    mov cx, 1024
    mov di, BUF
    rep insw
    PRINT "read multiple 9 x4: "
    PHEX8 [BUF + 4]
    PHEX8 [BUF + 512 + 4]
    PHEX8 [BUF + 1024 + 4]
    PHEX8 [BUF + 1536 + 4]
    call show_taskfile

    ; READ DMA of LBA 8 (code) over the routine that already ran.
    mov dword [PRD], 0x10000
    mov dword [PRD + 4], 0x80000200
    call dma_read_lba8
    PRINT "routine after DMA: "
    call CODE_SEG:0
    NL

    ; READ DMA into the VGA text window (MMIO: bounce-buffered), then read it back.
    mov dword [PRD], 0xb8000
    call dma_read_lba8
    mov ax, 0xb800
    mov es, ax
    PRINT "vga after DMA: "
    PHEX32 [es:0]
    xor ax, ax
    mov es, ax
    NL

    ; WRITE DMA of a buffer to LBA 12, then READ SECTORS to check it.
    mov dword [0xa000], 0x11223344
    mov dword [0xa000 + 508], 0x55667788
    mov dword [PRD], 0xa000
    OUTB BMBASE, 0              ; direction: memory to disk
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 12
    OUTB 0x1f4, 0
    OUTB 0x1f5, 0
    OUTB 0x1f7, 0xca
    mov eax, PRD
    mov dx, BMBASE + 4
    out dx, eax
    OUTB BMBASE, 0x01
    call wait_bm
    OUTB BMBASE, 0
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 12
    OUTB 0x1f7, 0x20
    call wait_drq
    call read_sector
    PRINT "write dma 12, read back: "
    PHEX32 [BUF]
    SPACE
    PHEX32 [BUF + 508]
    NL

    ; An unknown command and a read past the end abort (ERR, ABRT).
    OUTB 0x1f7, 0x01
    PRINT "command 01: "
    call show_status
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 16
    OUTB 0x1f7, 0x20
    PRINT "read lba 16 (past the end): "
    call show_status
    ; Device diagnostic and the signature.
    OUTB 0x1f7, 0x90
    PRINT "diagnostic: "
    call show_status
    call show_taskfile
    PRINTLN "ide-dma: done"
    EXIT 0

; READ DMA of LBA 8 through the PRD table at PRD; prints the engine and drive status.
dma_read_lba8:
    OUTB 0x1f6, 0xe0
    OUTB 0x1f2, 1
    OUTB 0x1f3, 8
    OUTB 0x1f4, 0
    OUTB 0x1f5, 0
    OUTB 0x1f7, 0xc8
    mov eax, PRD
    mov dx, BMBASE + 4
    out dx, eax
    OUTB BMBASE, 0x09           ; start, disk to memory
    call wait_bm
    OUTB BMBASE, 0x08
    ret

; Wait for the engine's interrupt bit and for it to stop (QEMU clears ACTIVE just after raising
; the interrupt, from another thread); print bus-master and drive status, then clear INT.
wait_bm:
    mov dx, BMBASE + 2
.w:
    in al, dx
    and al, 0x05
    cmp al, 0x04
    jne .w
    in al, dx
    PRINT "dma: bm status "
    PHEX8
    PRINT " status "
    mov dx, 0x1f7
    in al, dx
    PHEX8
    NL
    OUTB BMBASE + 2, 0x04
    ret

wait_ready:
    mov dx, 0x1f7
.w:
    in al, dx
    test al, 0x80
    jnz .w
    ret

wait_drq:
    mov dx, 0x1f7
.w:
    in al, dx
    test al, 0x80
    jnz .w
    test al, 0x09
    jz .w
    ret

read_sector:
    mov dx, 0x1f0
    mov cx, 256
    mov di, BUF
    rep insw
    ret

; One DRQ block: status, then the sector's marker and number.
show_read:
    call wait_drq
    SPACE
    PHEX8
    call read_sector
    PUTC ':'
    mov al, [BUF]
    out 0xe9, al
    mov al, [BUF + 1]
    out 0xe9, al
    PHEX8 [BUF + 4]
    ret

show_status:
    call wait_ready
    PRINT "status "
    mov dx, 0x1f7
    in al, dx
    PHEX8
    PRINT " error "
    mov dx, 0x1f1
    in al, dx
    PHEX8
    NL
    ret

; Sector count, sector, cylinder low/high and device registers.
show_taskfile:
    PRINT " taskfile"
    mov dx, 0x1f2
.r:
    in al, dx
    SPACE
    PHEX8
    inc dx
    cmp dx, 0x1f7
    jne .r
    NL
    ret

; IDENTIFY words printed, 0xff ends the list.
words: db 0, 1, 3, 6, 20, 21, 22, 47, 48, 49, 53, 54, 55, 56, 57, 58, 59, 60, 61, 80, 81, 82, 83, 84, 85, 86, 87, 88, 93, 100, 101, 106, 0xff

routine:
    mov al, 'A'
    out 0xe9, al
    retf
routine_end:

%include "lib/reset.inc"
ROM_END start
