/* normalize.normalize_many + parse.normalized_texts for one UTF-8 text: decoded and mapped by
 * the character table (NFKC, traditional -> simplified, spaces and punctuation deleted, upper
 * case; built by native.py from the reference functions) in one pass, then '#', numerals before
 * markers, building synonyms and leading zeros, in the reference's order; a step whose
 * characters the text does not hold is skipped. The last step also hashes the text's shape. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

static u32 *CHARS;
/* What a normalized character may start: the steps after the table look for these. */
enum { C_NUMERAL = 1, C_HASH = 2, C_SYNONYM = 4, C_DI = 8,  /* C_DI: 第 */
       C_LETTER = 16, C_DASH = 32, C_JOIN = 64, C_DOOR = 128, C_BRACKET = 256 };
static uint16_t CLASS[65536];
/* Characters the table keeps as they are and no later step looks for: most of a text. A bit a
 * character, 8 KiB, so the test stays in the nearest cache where the tables above do not. */
static uint64_t PLAIN[65536 / 64];

void set_char_table(const u32 *t) {
    if (CHARS == NULL) CHARS = malloc(65536 * sizeof(u32));
    memcpy(CHARS, t, 65536 * sizeof(u32));
    memset(PLAIN, 0, sizeof PLAIN);
    for (u32 c = 0; c < 65536; c++) {
        CLASS[c] = (uint16_t)((numeral(c) >= 0 ? C_NUMERAL : 0) | (c == HASH ? C_HASH : 0) |
                             (in_set(c, SYNONYM_STARTS) ? C_SYNONYM : 0) |
                             (c == ORDINAL ? C_DI : 0) | (is_upper(c) ? C_LETTER : 0) |
                             (c == DASH ? C_DASH : 0) | (c == LETTER_JOIN ? C_JOIN : 0) |
                             (c == DOOR ? C_DOOR : 0) |
                             (c == REMARK_OPEN[0] || c == REMARK_CLOSE[0] ? C_BRACKET : 0));
    }
    for (u32 c = 0; c < 65536; c++)
        if (CHARS[c] == c && CLASS[c] == 0) PLAIN[c >> 6] |= 1ull << (c & 63);
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

static inline unsigned class_of(u32 x) { return x < 0x10000 ? CLASS[x] : 0; }

/* UTF-8 at b[0..bytes) through the character table into a (room for MAX_INPUT): the count, or
 * -1 when the text is not UTF-8, longer than the reference leaves untruncated, or holds a
 * character the reference must see. *seen collects the CLASS of what is kept. */
static int mapped(const uint8_t *b, int bytes, u32 *a, unsigned *seen) {
    if (bytes > MAX_INPUT) {  /* fewer bytes are fewer code points: only a long text is counted */
        int points = 0;
        for (int i = 0; i < bytes; i++) points += (b[i] & 0xc0) != 0x80;
        if (points > MAX_INPUT) return -1;
    }
    int m = 0;
    for (int i = 0; i < bytes;) {
        uint8_t c = b[i];
        u32 cp = c;
        if (c < 0x80) {
            i++;
        } else if ((c & 0xf0) == 0xe0) {  /* the common case: a BMP character, CJK among them */
            uint16_t next;
            if (i + 2 >= bytes) return -1;
            memcpy(&next, b + i + 1, 2);
            if ((next & 0xc0c0) != 0x8080) return -1;
            cp = (u32)(c & 0x0f) << 12 | (u32)(b[i + 1] & 0x3f) << 6 | (b[i + 2] & 0x3f);
            i += 3;
        } else {
            int extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf8) == 0xf0 ? 3 : -1;
            if (extra < 0 || i + extra >= bytes) return -1;
            cp = c & (0x3fu >> extra);
            for (int j = 1; j <= extra; j++) {
                if ((b[i + j] & 0xc0) != 0x80) return -1;
                cp = (cp << 6) | (b[i + j] & 0x3f);
            }
            i += extra + 1;
        }
        if (cp >= 0x10000) return -1;
        if ((PLAIN[cp >> 6] >> (cp & 63)) & 1) {
            a[m++] = cp;
            continue;
        }
        u32 x = CHARS[cp];
        if (x == CH_DEFER) return -1;
        if (x == CH_DELETE) continue;
        a[m++] = x;
        *seen |= class_of(x);
    }
    return m;
}

