// c-fsm: a lexer as a state machine (switch on state, character classes from a table) over generated text.
// BENCH: c
// APPEND: 1
// BENCH-APPEND: 1000
// Each round generates 8 KiB of pseudo source text (identifiers, numbers, strings, comments,
// operators) and scans it with a character-at-a-time state machine counting tokens by kind.
#include "lib.h"

#define TEXT 8192
static char text[TEXT + 1];
enum { C_SPACE, C_ALPHA, C_DIGIT, C_QUOTE, C_SLASH, C_STAR, C_OP, C_NL, C_OTHER };
static u8 cls[256];
enum { S_START, S_IDENT, S_NUMBER, S_STRING, S_SLASH, S_COMMENT, S_COMMENT_STAR, S_LINE_COMMENT };

static void gen(u32 *s)
{
    static const char *const words[] = { "if", "while", "x", "count", "42", "7", "\"str\"", "/* c */",
                                          "// line\n", "+", "-", "*", "/", "=", "(", ")", "\n", "  ", "abc123", "0x1f" };
    int p = 0;
    while (p < TEXT - 16) {
        const char *w = words[(lcg(s) >> 16) % 20];
        while (*w) text[p++] = *w++;
        text[p++] = ' ';
    }
    while (p < TEXT) text[p++] = ' ';
    text[TEXT] = 0;
}

static u32 scan(u32 counts[8])
{
    int st = S_START;
    u32 h = 0;
    for (const char *p = text; *p; p++) {
        u8 c = (u8)*p, k = cls[c];
        h = h * 31 + c;
        switch (st) {
        case S_START:
            switch (k) {
            case C_ALPHA: st = S_IDENT; break;
            case C_DIGIT: st = S_NUMBER; break;
            case C_QUOTE: st = S_STRING; break;
            case C_SLASH: st = S_SLASH; break;
            case C_OP: case C_STAR: counts[4]++; break;
            case C_NL: counts[7]++; break;
            default: break;
            }
            break;
        case S_IDENT:
            if (k != C_ALPHA && k != C_DIGIT) { counts[0]++; st = S_START; p--; }
            break;
        case S_NUMBER:
            if (k != C_DIGIT && k != C_ALPHA) { counts[1]++; st = S_START; p--; }
            break;
        case S_STRING:
            if (k == C_QUOTE) { counts[2]++; st = S_START; }
            break;
        case S_SLASH:
            if (k == C_STAR) st = S_COMMENT;
            else if (k == C_SLASH) st = S_LINE_COMMENT;
            else { counts[4]++; st = S_START; p--; }
            break;
        case S_COMMENT:
            if (k == C_STAR) st = S_COMMENT_STAR;
            break;
        case S_COMMENT_STAR:
            if (k == C_SLASH) { counts[3]++; st = S_START; }
            else if (k != C_STAR) st = S_COMMENT;
            break;
        case S_LINE_COMMENT:
            if (k == C_NL) { counts[5]++; counts[7]++; st = S_START; }
            break;
        }
    }
    return h;
}

int kmain(u32 magic, u32 mbi)
{
    u32 n = scale_arg(magic, mbi, 1), s = 1, sum = 0, counts[8] = { 0 };
    for (int c = 0; c < 256; c++) {
        u8 k = C_OTHER;
        if (c == ' ' || c == '\t') k = C_SPACE;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') k = C_ALPHA;
        else if (c >= '0' && c <= '9') k = C_DIGIT;
        else if (c == '"') k = C_QUOTE;
        else if (c == '/') k = C_SLASH;
        else if (c == '*') k = C_STAR;
        else if (c == '+' || c == '-' || c == '=' || c == '(' || c == ')') k = C_OP;
        else if (c == '\n') k = C_NL;
        cls[c] = k;
    }
    for (u32 r = 0; r < n; r++) {
        gen(&s);
        sum = sum * 17 + scan(counts);
    }
    puts("c-fsm: rounds="); putdec(n);
    puts(" ident="); putdec(counts[0]); puts(" num="); putdec(counts[1]); puts(" str="); putdec(counts[2]);
    puts(" comment="); putdec(counts[3] + counts[5]); puts(" op="); putdec(counts[4]); puts(" lines="); putdec(counts[7]);
    puts(" sum="); puthex(sum); putc('\n');
    return 0;
}
