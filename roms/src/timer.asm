; timer: 8259A pair init (ICW1-4, IMR/ISR/IRR), 8254 PIT channel 0 in modes 2 and 3 driving IRQ0, RTC/CMOS registers, NMI-mask bit, RTC periodic interrupt on IRQ8 via the slave PIC.
; Prints only deterministic facts: counts reached, register values without timing-dependent bits.
%include "lib/pm.inc"

IRQ0_COUNT  equ SCRATCH
IRQ8_COUNT  equ SCRATCH + 4
ISR_IN_IRQ0 equ SCRATCH + 8     ; ISR seen inside the first IRQ0 handler
RTC_C_SEEN  equ SCRATCH + 12    ; RTC register C read in the first IRQ8 handler
EOI_CMD     equ SCRATCH + 16    ; EOI command the IRQ0 handler sends (0x20 or 0x60)
N_IRQ       equ 5

; CMOS_READ reg: AL = CMOS register reg (NMI stays masked: bit 7 of the index)
%macro CMOS_READ 1
    mov al, 0x80 | (%1)
    out 0x70, al
    in al, 0x71
%endmacro
%macro CMOS_WRITE 2
    mov al, 0x80 | (%1)
    out 0x70, al
    mov al, %2
    out 0x71, al
%endmacro

main32:
    PRINTLN "timer: start"
    ; QEMU's CPU has a local APIC whose LINT0 is masked after reset, which keeps the 8259's
    ; INTR from the CPU; do what a PC BIOS does: software-enable the APIC, LINT0 = ExtINT,
    ; LINT1 = NMI. (On a machine without an APIC these writes hit nothing.)
    mov dword [0xFEE000F0], 0x1FF       ; spurious vector register: enable, vector 0xFF
    mov dword [0xFEE00350], 0x700       ; LVT LINT0: ExtINT, unmasked
    mov dword [0xFEE00360], 0x400       ; LVT LINT1: NMI
    ; ---- 8259A: ICW1..ICW4, vectors 0x20 / 0x28, slave on IRQ2 ----
    mov al, 0x11                        ; ICW1: edge, cascade, ICW4 needed
    out 0x20, al
    out 0xA0, al
    mov al, 0x20                        ; ICW2: vector bases
    out 0x21, al
    mov al, 0x28
    out 0xA1, al
    mov al, 0x04                        ; ICW3: slave on IR2 / slave id 2
    out 0x21, al
    mov al, 0x02
    out 0xA1, al
    mov al, 0x01                        ; ICW4: 8086 mode, normal EOI
    out 0x21, al
    out 0xA1, al
    mov al, 0xFF                        ; OCW1: everything masked for now
    out 0x21, al
    out 0xA1, al
    in al, 0x21
    PRINT "pic: imr master="
    PHEX8
    in al, 0xA1
    PRINT " slave="
    PHEX8
    mov al, 0x0B                        ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    PRINT " isr="
    PHEX8
    NL
    mov al, 0xFE                        ; unmask IRQ0 only
    out 0x21, al
    in al, 0x21
    PRINT "pic: imr after unmasking irq0="
    PHEX8
    NL
    SETGATE 0x20, irq0_handler, SEL_CODE32, GATE_INT32
    SETGATE 0x28, irq8_handler, SEL_CODE32, GATE_INT32

    ; ---- PIT channel 0, mode 2 (rate generator), ~1 kHz ----
    mov al, 0x34                        ; ch0, lobyte/hibyte, mode 2, binary
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al
    call pit_status
    mov dword [EOI_CMD], 0x20           ; non-specific EOI
    call wait_irq0
    PRINTLN "irq0 x5 ok (pit mode 2, non-specific eoi)"

    ; ---- mode 3 (square wave), ~500 Hz, specific EOI ----
    mov al, 0x36
    out 0x43, al
    mov ax, 2386
    out 0x40, al
    mov al, ah
    out 0x40, al
    call pit_status
    mov dword [EOI_CMD], 0x60           ; specific EOI for IR0
    call wait_irq0
    PRINTLN "irq0 x5 ok (pit mode 3, specific eoi)"
    PRINT "pic: isr inside the irq0 handler="
    PHEX8 [ISR_IN_IRQ0]
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    PRINT ", after eoi="
    PHEX8
    NL

    ; ---- a masked IRQ is latched in IRR but not delivered until unmasked ----
    mov al, 0xFF
    out 0x21, al
    mov dword [IRQ0_COUNT], 0
    mov al, 0x0A                        ; OCW3: read IRR
    out 0x20, al
    sti
