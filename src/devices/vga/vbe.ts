// Bochs VBE ("DISPI") registers at 0x1ce/0x1cf/0x1d0 (QEMU's vbe_ioport_read/write_data,
// vbe_fixup_regs, vbe_update_vgaregs): mode registers clamped to what vram holds, GETCAPS,
// the 64 KiB bank window at 0xa0000, and the VGA registers forced while VBE is enabled.

import type { VGACommonState } from './vga.js';
import {
  VBE_DISPI_8BIT_DAC,
  VBE_DISPI_ENABLED,
  VBE_DISPI_GETCAPS,
  VBE_DISPI_ID0,
  VBE_DISPI_ID5,
  VBE_DISPI_INDEX_BANK,
  VBE_DISPI_INDEX_BPP,
  VBE_DISPI_INDEX_ENABLE,
  VBE_DISPI_INDEX_ID,
  VBE_DISPI_INDEX_NB,
  VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
  VBE_DISPI_INDEX_VIRT_HEIGHT,
  VBE_DISPI_INDEX_VIRT_WIDTH,
  VBE_DISPI_INDEX_X_OFFSET,
  VBE_DISPI_INDEX_XRES,
  VBE_DISPI_INDEX_Y_OFFSET,
  VBE_DISPI_INDEX_YRES,
  VBE_DISPI_MAX_BPP,
  VBE_DISPI_MAX_XRES,
  VBE_DISPI_MAX_YRES,
  VBE_DISPI_NOCLEARMEM,
  VGA_CRTC_H_DISP,
  VGA_CRTC_LINE_COMPARE,
  VGA_CRTC_MAX_SCAN,
  VGA_CRTC_MODE,
  VGA_CRTC_OFFSET,
  VGA_CRTC_OVERFLOW,
  VGA_CRTC_V_DISP_END,
  VGA_GFX_MISC,
  VGA_GFX_MODE,
  VGA_GR06_GRAPHICS_MODE,
  VGA_SEQ_CLOCK_MODE,
  VGA_SEQ_MEMORY_MODE,
  VGA_SEQ_PLANE_WRITE,
  VGA_SR02_ALL_PLANES,
  VGA_SR04_CHN_4M,
} from './vga-regs.js';

/**
 * Bring the mode registers to the closest valid values (the interface has no way to report
 * errors): supported depths, widths in multiples of 8, a height and panning that fit vram.
 */
function vbeFixupRegs(s: VGACommonState): void {
  const r = s.vbeRegs;
  if (!s.vbeEnabled) return;
  let bits: number;
  switch (r[VBE_DISPI_INDEX_BPP]) {
    case 4:
    case 8:
    case 16:
    case 24:
    case 32:
      bits = r[VBE_DISPI_INDEX_BPP]!;
      break;
    case 15:
      bits = 16;
      break;
    default:
      bits = r[VBE_DISPI_INDEX_BPP] = 8;
      break;
  }
  r[VBE_DISPI_INDEX_XRES] = r[VBE_DISPI_INDEX_XRES]! & ~7;
  if (r[VBE_DISPI_INDEX_XRES] === 0) r[VBE_DISPI_INDEX_XRES] = 8;
  if (r[VBE_DISPI_INDEX_XRES]! > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
  r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_VIRT_WIDTH]! & ~7;
  if (r[VBE_DISPI_INDEX_VIRT_WIDTH]! > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_VIRT_WIDTH] = VBE_DISPI_MAX_XRES;
  if (r[VBE_DISPI_INDEX_VIRT_WIDTH]! < r[VBE_DISPI_INDEX_XRES]!) r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES]!;

  const linelength = (r[VBE_DISPI_INDEX_VIRT_WIDTH]! * bits) >>> 3;
  const maxy = Math.floor(s.vbeSize / linelength);
  if (r[VBE_DISPI_INDEX_YRES] === 0) r[VBE_DISPI_INDEX_YRES] = 1;
  if (r[VBE_DISPI_INDEX_YRES]! > VBE_DISPI_MAX_YRES) r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
  if (r[VBE_DISPI_INDEX_YRES]! > maxy) r[VBE_DISPI_INDEX_YRES] = maxy;

  if (r[VBE_DISPI_INDEX_X_OFFSET]! > VBE_DISPI_MAX_XRES) r[VBE_DISPI_INDEX_X_OFFSET] = VBE_DISPI_MAX_XRES;
  if (r[VBE_DISPI_INDEX_Y_OFFSET]! > VBE_DISPI_MAX_YRES) r[VBE_DISPI_INDEX_Y_OFFSET] = VBE_DISPI_MAX_YRES;
  let offset = (r[VBE_DISPI_INDEX_X_OFFSET]! * bits) >>> 3;
  offset += r[VBE_DISPI_INDEX_Y_OFFSET]! * linelength;
  const frame = r[VBE_DISPI_INDEX_YRES]! * linelength;
  if (offset + frame > s.vbeSize) {
    r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
    offset = (r[VBE_DISPI_INDEX_X_OFFSET]! * bits) >>> 3;
    if (offset + frame > s.vbeSize) {
      r[VBE_DISPI_INDEX_X_OFFSET] = 0;
      offset = 0;
    }
  }
  // The register is 16 bits wide: QEMU stores maxy truncated.
  r[VBE_DISPI_INDEX_VIRT_HEIGHT] = maxy;
  s.vbeLineOffset = linelength;
  s.vbeStartAddr = offset >>> 2;
}

