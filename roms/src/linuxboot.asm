; linuxboot: tcg86's option ROM for `-kernel bzImage` (fw_cfg file genroms/linuxboot_dma.bin): SeaBIOS boots its PnP BEV, which reads the setup, initrd, kernel and command line over fw_cfg DMA to where the machine placed them (the initrd moved under the top of RAM that INT 15h E801h reports, as QEMU's ROM does) and jumps to the real-mode setup at seg+0x20.
; NOGOLDEN: an option ROM that SeaBIOS runs for -kernel bzImage, not a test ROM; roms/src/lxkernel-setup.asm checks what it leaves (golden test/golden/kernels).
; Not a test ROM: an option ROM (a multiple of 512 bytes, byte sum 0; scripts/build-roms.sh sets the last byte).
bits 16
org 0

ROM_BLOCKS equ 2                 ; 1 KiB

FW_CFG_PORT_SEL  equ 0x510
FW_CFG_PORT_DATA equ 0x511
FW_CFG_DMA_HI    equ 0x514
FW_CFG_DMA_LO    equ 0x518
CTL_ERROR        equ 0x01
CTL_READ         equ 0x02
CTL_SELECT       equ 0x08

FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
FW_CFG_CMDLINE_ADDR equ 0x13
FW_CFG_CMDLINE_SIZE equ 0x14
FW_CFG_CMDLINE_DATA equ 0x15
FW_CFG_SETUP_ADDR   equ 0x16
FW_CFG_SETUP_SIZE   equ 0x17
FW_CFG_SETUP_DATA   equ 0x18

; --- the option ROM header: the init vector only returns; booting is the BEV's job ---
    db 0x55, 0xaa, ROM_BLOCKS
    retf
    times 0x18 - ($ - $$) db 0
    dw 0                        ; no PCI data structure
    dw pnp                      ; the PnP expansion header
pnp:
    db '$PnP'
    db 1                        ; revision
    db (pnp_end - pnp) / 16     ; length in 16-byte units
    dw 0                        ; no next header
    db 0, 0                     ; reserved, checksum (unchecked by SeaBIOS)
    dd 0                        ; device id
    dw manufacturer, product
    db 0, 0, 0, 0               ; device type, indicators
    dw 0, 0                     ; no BCV, no DV
    dw bev                      ; the boot entry vector
    dw 0, 0
pnp_end:
manufacturer: db 'tcg86', 0
product:      db 'Linux loader', 0

; --- the boot entry: everything is read in real mode; DMA reaches memory above 1 MiB ---
bev:
    cld
    mov ax, FW_CFG_SETUP_ADDR
    call fw_u32
    mov esi, eax                ; esi: the setup's physical address (below 1 MiB)
    mov ax, FW_CFG_SETUP_SIZE
    call fw_u32
    mov ecx, eax
    mov edi, esi
    mov ax, FW_CFG_SETUP_DATA
    call dma_read
    mov eax, esi
    shr eax, 4
    mov fs, ax                  ; fs: the setup segment, for the header fields
    ; Protocols before 2.03 have no initrd_addr_max: the boot protocol's default.
    cmp word [fs:0x206], 0x203
    jae .initrd
    mov dword [fs:0x22c], 0x37ffffff
.initrd:
    mov ax, FW_CFG_INITRD_ADDR
    call fw_u32
    mov edi, eax
    mov ax, FW_CFG_INITRD_SIZE
    call fw_u32
    mov ecx, eax
    ; The machine placed the initrd under initrd_addr_max; unless it already ends on that
    ; page, move it under the top of RAM the BIOS reports (E801h), as QEMU's linuxboot does.
    lea eax, [edi + ecx]
    and eax, -4096
    jz .load_initrd
    mov edx, [fs:0x22c]
    and edx, -4096
    jz .load_initrd
    cmp eax, edx
    je .load_initrd
    push ecx
    call e801_top
    pop ecx
    sub eax, ecx
    and eax, -4096
    mov edi, eax
    mov [fs:0x218], eax
.load_initrd:
    mov ax, FW_CFG_INITRD_DATA
    call dma_read
    mov ax, FW_CFG_KERNEL_ADDR
    call fw_u32
    mov edi, eax
    mov ax, FW_CFG_KERNEL_SIZE
    call fw_u32
    mov ecx, eax
    mov ax, FW_CFG_KERNEL_DATA
    call dma_read
    mov ax, FW_CFG_CMDLINE_ADDR
    call fw_u32
    mov edi, eax
    mov ax, FW_CFG_CMDLINE_SIZE
    call fw_u32
    mov ecx, eax
    mov ax, FW_CFG_CMDLINE_DATA
    call dma_read
    ; Enter the setup: every data segment and ss at the setup segment, the stack just under
    ; the command line, cs:ip = seg+0x20:0 (the code after the 512-byte boot sector).
    mov ebx, edi
    sub ebx, esi
    sub ebx, 16
    mov eax, esi
    shr eax, 4
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, ebx
    add ax, 0x20
    push ax
    push word 0
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor edi, edi
    xor ebp, ebp
    retf

; fw_u32: eax = the first 4 bytes of item ax, through the selector and data ports. Clobbers dx.
fw_u32:
    mov dx, FW_CFG_PORT_SEL
    out dx, ax
    mov dx, FW_CFG_PORT_DATA
    in al, dx
    ror eax, 8
    in al, dx
    ror eax, 8
    in al, dx
    ror eax, 8
    in al, dx
    ror eax, 8
    ret

; dma_read: read ecx bytes of item ax to physical address edi with one DMA descriptor (on the
; stack; its fields are big-endian) and wait until the device clears the control word.
; Clobbers eax, edx.
dma_read:
    push ebp
    push ebx
    sub sp, 16
    movzx ebp, sp
    movzx eax, ax
    shl eax, 16
    or eax, CTL_SELECT | CTL_READ
    bswap eax
    mov [bp], eax
    mov eax, ecx
    bswap eax
    mov [bp + 4], eax
    mov dword [bp + 8], 0
    mov eax, edi
    bswap eax
    mov [bp + 12], eax
    xor ebx, ebx
    mov bx, ss
    shl ebx, 4
    add ebx, ebp                ; the descriptor's physical address
    mov dx, FW_CFG_DMA_HI
    xor eax, eax
    out dx, eax
    mov eax, ebx
    bswap eax
    mov dx, FW_CFG_DMA_LO
    out dx, eax
.wait:
    mov eax, [bp]
    bswap eax
    test eax, ~CTL_ERROR
    jnz .wait
    add sp, 16
    pop ebx
    pop ebp
    ret

; e801_top: eax = the end of RAM from INT 15h AX=E801h (KiB below 16 MiB in ax/cx, 64 KiB
; blocks above it in bx/dx; a BIOS may fill either pair).
e801_top:
    push ebx
    push edx
    mov eax, 0xe801
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    int 0x15
    test cx, cx
    jnz .cxdx
    test dx, dx
    jz .pick
.cxdx:
    mov ax, cx
    mov bx, dx
.pick:
    test bx, bx
    jnz .high
    movzx eax, ax
    add eax, 1024
    shl eax, 10
    jmp .done
.high:
    movzx eax, bx
    add eax, 256
    shl eax, 16
.done:
    pop edx
    pop ebx
    ret

    times ROM_BLOCKS * 512 - 1 - ($ - $$) db 0
    db 0                        ; checksum, set by scripts/build-roms.sh
