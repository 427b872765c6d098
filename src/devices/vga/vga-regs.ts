// VGA and Bochs VBE register numbers under QEMU's names (hw/display/vga_regs.h, vga_int.h,
// include/hw/display/bochs-vbe.h), and the masks of the bits each register keeps.

// ---- I/O ports ----
export const VGA_ATT_W = 0x3c0; // attribute controller index/data write
export const VGA_ATT_R = 0x3c1; // attribute controller data read
export const VGA_MIS_W = 0x3c2; // misc output write (input status 0 on read)
export const VGA_SEQ_I = 0x3c4;
export const VGA_SEQ_D = 0x3c5;
export const VGA_PEL_MSK = 0x3c6;
export const VGA_PEL_IR = 0x3c7; // DAC read index (DAC state on read)
export const VGA_PEL_IW = 0x3c8; // DAC write index
export const VGA_PEL_D = 0x3c9;
export const VGA_FTC_R = 0x3ca; // feature control read
export const VGA_MIS_R = 0x3cc; // misc output read
export const VGA_GFX_I = 0x3ce;
export const VGA_GFX_D = 0x3cf;
export const VGA_CRT_IM = 0x3b4; // CRTC index, monochrome
export const VGA_CRT_DM = 0x3b5;
export const VGA_IS1_RM = 0x3ba; // input status 1 (feature control on write), monochrome
export const VGA_CRT_IC = 0x3d4; // CRTC index, color
export const VGA_CRT_DC = 0x3d5;
export const VGA_IS1_RC = 0x3da;

/** Number of attribute controller registers. */
export const VGA_ATT_C = 0x15;

/** Misc output bit 0: I/O at 0x3dx (color) instead of 0x3bx (monochrome). */
export const VGA_MIS_COLOR = 0x01;

// ---- input status 1 ----
export const ST01_V_RETRACE = 0x08;
export const ST01_DISP_ENABLE = 0x01;

// ---- sequencer ----
export const VGA_SEQ_CLOCK_MODE = 0x01;
export const VGA_SEQ_PLANE_WRITE = 0x02;
export const VGA_SEQ_MEMORY_MODE = 0x04;
export const VGA_SR02_ALL_PLANES = 0x0f;
export const VGA_SR04_CHN_4M = 0x08;

// ---- graphics controller ----
export const VGA_GFX_SR_VALUE = 0x00;
export const VGA_GFX_SR_ENABLE = 0x01;
export const VGA_GFX_COMPARE_VALUE = 0x02;
export const VGA_GFX_DATA_ROTATE = 0x03;
export const VGA_GFX_PLANE_READ = 0x04;
export const VGA_GFX_MODE = 0x05;
export const VGA_GFX_MISC = 0x06;
export const VGA_GFX_COMPARE_MASK = 0x07;
export const VGA_GFX_BIT_MASK = 0x08;
export const VGA_GR06_GRAPHICS_MODE = 0x01;

// ---- attribute controller ----
export const VGA_ATC_PALETTEF = 0x0f;
export const VGA_ATC_MODE = 0x10;
export const VGA_ATC_OVERSCAN = 0x11;
export const VGA_ATC_PLANE_ENABLE = 0x12;
export const VGA_ATC_PEL = 0x13;
export const VGA_ATC_COLOR_PAGE = 0x14;

// ---- CRT controller ----
export const VGA_CRTC_H_DISP = 0x01;
export const VGA_CRTC_OVERFLOW = 0x07;
export const VGA_CRTC_MAX_SCAN = 0x09;
export const VGA_CRTC_V_SYNC_END = 0x11;
export const VGA_CRTC_V_DISP_END = 0x12;
export const VGA_CRTC_OFFSET = 0x13;
export const VGA_CRTC_MODE = 0x17;
export const VGA_CRTC_LINE_COMPARE = 0x18;
/** CR11 bit 7: CR0-CR7 are write protected (except CR7 bit 4). */
export const VGA_CR11_LOCK_CR0_CR7 = 0x80;

/** Bits of SR0-SR7 that exist (QEMU's sr_mask); the index register keeps 3 bits. */
export const SR_MASK = Uint8Array.of(0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff);
/** Bits of GR0-GR15 that exist (QEMU's gr_mask); the index register keeps 4 bits. */
export const GR_MASK = Uint8Array.of(0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff, 0, 0, 0, 0, 0, 0, 0);

// ---- Bochs VBE ("DISPI") ----
export const VBE_DISPI_IOPORT_INDEX = 0x1ce;
export const VBE_DISPI_INDEX_ID = 0x0;
export const VBE_DISPI_INDEX_XRES = 0x1;
export const VBE_DISPI_INDEX_YRES = 0x2;
export const VBE_DISPI_INDEX_BPP = 0x3;
export const VBE_DISPI_INDEX_ENABLE = 0x4;
export const VBE_DISPI_INDEX_BANK = 0x5;
export const VBE_DISPI_INDEX_VIRT_WIDTH = 0x6;
export const VBE_DISPI_INDEX_VIRT_HEIGHT = 0x7;
export const VBE_DISPI_INDEX_X_OFFSET = 0x8;
export const VBE_DISPI_INDEX_Y_OFFSET = 0x9;
/** Size of the register file. */
export const VBE_DISPI_INDEX_NB = 0xa;
/** Read-only, not in the register file: video memory in 64 KiB units. */
export const VBE_DISPI_INDEX_VIDEO_MEMORY_64K = 0xa;

export const VBE_DISPI_ID0 = 0xb0c0;
export const VBE_DISPI_ID5 = 0xb0c5;

export const VBE_DISPI_ENABLED = 0x01;
export const VBE_DISPI_GETCAPS = 0x02;
export const VBE_DISPI_8BIT_DAC = 0x20;
export const VBE_DISPI_LFB_ENABLED = 0x40;
export const VBE_DISPI_NOCLEARMEM = 0x80;

export const VBE_DISPI_MAX_XRES = 16000;
export const VBE_DISPI_MAX_YRES = 12000;
export const VBE_DISPI_MAX_BPP = 32;
