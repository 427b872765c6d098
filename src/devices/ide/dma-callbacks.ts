// Which transfer a started bus-master DMA continues (QEMU keeps a function pointer; a number
// can be migrated): none, an ATA sector request, or an ATAPI reply or read.

export const DMA_CB_NONE = 0;
export const DMA_CB_ATA = 1;
export const DMA_CB_ATAPI = 2;