/* _ROOM_NUMERAL: a[i..q) is a room written digit by digit with a zero among them that ends the
 * text right after one of ROOM_NUMERAL_AFTER (7幢1单元六〇三). */
static int room_numeral(const u32 *a, int i, int q, int m) {
    if (q != m || q - i < ROOM_NUMERAL_DIGITS_MIN || q - i > ROOM_NUMERAL_DIGITS_MAX) return 0;
    int zero = 0;
    for (int j = i; j < q; j++) {
        if (numeral(a[j]) >= 10) return 0;
        zero |= in_set(a[j], ZERO_NUMERALS);
    }
    for (const u32 *const *w = ROOM_NUMERAL_AFTER; zero && *w; w++) {
        int len = 0;
        while ((*w)[len]) len++;
        if (len <= i && word_at(a, m, i - len, *w) == len) return 1;
    }
    return 0;
}

/* Numerals right before a marker -> digits (a lone 第 stays), and a numeral room ending the
 * text: from a[0..m) into out. */
static int numerals(const u32 *a, int m, u32 *out) {
    int k = 0;
    for (int i = 0; i < m;) {
        if (class_of(a[i]) & (C_NUMERAL | C_DI)) {
            int q = i + 1;
            while (q < m && (class_of(a[q]) & C_NUMERAL)) q++;
            int start = a[i] == ORDINAL ? i + 1 : i;
            if (start < q && (any_word_at(a, m, q, NUMERAL_MARKERS) ||
                              (start == i && room_numeral(a, i, q, m)))) {
                k += numeral_digits(a, start, q, out + k);
            } else {
                for (int j = i; j < q; j++) out[k++] = a[j];
            }
            i = q;
        } else {
            out[k++] = a[i++];
        }
    }
    return k;
}

/* ([0-9A-Za-z])(BUILDING_SYNONYMS) -> \1幢 and ([0-9])(ROOM_SYNONYMS) -> \1室 in place, in one
 * pass (no word holds an alnum and neither replacement is one); the new length. */
static int synonyms(u32 *t, int m) {
    int k = 0;
    for (int i = 0; i < m; i++) {
        if (t[i] == ROOM_BELOW[0][0] && word_at(t, m, i, ROOM_BELOW[0])) {  /* 5单元2701号楼下: room */
            int d = 0;  /* the digits written before it, then ROOM_BELOW_AFTER */
            while (d < k && is_digit(t[k - 1 - d])) d++;
            if (d >= ROOM_BELOW_DIGITS_MIN && d <= ROOM_BELOW_DIGITS_MAX &&
                k - d >= ROOM_BELOW_AFTER_LENS[0] &&
                word_at(t, k - d, k - d - ROOM_BELOW_AFTER_LENS[0], ROOM_BELOW_AFTER[0])) {
                t[k++] = ROOM;
                continue;
            }
        }
        int syn = i > 0 && (class_of(t[i]) & C_SYNONYM);
        int w = syn && is_alnum(t[i - 1]) ? any_word_at(t, m, i, BUILDING_SYNONYMS) : 0;
        int r = syn && !w && is_digit(t[i - 1]) ? any_word_at(t, m, i, ROOM_SYNONYMS) : 0;
        if (w || r) {
            t[k++] = w ? BUILDING : ROOM;
            i += (w ? w : r) - 1;
        } else {
            t[k++] = t[i];
        }
    }
    return k;
}

static int upper_or_digit(u32 c) { return is_upper(c) || is_digit(c); }

/* The longest word of PINYIN_ENTRIES at t[q..z): its length, and its entries [*lo, *hi); or 0. */
static int pinyin_word_at(const u32 *t, int z, int q, int *lo, int *hi) {
    if (q + 1 >= z) return 0;  /* every word has two letters or more */
    int c = ((int)t[q] - 'A') * 26 + (int)t[q + 1] - 'A';
    for (int j = PINYIN_FIRST[c]; j < PINYIN_FIRST[c + 1]; j++) {
        int w = word_at(t, z, q, PINYIN_WORD[j]);
        if (w) {
            *lo = j;
            *hi = PINYIN_GROUP_END[j];
            return w;
        }
    }
    return 0;
}

