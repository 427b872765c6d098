// The VGA register ports 0x3b4-0x3da (QEMU's vga_ioport_read/write): index/data pairs for the
// sequencer, graphics controller and CRTC, the attribute controller's flip-flop, the DAC,
// misc output, feature control and the input status registers.

import type { VGACommonState } from './vga.js';
import { vbeUpdateVgaregs } from './vbe.js';
import {
  GR_MASK,
  SR_MASK,
  ST01_DISP_ENABLE,
  ST01_V_RETRACE,
  VGA_ATC_COLOR_PAGE,
  VGA_ATC_MODE,
  VGA_ATC_OVERSCAN,
  VGA_ATC_PALETTEF,
  VGA_ATC_PEL,
  VGA_ATC_PLANE_ENABLE,
  VGA_ATT_C,
  VGA_ATT_R,
  VGA_ATT_W,
  VGA_CR11_LOCK_CR0_CR7,
  VGA_CRTC_OVERFLOW,
  VGA_CRTC_V_SYNC_END,
  VGA_CRT_DC,
  VGA_CRT_DM,
  VGA_CRT_IC,
  VGA_CRT_IM,
  VGA_FTC_R,
  VGA_GFX_D,
  VGA_GFX_I,
  VGA_IS1_RC,
  VGA_IS1_RM,
  VGA_MIS_COLOR,
  VGA_MIS_R,
  VGA_MIS_W,
  VGA_PEL_D,
  VGA_PEL_IR,
  VGA_PEL_IW,
  VGA_SEQ_D,
  VGA_SEQ_I,
} from './vga-regs.js';

/** The CRTC and input status 1 answer at 0x3dx in color mode, at 0x3bx in monochrome mode. */
function ioportInvalid(s: VGACommonState, port: number): boolean {
  return s.msr & VGA_MIS_COLOR ? port >= 0x3b0 && port <= 0x3bf : port >= 0x3d0 && port <= 0x3df;
}

export function vgaIoportRead(s: VGACommonState, port: number): number {
  if (ioportInvalid(s, port)) return 0xff;
  switch (port) {
    case VGA_ATT_W:
      return s.arFlipFlop === 0 ? s.arIndex : 0;
    case VGA_ATT_R: {
      const index = s.arIndex & 0x1f;
      return index < VGA_ATT_C ? s.ar[index]! : 0;
    }
    case VGA_MIS_W:
      return s.st00;
    case VGA_SEQ_I:
      return s.srIndex;
    case VGA_SEQ_D:
      return s.sr[s.srIndex]!;
    case VGA_PEL_IR:
      return s.dacState;
    case VGA_PEL_IW:
      return s.dacWriteIndex;
    case VGA_PEL_D: {
      const v = s.palette[s.dacReadIndex * 3 + s.dacSubIndex]!;
      if (++s.dacSubIndex === 3) {
        s.dacSubIndex = 0;
        s.dacReadIndex = (s.dacReadIndex + 1) & 0xff;
      }
      return v;
    }
    case VGA_FTC_R:
      return s.fcr;
    case VGA_MIS_R:
      return s.msr;
    case VGA_GFX_I:
      return s.grIndex;
    case VGA_GFX_D:
      return s.gr[s.grIndex]!;
    case VGA_CRT_IM:
    case VGA_CRT_IC:
      return s.crIndex;
    case VGA_CRT_DM:
    case VGA_CRT_DC:
      return s.cr[s.crIndex]!;
    case VGA_IS1_RM:
    case VGA_IS1_RC:
      // No real retrace: the bits toggle on every read so polling loops end (QEMU's
      // "dumb" retrace), and the read resets the attribute controller's flip-flop.
      s.st01 ^= ST01_V_RETRACE | ST01_DISP_ENABLE;
      s.arFlipFlop = 0;
      return s.st01;
    default:
      return 0;
  }
}

export function vgaIoportWrite(s: VGACommonState, port: number, val: number): void {
  if (ioportInvalid(s, port)) return;
  val &= 0xff;
  switch (port) {
    case VGA_ATT_W:
      if (s.arFlipFlop === 0) {
        s.arIndex = val & 0x3f;
      } else {
        const index = s.arIndex & 0x1f;
        if (index <= VGA_ATC_PALETTEF) s.ar[index] = val & 0x3f;
        else if (index === VGA_ATC_MODE) s.ar[index] = val & ~0x10;
        else if (index === VGA_ATC_OVERSCAN) s.ar[index] = val;
        else if (index === VGA_ATC_PLANE_ENABLE) s.ar[index] = val & ~0xc0;
        else if (index === VGA_ATC_PEL || index === VGA_ATC_COLOR_PAGE) s.ar[index] = val & ~0xf0;
      }
      s.arFlipFlop ^= 1;
      break;
    case VGA_MIS_W:
      s.msr = val & ~0x10;
      break;
    case VGA_SEQ_I:
      s.srIndex = val & 7;
      break;
    case VGA_SEQ_D:
      s.sr[s.srIndex] = val & SR_MASK[s.srIndex]!;
      s.updateMemoryAccess();
      break;
    case VGA_PEL_IR:
      s.dacReadIndex = val;
      s.dacSubIndex = 0;
      s.dacState = 3;
      break;
    case VGA_PEL_IW:
      s.dacWriteIndex = val;
      s.dacSubIndex = 0;
      s.dacState = 0;
      break;
    case VGA_PEL_D:
      s.dacCache[s.dacSubIndex] = val;
      if (++s.dacSubIndex === 3) {
        s.palette.set(s.dacCache, s.dacWriteIndex * 3);
        s.dacSubIndex = 0;
        s.dacWriteIndex = (s.dacWriteIndex + 1) & 0xff;
      }
      break;
    case VGA_GFX_I:
      s.grIndex = val & 0x0f;
      break;
    case VGA_GFX_D:
      s.gr[s.grIndex] = val & GR_MASK[s.grIndex]!;
      vbeUpdateVgaregs(s);
      s.updateMemoryAccess();
      break;
    case VGA_CRT_IM:
    case VGA_CRT_IC:
      s.crIndex = val;
      break;
    case VGA_CRT_DM:
    case VGA_CRT_DC:
      // CR11 bit 7 protects CR0-CR7, except the line compare bit 8 in CR7 (bit 4).
      if (s.cr[VGA_CRTC_V_SYNC_END]! & VGA_CR11_LOCK_CR0_CR7 && s.crIndex <= VGA_CRTC_OVERFLOW) {
        if (s.crIndex === VGA_CRTC_OVERFLOW) {
          s.cr[VGA_CRTC_OVERFLOW] = (s.cr[VGA_CRTC_OVERFLOW]! & ~0x10) | (val & 0x10);
          vbeUpdateVgaregs(s);
        }
        return;
      }
      s.cr[s.crIndex] = val;
      vbeUpdateVgaregs(s);
      break;
    case VGA_IS1_RM:
    case VGA_IS1_RC:
      s.fcr = val & 0x10;
      break;
  }
}