/**
 * While VBE is enabled the VGA registers describe its mode: graphics, memory map 1, the
 * CRTC's width, height and pitch, and (except at 4 bpp) chain-4 with all planes written,
 * the latter in the sequencer copy the memory logic uses (the guest still reads its SRs).
 */
export function vbeUpdateVgaregs(s: VGACommonState): void {
  if (!s.vbeEnabled) return;
  const gr = s.gr;
  const cr = s.cr;
  gr[VGA_GFX_MISC] = (gr[VGA_GFX_MISC]! & ~0x0c) | 0x04 | VGA_GR06_GRAPHICS_MODE;
  cr[VGA_CRTC_MODE] = cr[VGA_CRTC_MODE]! | 3;
  cr[VGA_CRTC_OFFSET] = s.vbeLineOffset >>> 3;
  cr[VGA_CRTC_H_DISP] = (s.vbeRegs[VBE_DISPI_INDEX_XRES]! >>> 3) - 1;
  const h = s.vbeRegs[VBE_DISPI_INDEX_YRES]! - 1;
  cr[VGA_CRTC_V_DISP_END] = h;
  cr[VGA_CRTC_OVERFLOW] = (cr[VGA_CRTC_OVERFLOW]! & ~0x42) | ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
  // Line compare at 1023: no split screen.
  cr[VGA_CRTC_LINE_COMPARE] = 0xff;
  cr[VGA_CRTC_OVERFLOW] = cr[VGA_CRTC_OVERFLOW]! | 0x10;
  cr[VGA_CRTC_MAX_SCAN] = cr[VGA_CRTC_MAX_SCAN]! | 0x40;
  let shiftControl: number;
  if (s.vbeRegs[VBE_DISPI_INDEX_BPP] === 4) {
    shiftControl = 0;
    s.srVbe[VGA_SEQ_CLOCK_MODE] = s.srVbe[VGA_SEQ_CLOCK_MODE]! & ~8;
  } else {
    shiftControl = 2;
    s.srVbe[VGA_SEQ_MEMORY_MODE] = s.srVbe[VGA_SEQ_MEMORY_MODE]! | VGA_SR04_CHN_4M;
    s.srVbe[VGA_SEQ_PLANE_WRITE] = s.srVbe[VGA_SEQ_PLANE_WRITE]! | VGA_SR02_ALL_PLANES;
  }
  gr[VGA_GFX_MODE] = (gr[VGA_GFX_MODE]! & ~0x60) | (shiftControl << 5);
  cr[VGA_CRTC_MAX_SCAN] = cr[VGA_CRTC_MAX_SCAN]! & ~0x9f;
}

export function vbeIoportReadData(s: VGACommonState): number {
  const index = s.vbeIndex;
  if (index < VBE_DISPI_INDEX_NB) {
    if (s.vbeRegs[VBE_DISPI_INDEX_ENABLE]! & VBE_DISPI_GETCAPS) {
      // GETCAPS: the mode registers read as the largest values accepted.
      if (index === VBE_DISPI_INDEX_XRES) return VBE_DISPI_MAX_XRES;
      if (index === VBE_DISPI_INDEX_YRES) return VBE_DISPI_MAX_YRES;
      if (index === VBE_DISPI_INDEX_BPP) return VBE_DISPI_MAX_BPP;
    }
    return s.vbeRegs[index]!;
  }
  if (index === VBE_DISPI_INDEX_VIDEO_MEMORY_64K) return (s.vbeSize / 65536) & 0xffff;
  return 0;
}

export function vbeIoportWriteData(s: VGACommonState, val: number): void {
  val &= 0xffff;
  const r = s.vbeRegs;
  const index = s.vbeIndex;
  switch (index) {
    case VBE_DISPI_INDEX_ID:
      // Only the interface versions QEMU knows (B0C0-B0C5) are accepted.
      if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) r[index] = val;
      break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
      r[index] = val;
      vbeFixupRegs(s);
      vbeUpdateVgaregs(s);
      break;
    case VBE_DISPI_INDEX_BANK:
      val &= s.vbeBankMask;
      r[index] = val;
      s.bankOffset = val << 16;
      s.updateMemoryAccess();
      break;
    case VBE_DISPI_INDEX_ENABLE:
      if (val & VBE_DISPI_ENABLED && !s.vbeEnabled) {
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
        r[VBE_DISPI_INDEX_X_OFFSET] = 0;
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        r[VBE_DISPI_INDEX_ENABLE] = r[VBE_DISPI_INDEX_ENABLE]! | VBE_DISPI_ENABLED;
        vbeFixupRegs(s);
        vbeUpdateVgaregs(s);
        if (!(val & VBE_DISPI_NOCLEARMEM)) {
          // Clear the visible frame. QEMU does not mark it dirty; a display redraws fully
          // on a mode change anyway, and marking it keeps the dirty bits true to vram.
          const n = Math.min(s.vramSize, r[VBE_DISPI_INDEX_YRES]! * s.vbeLineOffset);
          s.vramPtr.fill(0, 0, n);
          if (n > 0) s.setDirty(0, n);
        }
      } else {
        // Also when enabling again while enabled: the bank goes back to 0 (the register
        // keeps its value), as QEMU does.
        s.bankOffset = 0;
      }
      s.dac8bit = (val & VBE_DISPI_8BIT_DAC) !== 0;
      r[index] = val;
      s.updateMemoryAccess();
      break;
    default:
      break;
  }
}