static int same_name(const u32 *a, const u32 *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* Whether entry e (of token `own`) lies in a province or city of the entries of another of the
 * nt tokens [lo, hi). */
static int pinyin_supported(int e, int own, const int *lo, const int *hi, int nt) {
    const char *code = PINYIN_CODE[e];
    for (int t = 0; t < nt; t++)
        for (int j = lo[t]; j < hi[t] && t != own; j++) {
            const char *p = PINYIN_CODE[j];
            if (PINYIN_LEVEL[j] > 1) continue;
            int pl = (int)strlen(p);
            if ((pl == 2 || (pl == 4 && PINYIN_LEVEL[e] == 2)) && strncmp(code, p, (size_t)pl) == 0 &&
                (int)strlen(code) >= pl + 2)
                return 1;
        }
    return 0;
}

/* _pinyin_sub of the nt tokens [lo, hi) of a run: its names, largest first, into out (their
 * count), or -1 when the run stays. */
static int pinyin_names(const int *lo, const int *hi, int nt, u32 *out) {
    int level[MAX_INPUT], start[MAX_INPUT], len[MAX_INPUT], order[MAX_INPUT], nu = 0, o = 0;
    u32 text[MAX_INPUT];
    for (int k = 0; k < nt; k++) {
        int pick = -1, lv = 99;
        if (PINYIN_LEVEL[lo[k]] == PINYIN_KIND) {
            if (!nu) {
                level[0] = -1, start[0] = o, len[0] = 0;
                nu = 1;
            }
            for (const u32 *h = PINYIN_NAME[lo[k]]; *h; h++) text[o++] = *h, len[nu - 1]++;
            continue;
        }
        for (int pass = 0; pass < 3 && pick < 0; pass++) {
            if (pass == 2 && !(k + 1 < nt && PINYIN_LEVEL[lo[k + 1]] == PINYIN_KIND)) return -1;
            for (int j = lo[k]; j < hi[k]; j++) {
                int fits = pass == 0 ? PINYIN_ALONE[j] : pass == 1 ? pinyin_supported(j, k, lo, hi, nt) : 1;
                if (!fits) continue;
                if (pick >= 0 && !same_name(PINYIN_NAME[pick], PINYIN_NAME[j])) return -1;
                if (pick < 0) pick = j;
                if (PINYIN_LEVEL[j] < lv) lv = PINYIN_LEVEL[j];
            }
        }
        level[nu] = lv, start[nu] = o, len[nu] = 0;
        for (const u32 *h = PINYIN_NAME[pick]; *h; h++) text[o++] = *h, len[nu]++;
        nu++;
    }
    int named = 0, n = 0;
    for (int u = 0; u < nu; u++) {
        named |= level[u] >= 0;
        int v = u;  /* stable insertion by level */
        while (v > 0 && level[order[v - 1]] > level[u]) order[v] = order[v - 1], v--;
        order[v] = u;
    }
    if (!named) return -1;
    for (int u = 0; u < nu; u++)
        for (int x = 0; x < len[order[u]]; x++) out[n++] = text[start[order[u]] + x];
    return n;
}

/* _pinyin_sub over t[0..m) in place (a run's names are never longer than its letters): each run
 * of Latin letters made of the words of PINYIN_ENTRIES alone, the longest first at each place,
 * that names a place becomes its names (pinyin_names). */
static int pinyin(u32 *t, int m) {
    int k = 0;
    for (int i = 0; i < m;) {
        if (!is_upper(t[i])) {
            t[k++] = t[i++];
            continue;
        }
        int z = i, q = i, nt = 0, o = -1;
        while (z < m && is_upper(t[z])) z++;
        int lo[MAX_INPUT], hi[MAX_INPUT];
        u32 names[MAX_INPUT];
        while (q < z) {
            int w = pinyin_word_at(t, z, q, lo + nt, hi + nt);
            if (!w) break;
            nt++;
            q += w;
        }
        if (q == z) o = pinyin_names(lo, hi, nt, names);
        if (o >= 0) {
            for (int x = 0; x < o; x++) t[k++] = names[x];
        } else {
            for (int x = i; x < z; x++) t[k++] = t[x];
        }
        i = z;
    }
    return k;
}

/* The length of the run of digits at t[p..m) when it is 1 to most digits long, or 0. */
static int digits_upto(const u32 *t, int m, int p, int most) {
    int d = 0;
    while (p + d < m && is_digit(t[p + d])) d++;
    return d <= most ? d : 0;
}

/* _english over t[0..m) in place: an English address's room, building and door on a road
 * (rules.ENGLISH_WORDS) read and moved after the rest, whose pinyin is read first. */
static int english(u32 *t, int m) {
    int any = 0;  /* only a run of letters can start with one of the words */
    for (int i = 0; i < m && !any; i++)
        if (is_upper(t[i]) && (i == 0 || !is_upper(t[i - 1])))
            for (int w = 0; w < 3 && !any; w++)
                any = t[i] == ENGLISH_WORDS[w][0] && word_at(t, m, i, ENGLISH_WORDS[w]);
    if (!any) return m;
    u32 rest[MAX_INPUT], piece[3][MAX_INPUT];
    int nr = 0, np[3] = {0, 0, 0}, found = 0;
    for (int i = 0; i < m;) {
        int after_letter = i > 0 && is_upper(t[i - 1]), kind = -1, a = 0, d = 0, l = 0, end = 0;
        for (int w = 0; w < 3 && kind < 0 && !after_letter; w++) {
            int k = t[i] == ENGLISH_WORDS[w][0] ? word_at(t, m, i, ENGLISH_WORDS[w]) : 0;
            if (!k || !(d = digits_upto(t, m, i + k, ENGLISH_DIGITS[w]))) continue;
            a = i + k;
            end = a + d;
            if (w < 2) {
                kind = 2 - w;  /* room 2, building 1 */
                continue;
            }
            for (l = 1; l <= ENGLISH_ROAD_LETTERS && end + l <= m && is_upper(t[end + l - 1]); l++)
                if (word_at(t, m, end + l, ENGLISH_WORDS[3])) break;
            if (l <= ENGLISH_ROAD_LETTERS && end + l <= m && is_upper(t[end + l - 1]) &&
                word_at(t, m, end + l, ENGLISH_WORDS[3]))
                kind = 0;
        }
        if (kind < 0) {
            rest[nr++] = t[i++];
            continue;
        }
        found = 1;
        u32 *o = piece[kind];
        if (kind == 0) {  /* WENER路8号 */
            for (int x = 0; x < l; x++) o[np[0]++] = t[end + x];
            o[np[0]++] = ENGLISH_ROAD;
            for (int x = 0; x < d; x++) o[np[0]++] = t[a + x];
            o[np[0]++] = DOOR;
            i = end + l + ENGLISH_WORDS_LENS[3];
        } else {
            for (int x = 0; x < d; x++) o[np[kind]++] = t[a + x];
            o[np[kind]++] = kind == 2 ? ROOM : BUILDING;
            i = end;
        }
    }
    if (!found) return m;
    int k = pinyin(rest, nr);
    memcpy(t, rest, (size_t)k * sizeof(u32));
    for (int p = 0; p < 3; p++)
        for (int x = 0; x < np[p]; x++) t[k++] = piece[p][x];
    return k;
}

/* _BLANK, _pinyin_sub, _LOOSE_DASH and _LETTER_JOIN, each over what the one before left:
 * placeholder words no letter touches, provinces and cities in pinyin, dashes not between two
 * letters or digits, 一 between a letter and a digit. */
static int blanks(u32 *out, int m, unsigned seen) {
    u32 a[MAX_INPUT];
    if (seen & C_LETTER) {
        memcpy(a, out, (size_t)m * sizeof(u32));
        int k = 0;
        for (int i = 0; i < m;) {
            int w = (i == 0 || !is_upper(a[i - 1])) ? any_word_at(a, m, i, BLANK_WORDS) : 0;
            if (w && (i + w == m || !is_upper(a[i + w]))) {
                i += w;
            } else {
                out[k++] = a[i++];
            }
        }
        m = pinyin(out, english(out, k));
    }
    if (seen & C_DASH) {
        memcpy(a, out, (size_t)m * sizeof(u32));
        int k = 0;
        for (int i = 0; i < m; i++)
            if (a[i] != DASH || (i > 0 && upper_or_digit(a[i - 1]) && i + 1 < m &&
                                 upper_or_digit(a[i + 1])))
                out[k++] = a[i];
        m = k;
    }
    if (seen & C_JOIN) {
        memcpy(a, out, (size_t)m * sizeof(u32));
        int k = 0;
        for (int i = 0; i < m; i++)
            if (a[i] != LETTER_JOIN || i == 0 || !is_upper(a[i - 1]) || i + 1 == m ||
                !is_digit(a[i + 1]))
                out[k++] = a[i];
        m = k;
    }
    return m;
}

/* One of `words` ends right before t[p]. */
static int word_before(const u32 *t, int m, int p, const u32 *const *words) {
    for (const u32 *const *w = words; *w; w++) {
        int len = 0;
        while ((*w)[len]) len++;
        if (len <= p && word_at(t, m, p - len, *w) == len) return 1;
    }
    return 0;
}

/* One of HOME_WORDS ends right before t[p], and no VILLAGE_ENDS right before it (_home_door_sub). */
static int home_word_before(const u32 *t, int m, int p) {
    for (const u32 *const *w = HOME_WORDS; *w; w++) {
        int len = 0;
        while ((*w)[len]) len++;
        if (len <= p && word_at(t, m, p - len, *w) == len && !word_before(t, m, p - len, VILLAGE_ENDS))
            return 1;
    }
    return 0;
}

/* _DOOR_BUILDING and _HOME_DOOR in place: a run of 1-4 digits + 号 not after DOOR_AFTER, and
 * then 1-3 digits + 单元, 1-5 digits + 室, 1-DOOR_FLOOR_DIGITS digits + 层/楼, or
 * DOOR_ROOM_DIGITS digits ending the text; or ending the text right after one of HOME_WORDS
 * not after a village: the 号 becomes 幢. */
static void door_buildings(u32 *t, int m) {
    for (int i = 0; i < m; i++) {
        if (t[i] != DOOR) continue;
        int p = i;
        while (p > 0 && is_digit(t[p - 1])) p--;
        if (p == i || i - p > 4) continue;
        if (i + 1 == m && home_word_before(t, m, p)) {
            t[i] = BUILDING;
            continue;
        }
        if (p > 0 && in_set(t[p - 1], DOOR_AFTER)) continue;
        int k = digits_at(t, m, i + 1);
        if ((k && k <= 3 && any_word_at(t, m, i + 1 + k, UNIT_MARK)) ||
            (k && k <= 5 && i + 1 + k < m && t[i + 1 + k] == ROOM) ||
            (k && k <= DOOR_FLOOR_DIGITS && any_word_at(t, m, i + 1 + k, FLOOR_MARKS)) ||
            (k >= DOOR_ROOM_DIGITS_MIN && k <= DOOR_ROOM_DIGITS_MAX && i + 1 + k == m))
            t[i] = BUILDING;
    }
}

static int phone_edge(const u32 *t, int m, int i) {
    return i >= 0 && i < m && (upper_or_digit(t[i]) || t[i] == DASH);
}

/* The length of the mobile number at t[i] (13812345678, 138-1234-5678, 138****5678 left as
 * its MOBILE_MASKED digits), or 0; what touches it is the caller's to check. */
static int mobile_len(const u32 *t, int m, int i) {
    if (i + MOBILE_HEAD > m || t[i] != MOBILE_LEAD || !in_set(t[i + 1], MOBILE_SECOND)) return 0;
    int run = digits_at(t, m, i), g = i + MOBILE_HEAD;
    if (run == MOBILE_DIGITS || run == MOBILE_MASKED) return run;
    if (run == MOBILE_HEAD && g < m && t[g] == DASH && digits_at(t, m, g + 1) == MOBILE_GROUP &&
        g + 1 + MOBILE_GROUP < m && t[g + 1 + MOBILE_GROUP] == DASH &&
        digits_at(t, m, g + 2 + MOBILE_GROUP) == MOBILE_GROUP)
        return MOBILE_HEAD + 2 * (1 + MOBILE_GROUP);
    return 0;
}

/* The length of the telephone number (_PHONE_TEXT) at t[i]: a mobile number, one after a
 * country code, or a landline; 0 when none is there or it touches a letter, digit or dash. */
static int phone_len(const u32 *t, int m, int i) {
    if (phone_edge(t, m, i - 1)) return 0;
    int len = mobile_len(t, m, i);
    for (const u32 *const *c = COUNTRY_CODES; *c && !len; c++) {
        int w = word_at(t, m, i, *c);
        if (w && i + w < m && t[i + w] == DASH) w++;  /* +86-138... */
        int k = w ? mobile_len(t, m, i + w) : 0;
        if (k) len = w + k;
    }
    int run = digits_at(t, m, i);
    if (!len && t[i] == LANDLINE_LEAD && run >= LANDLINE_AREA_MIN && run <= LANDLINE_AREA_MAX &&
        i + run < m && t[i + run] == DASH) {
        int number = digits_at(t, m, i + run + 1);
        if (number >= LANDLINE_NUMBER_MIN && number <= LANDLINE_NUMBER_MAX) len = run + 1 + number;
    }
    return len && !phone_edge(t, m, i + len) ? len : 0;
}

/* The fewest digits in a row any telephone number _PHONE takes holds: a grouped mobile's
 * longest group (138-1234-5678), a masked one's, a whole one's, a landline's number. */
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define MIN2(a, b) ((a) < (b) ? (a) : (b))
#define PHONE_RUN MIN2(MIN2(MAX2(MOBILE_HEAD, MOBILE_GROUP), MOBILE_MASKED), \
                       MIN2(MOBILE_DIGITS, LANDLINE_NUMBER_MIN))

