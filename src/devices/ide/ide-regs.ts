// ATA/ATAPI register bits, command opcodes and SCSI sense codes, with QEMU's names
// (include/hw/ide/internal.h, include/scsi/constants.h).

// Status register.
export const ERR_STAT = 0x01;
export const DRQ_STAT = 0x08;
export const SEEK_STAT = 0x10;
export const READY_STAT = 0x40;
export const BUSY_STAT = 0x80;
// Error register.
export const ABRT_ERR = 0x04;
// Device/head register.
export const ATA_DEV_HS = 0x0f;
export const ATA_DEV_LBA_MSB = 0x0f;
export const ATA_DEV_SELECT = 0x10;
export const ATA_DEV_LBA = 0x40;
export const ATA_DEV_ALWAYS_ON = 0xa0;
// Device control register.
export const IDE_CTRL_DISABLE_IRQ = 0x02;
export const IDE_CTRL_RESET = 0x04;
export const IDE_CTRL_HOB = 0x80;
// ATAPI interrupt reason (in the sector count register).
export const ATAPI_INT_REASON_CD = 0x01;
export const ATAPI_INT_REASON_IO = 0x02;

export const MAX_MULT_SECTORS = 16;
export const IDE_DMA_BUF_SECTORS = 256;
export const ATAPI_PACKET_SIZE = 12;
export const ATAPI_SECTOR_SIZE = 2048;
/** CD-sized media (at most 80 minutes) report the CD-ROM profile; bigger ones DVD-ROM. */
export const CD_MAX_SECTORS = (80 * 60 * 75 * 2048) / 512;

// Commands.
export const WIN_DEVICE_RESET = 0x08;
export const WIN_RECAL = 0x10;
export const WIN_READ = 0x20;
export const WIN_READ_ONCE = 0x21;
export const WIN_READ_EXT = 0x24;
export const WIN_READDMA_EXT = 0x25;
export const WIN_READ_NATIVE_MAX_EXT = 0x27;
export const WIN_MULTREAD_EXT = 0x29;
export const WIN_WRITE = 0x30;
export const WIN_WRITE_ONCE = 0x31;
export const WIN_WRITE_EXT = 0x34;
export const WIN_WRITEDMA_EXT = 0x35;
export const WIN_MULTWRITE_EXT = 0x39;
export const WIN_WRITE_VERIFY = 0x3c;
export const WIN_VERIFY = 0x40;
export const WIN_VERIFY_ONCE = 0x41;
export const WIN_VERIFY_EXT = 0x42;
export const WIN_SEEK = 0x70;
export const WIN_DIAGNOSE = 0x90;
export const WIN_SPECIFY = 0x91;
export const WIN_STANDBYNOW2 = 0x94;
export const WIN_IDLEIMMEDIATE2 = 0x95;
export const WIN_STANDBY2 = 0x96;
export const WIN_SETIDLE2 = 0x97;
export const WIN_CHECKPOWERMODE2 = 0x98;
export const WIN_SLEEPNOW2 = 0x99;
export const WIN_PACKETCMD = 0xa0;
export const WIN_PIDENTIFY = 0xa1;
export const WIN_MULTREAD = 0xc4;
export const WIN_MULTWRITE = 0xc5;
export const WIN_SETMULT = 0xc6;
export const WIN_READDMA = 0xc8;
export const WIN_READDMA_ONCE = 0xc9;
export const WIN_WRITEDMA = 0xca;
export const WIN_WRITEDMA_ONCE = 0xcb;
export const WIN_STANDBYNOW1 = 0xe0;
export const WIN_IDLEIMMEDIATE = 0xe1;
export const WIN_STANDBY = 0xe2;
export const WIN_SETIDLE1 = 0xe3;
export const WIN_CHECKPOWERMODE1 = 0xe5;
export const WIN_SLEEPNOW1 = 0xe6;
export const WIN_FLUSH_CACHE = 0xe7;
export const WIN_FLUSH_CACHE_EXT = 0xea;
export const WIN_IDENTIFY = 0xec;
export const WIN_SETFEATURES = 0xef;
export const WIN_READ_NATIVE_MAX = 0xf8;

// SCSI sense keys and additional sense codes.
export const NO_SENSE = 0x00;
export const NOT_READY = 0x02;
export const ILLEGAL_REQUEST = 0x05;
export const UNIT_ATTENTION = 0x06;
export const ASC_ILLEGAL_OPCODE = 0x20;
export const ASC_LOGICAL_BLOCK_OOR = 0x21;
export const ASC_INV_FIELD_IN_CMD_PACKET = 0x24;
export const ASC_SAVING_PARAMETERS_NOT_SUPPORTED = 0x39;
export const ASC_MEDIUM_NOT_PRESENT = 0x3a;
export const ASC_DATA_PHASE_ERROR = 0x4b;
export const ASC_MEDIA_REMOVAL_PREVENTED = 0x53;

/** What runs when the guest has moved the whole PIO buffer (QEMU's transfer_end_table order). */
export const ETF_SECTOR_READ = 0;
export const ETF_SECTOR_WRITE = 1;
export const ETF_TRANSFER_STOP = 2;
export const ETF_ATAPI_REPLY_END = 3;
export const ETF_ATAPI_CMD = 4;
export const ETF_DUMMY_STOP = 5;

/** What a started DMA moves (QEMU's enum ide_dma_cmd). */
export const IDE_DMA_READ = 0;
export const IDE_DMA_WRITE = 1;
export const IDE_DMA_ATAPI = 3;
