/* parse_many's batch entry point: Arrow UTF-8 in; for each row its normalized text as UTF-8, the
 * byte span of each parsed field in it and the deepest division code out, the batch split over
 * threads (batch.c). A row it cannot normalize exactly as the reference does is marked DEFER and
 * left to Python. gather_strings then builds an Arrow string column from such spans. */
#include <string.h>

#include "core.h"

enum { OK = 0, DEFER = 1 };
#define SPAN_COUNT (PARSE_FIELD_COUNT + 1)  /* the fields, then the normalized text itself */

typedef struct {
    const registry *r;
    const char *prefer;
    strings in;
    const int64_t *room_at;  /* row i writes its text into text[room_at[i] .. room_at[i + 1]) */
    uint8_t *text;
    int32_t *spans;          /* SPAN_COUNT (start in text, length; -1: absent) a row */
    char *deep;              /* CODE_MAX a row */
    uint8_t *deep_len, *status;
} parse_job;

/* s[0..n) as UTF-8 into out (room for `room` bytes), at[i] the byte where s[i] starts; the
 * bytes written, or -1 when they do not fit. */
static int64_t utf8(const u32 *s, int n, uint8_t *out, int64_t room, int32_t *at) {
    int64_t k = 0;
    for (int i = 0; i < n; i++) {
        u32 c = s[i];
        at[i] = (int32_t)k;
        int w = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;  /* the normalized text is in the BMP */
        if (k + w > room) return -1;
        if (w == 1) {
            out[k] = (uint8_t)c;
        } else if (w == 2) {
            out[k] = (uint8_t)(0xc0 | (c >> 6));
            out[k + 1] = (uint8_t)(0x80 | (c & 0x3f));
        } else {
            out[k] = (uint8_t)(0xe0 | (c >> 12));
            out[k + 1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
            out[k + 2] = (uint8_t)(0x80 | (c & 0x3f));
        }
        k += w;
    }
    at[n] = (int32_t)k;
    return k;
}

/* Row i: normalized, parsed (by shape, through `memo`) and written out; DEFER when it cannot. */
static int parse_row(const parse_job *b, shape_memo *memo, int64_t i) {
    int bytes = 0;
    const uint8_t *raw = string_at(&b->in, i, &bytes);
    u32 s[MAX_INPUT * 4];
    uint64_t shape;
    int m = raw == NULL ? -1 : normalize_utf8(raw, bytes, s, &shape);
    if (m <= 0) return DEFER;  /* null, empty, unreadable or unusual: the reference says why */
    int32_t at[MAX_CHARS + 1];
    int64_t start = b->room_at[i];
    if (utf8(s, m, b->text + start, b->room_at[i + 1] - start, at) < 0) return DEFER;
    parsed p;
    if (memo == NULL || !memo_get(memo, s, m, shape, &p)) {
        parse_shape(b->r, s, m, &p, b->prefer);
        if (memo) memo_put(memo, s, m, shape, &p);
    }
    unpad(s, &p);
    span all[SPAN_COUNT] = PARSE_SPANS(p);
    all[PARSE_FIELD_COUNT] = (span){0, m};
    int32_t *out = b->spans + 2 * SPAN_COUNT * i;
    for (int f = 0; f < SPAN_COUNT; f++) {
        out[2 * f] = all[f].a < 0 ? 0 : (int32_t)start + at[all[f].a];
        out[2 * f + 1] = all[f].a < 0 ? -1 : at[all[f].z] - at[all[f].a];
    }
    memcpy(b->deep + CODE_MAX * i, p.deep, (size_t)p.deep_len);
    b->deep_len[i] = (uint8_t)p.deep_len;
    return OK;
}

static void parse_rows(const void *job, shape_memo *memo, int64_t from, int64_t to) {
    const parse_job *b = job;
    for (int64_t i = from; i < to; i++) b->status[i] = (uint8_t)parse_row(b, memo, i);
}

/* Parse rows [0, n) of an Arrow string array (offsets, data, validity bitmap or NULL, array
 * offset `base`), split over `threads` threads: row i's normalized text goes to
 * text[room_at[i] ..) (DEFER when it does not fit), its spans to spans[2 * SPAN_COUNT * i ..)
 * (rules.PARSE_FIELDS, then the text; start, length or -1), its deepest code to
 * deep[CODE_MAX * i ..) and deep_len[i], OK or DEFER to status[i]. Returns SPAN_COUNT. */
int parse_batch(registry *r, const char *prefer, int64_t n, const int32_t *offsets,
                const uint8_t *data, const uint8_t *valid, int64_t base, const int64_t *room_at,
                uint8_t *text, int32_t *spans, char *deep, uint8_t *deep_len, uint8_t *status,
                int threads) {
    parse_job b = {r, prefer, {offsets, data, valid, base}, room_at, text, spans, deep,
                   deep_len, status};
    split_rows(r, n, threads, parse_rows, &b);
    return SPAN_COUNT;
}

/* An Arrow string column from n spans (start in src, length; -1: null) `stride` int32 apart:
 * offsets[0..n] and the bytes into out (room for the lengths' sum). */
void gather_strings(int64_t n, const int32_t *spans, int64_t stride, const uint8_t *src,
                    int32_t *offsets, uint8_t *out) {
    int32_t k = 0;
    offsets[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        const int32_t *v = spans + stride * i;
        if (v[1] > 0) {
            memcpy(out + k, src + v[0], (size_t)v[1]);
            k += v[1];
        }
        offsets[i + 1] = k;
    }
}