/* Whether t[0..m) holds `len` digits in a row. */
static int digit_run(const u32 *t, int m, int len) {
    for (int i = 0, run = 0; i < m; i++)  /* the run's length kept without a branch */
        if ((run = (run + 1) & -(int)is_digit(t[i])) >= len) return 1;
    return 0;
}

/* _PHONE: telephone numbers not touching a letter, digit or dash go; the new length. */
static int phones(u32 *t, int m) {
    if (!digit_run(t, m, PHONE_RUN)) return m;  /* most texts: no number is long enough */
    int k = 0;
    for (int i = 0; i < m;) {
        int run = is_digit(t[i]) && !phone_edge(t, m, i - 1) ? digits_at(t, m, i) : 0;
        int len = run ? phone_len(t, m, i) : 0;
        if (len) {
            i += len;
            continue;
        }
        int copy = run ? run : 1;
        if (k == i) {  /* nothing gone yet: nothing to move */
            k += copy;
            i += copy;
            continue;
        }
        for (int j = 0; j < copy; j++) t[k++] = t[i++];
    }
    return k;
}

static int name_char(u32 c) { return is_cjk(c) && !in_set(c, RECIPIENT_AFTER); }

static int name_chars(const u32 *t, int a, int z) {
    for (int i = a; i < z; i++)
        if (!name_char(t[i])) return 0;
    return 1;
}

