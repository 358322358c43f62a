/* normalize.normalize_many + parse.normalized_texts for one text: the character table (NFKC,
 * traditional -> simplified, spaces and punctuation deleted, upper case; built by native.py from
 * the reference functions), then '#', numerals before markers, building synonyms and leading
 * zeros, in the reference's order. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

static u32 *CHARS;

void set_char_table(const u32 *t) {
    if (CHARS == NULL) CHARS = malloc(65536 * sizeof(u32));
    memcpy(CHARS, t, 65536 * sizeof(u32));
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

int normalize_text(const u32 *in, int n, u32 *out) {
    if (n > MAX_INPUT) return -1;
    u32 a[MAX_INPUT], b[MAX_INPUT * 4];
    int m = 0, hashes = 0;
    for (int i = 0; i < n; i++) {
        u32 c = in[i];
        if (c >= 0x10000 || CHARS[c] == CH_DEFER) return -1;
        if (CHARS[c] == CH_DELETE) continue;
        a[m++] = CHARS[c];
        hashes |= CHARS[c] == '#';
    }
    if (hashes) {  /* ([0-9A-Za-z])#楼? -> \1幢, then any other # goes */
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
    int k = 0;  /* numerals right before a marker -> digits (a lone 第 stays) */
    for (int i = 0; i < m;) {
        if (a[i] == U'第' || numeral(a[i]) >= 0) {
            int q = i + 1;
            while (q < m && numeral(a[q]) >= 0) q++;
            int start = a[i] == U'第' ? i + 1 : i;
            if (start < q && any_word_at(a, m, q, MARKERS)) {
                k += numeral_digits(a, start, q, b + k);
            } else {
                for (int j = i; j < q; j++) b[k++] = a[j];
            }
            i = q;
        } else {
            b[k++] = a[i++];
        }
    }
    m = 0;  /* ([0-9A-Za-z])(号楼|栋|座|号幢) -> \1幢 */
    for (int i = 0; i < k; i++) {
        b[m++] = b[i];
        int w = is_alnum(b[i]) ? any_word_at(b, k, i + 1, SYNONYMS) : 0;
        if (w) {
            b[m++] = U'幢';
            i += w;
        }
    }
    k = 0;  /* (?<!\d)0+(?=\d) goes: 0502 -> 502, 00 -> 0 */
    for (int i = 0; i < m;) {
        if (b[i] == '0' && (i == 0 || !is_digit(b[i - 1]))) {
            int run = 1;
            while (i + run < m && b[i + run] == '0') run++;
            int drop = (i + run < m && is_digit(b[i + run])) ? run : run - 1;
            for (int j = i + drop; j < i + run; j++) out[k++] = b[j];
            i += run;
        } else {
            out[k++] = b[i++];
        }
        if (k > MAX_CHARS) return -1;
    }
    return k;
}
