// c-strings: string handling: strlen/strcpy/strcmp/strstr of our own, number formatting, and a chained hash table with string keys.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 300
// Each round makes 300 words from an LCG, formats "word-NNN" keys with our itoa, counts them in a
// 128-bucket hash table (FNV-1a, strcmp on collisions), sorts a bucket by insertion with strcmp,
// searches a joined text for 50 needles with a naive strstr and reverses strings in place.
#include "lib.h"

static u32 slen(const char *s) { const char *p = s; while (*p) p++; return (u32)(p - s); }
static char *scpy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) {} return r; }
static int scmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (u8)*a - (u8)*b;
}
static const char *sstr(const char *h, const char *n)
{
    for (; *h; h++) {
        const char *p = h, *q = n;
        while (*q && *p == *q) { p++; q++; }
        if (!*q) return h;
    }
    return 0;
}
static char *utoa(u32 v, char *out)
{
    char t[12];
    int n = 0;
    do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *out++ = t[--n];
    *out = 0;
    return out;
}
static void srev(char *s)
{
    char *e = s + slen(s);
    while (s < --e) { char t = *s; *s++ = *e; *e = t; }
}
static u32 fnv(const char *s)
{
    u32 h = 2166136261u;
    while (*s) h = (h ^ (u8)*s++) * 16777619u;
    return h;
}

struct entry { struct entry *next; const char *key; u32 count; };
#define WORDS 300
static char words[WORDS][24];
static struct entry entries[WORDS];
static struct entry *table[128];
static char text[WORDS * 24];

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), s = 5, sum = 0, found = 0, distinct = 0;
    static const char syll[][4] = { "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo" };
    for (u32 r = 0; r < n; r++) {
        for (int i = 0; i < 128; i++) table[i] = 0;
        u32 used = 0;
        char *t = text;
        for (int w = 0; w < WORDS; w++) {
            char *p = words[w];
            u32 v = lcg(&s);
            int len = 1 + (int)((v >> 29) & 3);
            for (int k = 0; k < len; k++) { scpy(p, syll[(v >> (k * 3 + 4)) & 7]); p += slen(p); }
            *p++ = '-';
            utoa((v >> 8) % 37, p);
            struct entry **b = &table[fnv(words[w]) & 127], *e = *b;
            while (e && scmp(e->key, words[w]) != 0) e = e->next;
            if (e) e->count++;
            else { e = &entries[used++]; e->key = words[w]; e->count = 1; e->next = *b; *b = e; }
            t = scpy(t, words[w]) + slen(words[w]);
            *t++ = ' ';
        }
        *t = 0;
        distinct += used;
        for (int i = 0; i < 128; i++) {
            /* insertion-sort the bucket's chain by key */
            struct entry *sorted = 0, *e = table[i];
            while (e) {
                struct entry *nx = e->next, **pp = &sorted;
                while (*pp && scmp((*pp)->key, e->key) < 0) pp = &(*pp)->next;
                e->next = *pp; *pp = e; e = nx;
            }
            table[i] = sorted;
            for (e = sorted; e; e = e->next) sum = (sum << 3 | sum >> 29) ^ fnv(e->key) ^ e->count;
        }
        for (int q = 0; q < 50; q++) {
            char needle[24];
            scpy(needle, words[(lcg(&s) >> 16) % WORDS] + 1);
            const char *at = sstr(text, needle);
            if (at) { found++; sum += (u32)(at - text); }
        }
        for (int w = 0; w < WORDS; w += 5) { srev(words[w]); sum ^= fnv(words[w]); }
    }
    puts("c-strings: rounds="); putdec(n); puts(" distinct="); putdec(distinct); puts(" found="); putdec(found);
    puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