/* _RECIPIENT: where a recipient ending the text starts (王女士收, 转财务部), or m. Which of
 * RECIPIENT_ENDS end the text does not depend on where the recipient starts: they are found
 * once, and a text that ends with none and holds no FORWARD near its end is passed at once. */
static int recipient(const u32 *t, int m) {
    int reach = 1 + FORWARD_CHARS_MAX, ne = 0;
    int ends[sizeof RECIPIENT_ENDS / sizeof *RECIPIENT_ENDS];  /* lengths of the words ending t */
    for (int w = 0; RECIPIENT_ENDS[w]; w++) {
        int len = RECIPIENT_ENDS_LENS[w];
        if (RECIPIENT_CHARS_MAX + len > reach) reach = RECIPIENT_CHARS_MAX + len;
        if (len < m && word_at(t, m, m - len, RECIPIENT_ENDS[w]) == len)
            ends[ne++] = len;
    }
    int from = m - reach > 1 ? m - reach : 1, forward = 0;
    for (int p = from; p < m && !forward; p++) forward = t[p] == FORWARD;
    if (ne == 0 && !forward) return m;
    for (int p = from; p < m; p++) {
        if (!upper_or_digit(t[p - 1]) && !in_set(t[p - 1], RECIPIENT_AFTER)) continue;
        int rest = m - p - 1;
        if (t[p] == FORWARD && rest >= FORWARD_CHARS_MIN && rest <= FORWARD_CHARS_MAX &&
            name_chars(t, p + 1, m))
            return p;
        for (int j = 0; j < ne; j++) {
            int x = m - p - ends[j];
            if (x >= RECIPIENT_CHARS_MIN && x <= RECIPIENT_CHARS_MAX && name_chars(t, p, p + x))
                return p;
        }
    }
    return m;
}

