/* The distinct strings of an Arrow string array, in first-seen order (what pyarrow's unique
 * gives), found with one open-addressing pass: the matcher sees each string once. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static uint64_t hash_bytes(const uint8_t *b, int64_t n) {
    uint64_t h = 0x243f6a8885a308d3ull ^ (uint64_t)n;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, b + i, (size_t)(n - i));
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* Rows [0, n) of an Arrow string array (offsets, data, validity bitmap or NULL, array offset
 * `base`): writes the index of each distinct value's first row to `first`, in order, and
 * returns their count (a null is one value); -1 when out of memory. */
int64_t distinct_rows(int64_t n, const int32_t *offsets, const uint8_t *data, const uint8_t *valid,
                      int64_t base, int32_t *first) {
    uint64_t slots = 16;
    while (slots < (uint64_t)n * 2) slots <<= 1;
    typedef struct { uint32_t tag; int32_t row; } seen;  /* row -1: empty */
    seen *table = malloc(slots * sizeof *table);
    if (table == NULL) return -1;
    memset(table, 0xff, slots * sizeof *table);
    int64_t count = 0, null_at = -1;
    for (int64_t i = 0; i < n; i++) {
        int64_t at = base + i;
        if (valid && !((valid[at >> 3] >> (at & 7)) & 1)) {
            if (null_at < 0) first[count++] = (int32_t)(null_at = i);
            continue;
        }
        const uint8_t *text = data + offsets[at];
        int64_t len = offsets[at + 1] - offsets[at];
        uint64_t h = hash_bytes(text, len);
        uint32_t tag = (uint32_t)(h >> 32);
        for (uint64_t s = h & (slots - 1);; s = (s + 1) & (slots - 1)) {
            seen e = table[s];
            if (e.row < 0) {
                table[s] = (seen){tag, (int32_t)i};
                first[count++] = (int32_t)i;
                break;
            }
            if (e.tag != tag) continue;
            int64_t other = base + e.row;
            if (offsets[other + 1] - offsets[other] == len &&
                memcmp(data + offsets[other], text, (size_t)len) == 0)
                break;
        }
    }
    free(table);
    return count;
}
