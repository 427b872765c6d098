; testdev: QEMU's kvm-unit-tests devices: pc-testdev's scratch register (0xe0 any width, 0xe8 byte-wise, shared), flush port, IRQ-line ports (the 8259 IRR follows them) and 64 KiB iomem at 0xff000000; pci-testdev found by PCI scan, its BARs sized and mapped, and all six MMIO/port tests selected, their headers read and 16 writes counted (or taken by the eventfd).
; ARGS: -nodefaults -device pc-testdev -device pci-testdev
%include "lib/pm.inc"

PCI_DEVFN   equ SCRATCH         ; devfn of the pci-testdev
MMIO_BASE   equ 0xe0000000
PIO_BASE    equ 0xc000

; PCICFG reg: EAX = 0x80000000 | devfn << 8 | reg, for port 0xcf8
%macro PCIADDR 1
    mov eax, [PCI_DEVFN]
    shl eax, 8
    or eax, 0x80000000 | (%1)
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
%endmacro

main32:
    PRINTLN "testdev: start"
    ; ---- pc-testdev: the scratch register ----
    mov eax, 0x12345678
    out 0xe0, eax
    in al, 0xe1
    PRINT "e1="
    PHEX8
    in ax, 0xe2
    PRINT " e2="
    PHEX16
    mov al, 0xab
    out 0xe3, al
    in eax, 0xe0
    PRINT " e0="
    PHEX32
    mov eax, 0xcafebabe
    out 0xe8, eax               ; the byte-wise window writes the same register
    in eax, 0xe0
    PRINT " e8->e0="
    PHEX32
    in ax, 0xea
    PRINT " ea="
    PHEX16
    mov eax, 0x1000
    out 0xe4, eax               ; flush a page: nothing visible under TCG
    in eax, 0xe4
    PRINT " e4="
    PHEX32
    NL
    ; ---- pc-testdev: iomem ----
    mov dword [0xff000010], 0x11223344
    mov al, [0xff000011]
    PRINT "iomem: +11="
    PHEX8
    mov word [0xff00fffe], 0xbeef
    mov ax, [0xff00fffe]
    PRINT " +fffe="
    PHEX16
    PRINT " +100="
    PHEX32 [0xff000100]
    PRINT " +10="
    PHEX32 [0xff000010]
    NL
    ; ---- pc-testdev: IRQ lines, seen in the 8259's IRR (ICW: masters as after reset) ----
    mov dx, 0x2005
    mov al, 1
    out dx, al                  ; raise ISA IRQ 5
    mov al, 0x0a
    out 0x20, al                ; OCW3: read IRR
    in al, 0x20
    PRINT "irq5 up: irr="
    PHEX8
    mov dx, 0x2005
    xor al, al
    out dx, al                  ; lower it
    in al, 0x20
    PRINT " down: irr="
    PHEX8
    mov dx, 0x2005
    in al, dx
    PRINT " port="
    PHEX8
    NL
    ; ---- pci-testdev: find it ----
    mov dword [PCI_DEVFN], 0
.scan:
    PCIADDR 0
    in eax, dx
    cmp eax, 0x00051b36
    je .found
    add dword [PCI_DEVFN], 8
    cmp dword [PCI_DEVFN], 256
    jb .scan
    PRINTLN "pci-testdev: not found"
    EXIT 1
.found:
    PRINT "pci-testdev: devfn="
    PHEX8 [PCI_DEVFN]
    PCIADDR 8
    in eax, dx
    PRINT " class/rev="
    PHEX32
    PCIADDR 0x3c
    in eax, dx
    PRINT " 3c="
    PHEX32
    PCIADDR 0x2c
    in eax, dx
    PRINT " subsys="
    PHEX32
    NL
    ; BAR sizes, then the addresses
    PCIADDR 0x10
    mov eax, 0xffffffff
    out dx, eax
    in eax, dx
    PRINT "bar0 mask="
    PHEX32
    mov eax, MMIO_BASE
    out dx, eax
    PCIADDR 0x14
    mov eax, 0xffffffff
    out dx, eax
    in eax, dx
    PRINT " bar1 mask="
    PHEX32
    mov eax, PIO_BASE
    out dx, eax
    PCIADDR 0x18
    mov eax, 0xffffffff
    out dx, eax
    in eax, dx
    PRINT " bar2 mask="
    PHEX32
    NL
    PCIADDR 4
    mov ax, 3                   ; I/O and memory decoding on
    out dx, ax
    ; ---- the six tests: MMIO 0-2, port 0-2 (and 3, which selects none) ----
    xor esi, esi
.mmio_test:
    mov eax, esi
    mov [MMIO_BASE], al
    PRINT "mmio "
    mov ebx, MMIO_BASE
    call header_mmio
    cmp esi, 3
    je .mmio_done
    ; 16 writes of the test's data byte at its offset
    movzx ecx, byte [MMIO_BASE + 8]
    mov edx, [MMIO_BASE + 4]
    mov edi, 16
.mw:
    mov [MMIO_BASE + edx], cl
    dec edi
    jnz .mw
    mov byte [MMIO_BASE + edx + 1], cl   ; beside the offset: never counted
    PRINT " count="
    PHEX32 [MMIO_BASE + 12]
    NL
    inc esi
    jmp .mmio_test
.mmio_done:
    NL
    xor esi, esi
.pio_test:
    mov eax, esi
    mov dx, PIO_BASE
    out dx, al
    PRINT "pio "
    call header_pio
    cmp esi, 3
    je .pio_done
    mov dx, PIO_BASE + 8
    in al, dx
    mov cl, al
    mov dx, PIO_BASE + 4
    in eax, dx
    lea edx, [eax + PIO_BASE]
    mov edi, 16
.pw:
    mov al, cl
    out dx, al
    dec edi
    jnz .pw
    mov al, cl
    xor al, 0xff                ; wrong data: counted only by tests that do not match data
    out dx, al
    mov dx, PIO_BASE + 12
    in eax, dx
    PRINT " count="
    PHEX32
    NL
    inc esi
    jmp .pio_test
.pio_done:
    NL
    PRINTLN "testdev: done"
    EXIT 0

; header_mmio: print test, width, offset, data and name of the header at EBX
header_mmio:
    PHEX8 [ebx]
    SPACE
    PHEX8 [ebx + 1]
    SPACE
    PHEX32 [ebx + 4]
    SPACE
    PHEX8 [ebx + 8]
    SPACE
    lea edi, [ebx + 16]
.name:
    mov al, [edi]
    test al, al
    jz .end
    out 0xe9, al
    inc edi
    cmp edi, MMIO_BASE + 64
    jb .name
.end:
    ret

; header_pio: the same through the I/O BAR
header_pio:
    mov dx, PIO_BASE
    in al, dx
    PHEX8
    SPACE
    mov dx, PIO_BASE + 1
    in al, dx
    PHEX8
    SPACE
    mov dx, PIO_BASE + 4
    in eax, dx
    PHEX32
    SPACE
    mov dx, PIO_BASE + 8
    in al, dx
    PHEX8
    SPACE
    mov dx, PIO_BASE + 16
.name:
    in al, dx
    test al, al
    jz .end
    out 0xe9, al
    inc dx
    cmp dx, PIO_BASE + 64
    jb .name
.end:
    ret

ROM_END start
