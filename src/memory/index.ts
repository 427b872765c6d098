// The memory core's public surface: regions, address spaces, flat views, dispatch, RAM blocks
// and dirty bitmaps. Nothing here imports from other layers.

export * from './memtx.js';
export * from './region-ops.js';
export { MemoryRegion, type RegionKind } from './region.js';
export { bswap, regionDispatchRead, regionDispatchWrite, regionAccessValid, regionAccessSize } from './region-access.js';
export { FlatRange, FlatView, flatViewRoot, generateFlatView, sectionFromRange, type MemoryRegionSection } from './flatview.js';
export { AddressSpaceDispatch, SECTION_UNASSIGNED } from './dispatch.js';
export { type MemoryListener } from './listener.js';
export { AddressSpace, Translation, type MemoryMapping, type AddressSpaceStats } from './address-space.js';
export { MemorySystem, type CodeInvalidator } from './memory-system.js';
export * from './dirty-memory.js';
export * from './region-dirty.js';
export * from './ramblock.js';
export { RamList, RAM_ADDR_LIMIT } from './ram-list.js';
export { formatMtree, formatMtreeFlat, formatRamblocks, type MtreeOptions } from './mtree-info.js';
export { VMStateRegistry, type VMStateDescription, type VMStateField, type VMStateType, type VMStateEntry } from './vmstate.js';
