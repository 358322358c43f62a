/* normalize.normalize_many + parse.normalized_texts for one UTF-8 text: decoded and mapped by
 * the character table (NFKC, traditional -> simplified, spaces and punctuation deleted, upper
 * case; built by native.py from the reference functions) in one pass, then '#', numerals before
 * markers, building synonyms and leading zeros, in the reference's order; a step whose
 * characters the text does not hold is skipped. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

static u32 *CHARS;
/* What a normalized character may start: the steps after the table look for these. */
enum { C_NUMERAL = 1, C_HASH = 2, C_SYNONYM = 4, C_ZERO = 8 };
static uint8_t CLASS[65536];
static int numeral(u32 c);

void set_char_table(const u32 *t) {
    if (CHARS == NULL) CHARS = malloc(65536 * sizeof(u32));
    memcpy(CHARS, t, 65536 * sizeof(u32));
    for (u32 c = 0; c < 65536; c++)
        CLASS[c] = (uint8_t)((numeral(c) >= 0 ? C_NUMERAL : 0) | (c == '#' ? C_HASH : 0) |
                             (c == U'号' || c == U'栋' || c == U'座' ? C_SYNONYM : 0) |
                             (c == '0' ? C_ZERO : 0));
}

#define W(x) ((const u32 *)U##x)
static const u32 *const MARKERS[] = {W("号楼"), W("幢"), W("栋"), W("座"), W("单元"), W("层"),
                                     W("楼"), W("室"), W("号"), W("组"), NULL};
static const u32 *const SYNONYMS[] = {W("号楼"), W("栋"), W("座"), W("号幢"), NULL};
static int numeral(u32 c) {  /* a numeral's value (十 10, 百 100, 千 1000), or -1 */
    switch (c) {
        case U'零': case U'〇': case U'○': return 0;
        case U'一': return 1;
        case U'二': case U'两': return 2;
        case U'三': return 3;
        case U'四': return 4;
        case U'五': return 5;
        case U'六': return 6;
        case U'七': return 7;
        case U'八': return 8;
        case U'九': return 9;
        case U'十': return 10;
        case U'百': return 100;
        case U'千': return 1000;
        default: return -1;
    }
}

/* chinese_numeral_to_int of s[a..z), written as decimal digits at out; returns their count. */
static int numeral_digits(const u32 *s, int a, int z, u32 *out) {
    int units = 0;
    for (int i = a; i < z; i++) units |= numeral(s[i]) >= 10;
    char text[64];
    int n = 0;
    if (!units) {  /* digit by digit, as int() reads them: leading zeros go */
        int i = a;
        while (i < z - 1 && numeral(s[i]) == 0) i++;
        for (; i < z; i++) out[n++] = '0' + (u32)numeral(s[i]);
        return n;
    }
    long long total = 0, current = 0;
    for (int i = a; i < z; i++) {
        int v = numeral(s[i]);
        if (v >= 10) {
            total += (current ? current : 1) * v;
            current = 0;
        } else {
            current = v;
        }
    }
    int len = snprintf(text, sizeof text, "%lld", total + current);
    for (int i = 0; i < len; i++) out[n++] = (u32)text[i];
    return n;
}

/* UTF-8 at b[0..bytes) through the character table into a (room for MAX_INPUT): the count, or
 * -1 when the text is not UTF-8, longer than the reference leaves untruncated, or holds a
 * character the reference must see. *seen collects the CLASS of what is kept. */
static int mapped(const uint8_t *b, int bytes, u32 *a, unsigned *seen) {
    int m = 0, k = 0;
    for (int i = 0; i < bytes; k++) {
        if (k >= MAX_INPUT) return -1;
        uint8_t c = b[i];
        u32 cp = c;
        if (c < 0x80) {
            i++;
        } else {
            int extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
            if (extra < 0 || i + extra >= bytes) return -1;
            cp = c & (0x3fu >> extra);
            for (int j = 1; j <= extra; j++) {
                if ((b[i + j] & 0xc0) != 0x80) return -1;
                cp = (cp << 6) | (b[i + j] & 0x3f);
            }
            i += extra + 1;
        }
        if (cp >= 0x10000) return -1;
        u32 x = CHARS[cp];
        if (x == CH_DEFER) return -1;
        if (x == CH_DELETE) continue;
        a[m++] = x;
        *seen |= x < 0x10000 ? CLASS[x] : 0;
    }
    return m;
}

int normalize_utf8(const uint8_t *text, int bytes, u32 *out) {
    u32 a[MAX_INPUT], b[MAX_INPUT * 4];
    unsigned seen = 0;
    int m = mapped(text, bytes, a, &seen);
    if (m < 0) return -1;
    if (seen & C_HASH) {  /* ([0-9A-Za-z])#楼? -> \1幢, then any other # goes */
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (a[i] != '#') {
                a[k++] = a[i];
            } else if (i > 0 && is_alnum(a[i - 1])) {
                a[k++] = U'幢';
                if (i + 1 < m && a[i + 1] == U'楼') i++;
            }
        }
        m = k;
    }
    u32 *t = a;
    if (seen & C_NUMERAL) {  /* numerals right before a marker -> digits (a lone 第 stays) */
        int k = 0;
        for (int i = 0; i < m;) {
            if (a[i] == U'第' || numeral(a[i]) >= 0) {
                int q = i + 1;
                while (q < m && numeral(a[q]) >= 0) q++;
                int start = a[i] == U'第' ? i + 1 : i;
                if (start < q && any_word_at(a, m, q, MARKERS)) {
                    k += numeral_digits(a, start, q, b + k);
                    seen |= C_ZERO;  /* 十 -> 10 */
                } else {
                    for (int j = i; j < q; j++) b[k++] = a[j];
                }
                i = q;
            } else {
                b[k++] = a[i++];
            }
        }
        t = b;
        m = k;
    }
    if (seen & C_SYNONYM) {  /* ([0-9A-Za-z])(号楼|栋|座|号幢) -> \1幢 */
        int k = 0;
        for (int i = 0; i < m; i++) {
            t[k++] = t[i];
            int w = is_alnum(t[i]) ? any_word_at(t, m, i + 1, SYNONYMS) : 0;
            if (w) {
                t[k++] = U'幢';
                i += w;
            }
        }
        m = k;
    }
    if (!(seen & C_ZERO)) {
        if (m > MAX_CHARS) return -1;
        memcpy(out, t, (size_t)m * sizeof(u32));
        return m;
    }
    int k = 0;  /* (?<!\d)0+(?=\d) goes: 0502 -> 502, 00 -> 0 */
    for (int i = 0; i < m;) {
        if (t[i] == '0' && (i == 0 || !is_digit(t[i - 1]))) {
            int run = 1;
            while (i + run < m && t[i + run] == '0') run++;
            int drop = (i + run < m && is_digit(t[i + run])) ? run : run - 1;
            for (int j = i + drop; j < i + run; j++) out[k++] = t[j];
            i += run;
        } else {
            out[k++] = t[i++];
        }
        if (k > MAX_CHARS) return -1;
    }
    return k;
}