/* normalize._FORMER: t[a..z) is REMARK_FORMER then FORMER_CHARS Chinese characters, the last
 * one of FORMER_ENDS, not ending in GENERIC (原下城区, not 原野小区). */
static int former(const u32 *t, int a, int z) {
    int len = z - a - 1;
    if (len < FORMER_CHARS_MIN || len > FORMER_CHARS_MAX || t[a] != REMARK_FORMER ||
        !in_set(t[z - 1], FORMER_ENDS))
        return 0;
    for (int q = a + 1; q < z; q++)
        if (!is_cjk(t[q])) return 0;
    return !ends_with_any(t, a + 1, z, GENERIC);
}

/* _REMARK before NOISE, in place (the table kept only a remark's brackets of the punctuation, as
 * '(' and ')'): a bracketed text right after a digit or one of REMARK_AFTER, or ending the text,
 * goes with its brackets; other brackets go alone. `fence`: no remark is after t[k-1] unless k
 * is past it (a bracket in between, or a remark that took the character before it). */
static int remarks(u32 *t, int m) {
    const u32 open = REMARK_OPEN[0], close = REMARK_CLOSE[0];
    int k = 0, fence = 0;
    for (int i = 0; i < m; i++) {
        if (t[i] != open && t[i] != close) {
            t[k++] = t[i];
            continue;
        }
        int j = i + 1;
        while (t[i] == open && j < m && t[j] != open && t[j] != close) j++;
        if (t[i] == open && j < m && t[j] == close) {
            int after = k > fence && is_digit(t[k - 1]);
            for (const u32 *const *w = REMARK_AFTER; *w && !after; w++) {
                int len = 0;
                while ((*w)[len]) len++;
                after = k - len >= fence && word_at(t, k, k - len, *w) == len;
            }
            if (!after && j != m - 1 && !former(t, i + 1, j))
                for (int q = i + 1; q < j; q++) t[k++] = t[q];
            i = j;
        }
        fence = k;
    }
    return k;
}

