// A hard disk's CHS geometry and BIOS translation, guessed as QEMU's hd_geometry_guess
// (hw/block/hd-geometry.c): from the MBR's partition table when it has one, else 16 heads and
// 63 sectors per track over the size. The firmware sees both through IDENTIFY and CMOS.

/** BIOS translation hints (QEMU's BIOS_ATA_TRANSLATION_*); CMOS stores value - 1. */
export const BIOS_ATA_TRANSLATION_NONE = 1;
export const BIOS_ATA_TRANSLATION_LBA = 2;
export const BIOS_ATA_TRANSLATION_LARGE = 3;

export interface HdGeometry {
  cylinders: number;
  heads: number;
  sectors: number;
  translation: number;
}

function chsForSize(nbSectors: number): { cylinders: number; heads: number; sectors: number } {
  const cylinders = Math.min(16383, Math.max(2, Math.floor(nbSectors / (16 * 63))));
  return { cylinders, heads: 16, sectors: 63 };
}

/** The logical geometry an MBR's partitions imply (a partition ending on a cylinder boundary). */
function guessDiskLchs(mbr: Uint8Array, nbSectors: number): { cylinders: number; heads: number; sectors: number } | null {
  if (mbr.length < 512 || mbr[510] !== 0x55 || mbr[511] !== 0xaa) return null;
  for (let i = 0; i < 4; i++) {
    const p = 0x1be + 16 * i;
    const nrSects = (mbr[p + 12]! | (mbr[p + 13]! << 8) | (mbr[p + 14]! << 16) | (mbr[p + 15]! << 24)) >>> 0;
    const endHead = mbr[p + 5]!;
    if (nrSects === 0 || endHead === 0) continue;
    const heads = endHead + 1;
    const sectors = mbr[p + 6]! & 63;
    if (sectors === 0) continue;
    const cylinders = Math.floor(nbSectors / (heads * sectors));
    if (cylinders < 1 || cylinders > 16383) continue;
    return { cylinders, heads, sectors };
  }
  return null;
}

export function hdGeometryGuess(mbr: Uint8Array, nbSectors: number): HdGeometry {
  const lchs = guessDiskLchs(mbr, nbSectors);
  if (!lchs) {
    const g = chsForSize(nbSectors);
    const none = g.cylinders <= 1024 && g.heads <= 16 && g.sectors <= 63;
    return { ...g, translation: none ? BIOS_ATA_TRANSLATION_NONE : BIOS_ATA_TRANSLATION_LBA };
  }
  if (lchs.heads > 16) {
    // A translating BIOS wrote this table: the physical geometry is the standard one.
    const g = chsForSize(nbSectors);
    return { ...g, translation: g.cylinders * g.heads <= 131072 ? BIOS_ATA_TRANSLATION_LARGE : BIOS_ATA_TRANSLATION_LBA };
  }
  return { ...lchs, translation: BIOS_ATA_TRANSLATION_NONE };
}
