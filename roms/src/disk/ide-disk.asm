; ide-disk: the 16-sector disk image roms/src/ide-dma.asm drives (no boot sector): sector n starts with "SECT", the byte n and then n repeated;
; sector 8 is code, `print 'B'; retf`, that the ROM DMA-reads over a routine that already ran.
bits 16
org 0
%assign n 0
%rep 16
  %if n = 8
    mov al, 'B'
    out 0xe9, al
    retf
    times 512 - 5 db 0x90
  %else
    db "SECT", n
    times 512 - 5 db n
  %endif
  %assign n n + 1
%endrep