/* _NAMED_PHONE: where a name and the telephone number ending the text start, when a digit, a
 * letter or one of RECIPIENT_AFTER is before them (1606室|徐静13098566234); else m. The number
 * starts after a name character, so it is the run of digits and dashes ending the text. */
static int named_phone(const u32 *t, int m) {
    int p = m;
    while (p > 0 && (is_digit(t[p - 1]) || t[p - 1] == DASH)) p--;
    if (p == m || phone_len(t, m, p) != m - p) return m;
    int q = p;
    while (q > 0 && name_char(t[q - 1])) q--;
    if (q == 0 || p - q < NAMED_PHONE_CHARS_MIN || p - q > NAMED_PHONE_CHARS_MAX) return m;
    return upper_or_digit(t[q - 1]) || in_set(t[q - 1], RECIPIENT_AFTER) ? q : m;
}

int normalize_utf8(const uint8_t *text, int bytes, u32 *out, uint64_t *shape) {
    unsigned seen = 0;
    int m = mapped(text, bytes, out, &seen);
    if (m < 0) return -1;
    if (seen & C_BRACKET) m = remarks(out, m);
    if (seen & (C_LETTER | C_DASH | C_JOIN)) m = blanks(out, m, seen);
    if (m >= MOBILE_MASKED) m = phones(out, named_phone(out, m));
    m = recipient(out, m);
    if (seen & C_HASH) {  /* ([0-9A-Za-z])#楼? -> \1幢, then any other # goes */
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (out[i] != HASH) {
                out[k++] = out[i];
            } else if (i > 0 && is_alnum(out[i - 1])) {
                out[k++] = BUILDING;
                if (i + 1 < m && out[i + 1] == HASH_FLOOR) i++;
            }
        }
        m = k;
    }
    if (seen & C_NUMERAL) {
        u32 a[MAX_INPUT];
        memcpy(a, out, (size_t)m * sizeof(u32));
        m = numerals(a, m, out);
    }
    if (seen & C_SYNONYM) m = synonyms(out, m);
    if (seen & C_DOOR) door_buildings(out, m);
    /* (?<!\d)0+(?=\d) goes (0502 -> 502, 00 -> 0), and the shape is hashed (shapes.c) */
    uint64_t h = HASH_SEED;
    int k = 0;
    u32 before = 0;  /* the character before out[i] as it was read */
    for (int i = 0; i < m;) {
        u32 c = out[i];
        if (c == '0' && !is_digit(before)) {
            int run = 1;
            while (i + run < m && out[i + run] == '0') run++;
            int keep = (i + run < m && is_digit(out[i + run])) ? 0 : 1;
            for (int j = 0; j < keep; j++) {
                out[k++] = '0';
                h = shape_mix(h, '0');
            }
            i += run;
            before = '0';
        } else {
            out[k++] = c;
            h = shape_mix(h, c);
            before = c;
            i++;
        }
    }
    if (k > MAX_CHARS) return -1;
    *shape = shape_end(h, k);
    return k;
}