.poll_irr:
    in al, 0x20
    test al, 1
    jz .poll_irr
    PRINT "masked irq0: irr bit set, handler runs seen="
    PHEX8 [IRQ0_COUNT]
    mov al, 0xFE
    out 0x21, al                        ; unmask: the pending request is delivered now
.spin:
    cmp dword [IRQ0_COUNT], 0
    je .spin
    cli
    PRINTLN ", delivered after unmask"
    mov al, 0xFF                        ; stop IRQ0 for the RTC part
    out 0x21, al

    ; ---- RTC / CMOS ----
    CMOS_READ 0x0A
    and al, 0x7F                        ; bit 7 (update in progress) depends on the time
    PRINT "rtc: reg a="
    PHEX8
    CMOS_READ 0x0B
    PRINT " reg b="
    PHEX8
    CMOS_READ 0x0D
    PRINT " reg d="
    PHEX8
    NL
    mov al, 0x0B                        ; NMI enabled (bit 7 clear) selects the same register
    out 0x70, al
    in al, 0x71
    PRINT "rtc: reg b via index 0b (nmi on)="
    PHEX8
    mov al, 0x8B
    out 0x70, al
    in al, 0x71
    PRINT " via 8b (nmi masked)="
    PHEX8
    NL
    CMOS_WRITE 0x40, 0x5A               ; plain CMOS RAM byte
    CMOS_READ 0x40
    PRINT "cmos: ram byte 40 after writing 5a="
    PHEX8
    CMOS_WRITE 0x40, 0xA5
    CMOS_READ 0x40
    PRINT ", after a5="
    PHEX8
    NL

    ; ---- RTC periodic interrupt (1024 Hz) on IRQ8 ----
    CMOS_WRITE 0x0A, 0x26               ; 32.768 kHz divider, rate 6 = 1024 Hz
    CMOS_READ 0x0C                      ; clear pending flags
    CMOS_READ 0x0B
    or al, 0x40                         ; PIE
    mov bl, al
    mov al, 0x8B
    out 0x70, al
    mov al, bl
    out 0x71, al
    mov al, 0xFB                        ; master: cascade (IR2) only
    out 0x21, al
    mov al, 0xFE                        ; slave: IRQ8 only
    out 0xA1, al
    mov dword [IRQ8_COUNT], 0
.wait8:
    sti
    hlt
    cli
    cmp dword [IRQ8_COUNT], N_IRQ
    jb .wait8
    PRINT "irq8 x5 ok (rtc periodic), reg c irqf|pf in handler="
    PHEX8 [RTC_C_SEEN]
    NL
    CMOS_READ 0x0B
    and al, ~0x40
    mov bl, al
    mov al, 0x8B
    out 0x70, al
    mov al, bl
    out 0x71, al
    mov al, 0xFF
    out 0x21, al
    out 0xA1, al
    PRINTLN "timer done"
    EXIT 0

; pit_status: read-back command latching channel 0 status; prints it without OUT and NULL COUNT.
pit_status:
    mov al, 0xE2                        ; read-back: status only, channel 0
    out 0x43, al
    in al, 0x40
    and al, 0x3F
    PRINT "pit: ch0 status (rw/mode/bcd)="
    PHEX8
    NL
    ret

; wait_irq0: counts N_IRQ timer interrupts with HLT.
wait_irq0:
    mov dword [IRQ0_COUNT], 0
    mov al, 0xFE
    out 0x21, al
.wait:
    sti
    hlt
    cli
    cmp dword [IRQ0_COUNT], N_IRQ
    jb .wait
    mov al, 0xFF
    out 0x21, al
    ret

irq0_handler:
    push eax
    inc dword [IRQ0_COUNT]
    mov al, 0x0B                        ; read ISR: IR0 is in service here
    out 0x20, al
    in al, 0x20
    mov [ISR_IN_IRQ0], al
    mov al, 0x0A                        ; back to reading IRR by default
    out 0x20, al
    mov eax, [EOI_CMD]
    out 0x20, al
    pop eax
    iretd

irq8_handler:
    push eax
    inc dword [IRQ8_COUNT]
    mov al, 0x8C                        ; register C: reading it acknowledges the RTC
    out 0x70, al
    in al, 0x71
    and al, 0xC0                        ; IRQF | PF (UF/AF depend on the time of day)
    mov [RTC_C_SEEN], al
    mov al, 0x20
    out 0xA0, al                        ; EOI to the slave, then to the master
    out 0x20, al
    pop eax
    iretd

ROM_END start
