; fwcfg-dma: code modified by a device DMA write: fw_cfg's DMA interface (port 0x514) reads items into the immediate and the opcode of routines that already ran (so a translator cached them); also the traditional fw_cfg ports, the DMA register's signature, skip, reads past an item's end, and a refused write.
; Each routine runs twice before the DMA and once after; a stale translation prints the old value.
%include "lib/pm.inc"

PM_CODE  equ 0x30000            ; the routines run here (copied from the ROM)
DESC     equ 0x38000            ; DMA descriptor: be32 control, be32 length, be64 address
DMA_SINK equ 0x38100            ; where skipped bytes would go (nothing is written there)

CTL_ERROR  equ 0x01
CTL_READ   equ 0x02
CTL_SKIP   equ 0x04
CTL_SELECT equ 0x08
CTL_WRITE  equ 0x10
KEY_SIGNATURE equ 0x00
KEY_ID        equ 0x01

; DMA control, length, address: fill the descriptor (big-endian) and start it; prints the
; control word the device wrote back (0 when the transfer succeeded).
%macro DMA 3
    mov eax, %1
    bswap eax
    mov [DESC], eax
    mov eax, %2
    bswap eax
    mov [DESC + 4], eax
    mov dword [DESC + 8], 0
    mov eax, %3
    bswap eax
    mov [DESC + 12], eax
    call dma_start
%endmacro

; RUN routine: call it and print EAX.
%macro RUN 1
    call %1
    SPACE
    PHEX32
%endmacro

main32:
    PRINTLN "fwcfg-dma: start"
    PRINT "signature (ports):"
    mov dx, 0x510
    mov ax, KEY_SIGNATURE
    out dx, ax
    call read4
    SPACE
    PHEX32
    PRINT " id:"
    mov dx, 0x510
    mov ax, KEY_ID
    out dx, ax
    call read4
    SPACE
    PHEX32
    PRINT " dma register:"
    mov dx, 0x514
    in eax, dx
    SPACE
    PHEX32
    mov dx, 0x518
    in eax, dx
    SPACE
    PHEX32
    NL

    mov esi, 0xF0000 + PMRAM_FILE
    mov edi, PM_CODE
    mov ecx, pm_ram_end - pm_ram
    rep movsb

    PRINT "immediate <- signature:"
    RUN r_imm
    RUN r_imm
    DMA (KEY_SIGNATURE << 16) | CTL_SELECT | CTL_READ, 4, r_imm.i + 1
    RUN r_imm
    NL
    PRINT "immediate <- id:"
    DMA (KEY_ID << 16) | CTL_SELECT | CTL_READ, 4, r_imm.i + 1
    RUN r_imm
    RUN r_imm
    NL
    PRINT "immediate and 4 nops <- signature and 4 bytes past its end (zeros):"
    RUN r_two
    RUN r_two
    DMA (KEY_SIGNATURE << 16) | CTL_SELECT | CTL_READ, 8, r_two.i + 1
    RUN r_two
    mov eax, [r_two.z]
    SPACE
    PHEX32
    NL
    PRINT "opcode <- 'E' (skip 1, read 1), then 'M' (the next byte):"
    RUN r_op
    RUN r_op
    DMA (KEY_SIGNATURE << 16) | CTL_SELECT | CTL_SKIP, 1, DMA_SINK
    DMA CTL_READ, 1, r_op.n
    RUN r_op
    DMA CTL_READ, 1, r_op.n
    RUN r_op
    NL
    PRINT "write to the signature:"
    DMA (KEY_SIGNATURE << 16) | CTL_SELECT | CTL_WRITE, 4, DMA_SINK
    NL
    PRINTLN "fwcfg-dma: done"
    EXIT 0

; read4: EAX = the next four bytes of the selected item, first byte lowest.
read4:
    mov dx, 0x511
    xor ebx, ebx
    mov ecx, 4
.b: in al, dx
    movzx eax, al
    shl eax, 24
    shr ebx, 8
    or ebx, eax
    loop .b
    mov eax, ebx
    ret

; dma_start: write the descriptor's address to the DMA register (high half, then the low
; half, which starts the transfer; both big-endian), then print the control word.
dma_start:
    mov dx, 0x514
    xor eax, eax
    out dx, eax
    mov eax, DESC
    bswap eax
    mov dx, 0x518
    out dx, eax
    PRINT " ctl"
    mov eax, [DESC]
    bswap eax
    SPACE
    PHEX32
    ret

; ======================= routines, copied to PM_CODE =======================
PMRAM_FILE equ 0xA000
section .pmram start=PMRAM_FILE vstart=PM_CODE
bits 32
pm_ram:
r_imm:
.i: mov eax, strict dword 0x11111111
    ret
r_two:                          ; the zeros turn the nops into two add [eax], al (EAX then
.i: mov eax, strict dword 0x22222222 ; points at unassigned memory: the writes are dropped)
.z: nop
    nop
    nop
    nop
    ret
r_op:
    mov ebp, 5
.n: nop                         ; becomes inc ebp ('E') then dec ebp ('M')
    mov eax, ebp
    ret
pm_ram_end:

ROM_END start
