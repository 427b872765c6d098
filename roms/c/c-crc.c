// c-crc: table-driven CRC-32 (reflected, zlib's) and CRC-16/CCITT over a buffer, byte at a time.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 600
// The tables are computed at start; each round refills 16 KiB from an LCG and runs both CRCs.
// Round 0's buffer starts with "123456789", so the first line's check values are the standard ones.
#include "lib.h"

#define LEN 16384
static u32 t32[256];
static u16 t16[256];
static u8 buf[LEN];

static void tables(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t32[i] = c;
        u16 d = (u16)(i << 8);
        for (int k = 0; k < 8; k++) d = (u16)(d & 0x8000 ? (d << 1) ^ 0x1021 : d << 1);
        t16[i] = d;
    }
}

static u32 crc32(const u8 *p, u32 n)
{
    u32 c = 0xffffffffu;
    while (n--) c = t32[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static u16 crc16(const u8 *p, u32 n)
{
    u16 c = 0xffff;
    while (n--) c = (u16)(t16[((c >> 8) ^ *p++) & 0xff] ^ (c << 8));
    return c;
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), s = 99, sum = 0;
    tables();
    const char *check = "123456789";
    for (int i = 0; i < 9; i++) buf[i] = (u8)check[i];
    puts("c-crc: check crc32="); puthex(crc32(buf, 9)); puts(" crc16="); puthex(crc16(buf, 9)); putc('\n');
    for (u32 r = 0; r < n; r++) {
        for (u32 i = 0; i < LEN; i += 4) {
            u32 v = lcg(&s);
            buf[i] = (u8)v; buf[i + 1] = (u8)(v >> 8); buf[i + 2] = (u8)(v >> 16); buf[i + 3] = (u8)(v >> 24);
        }
        sum = (sum << 1 | sum >> 31) ^ crc32(buf, LEN) ^ ((u32)crc16(buf, LEN) << 7);
    }
    puts("c-crc: rounds="); putdec(n); puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
