/* Parses remembered by shape (shapes.py's idea, in C): texts that differ only in their digits
 * (金都花园3幢2单元502室, 金都花园5幢1单元301室) parse to the same spans, since the parse reads
 * whether a character is a digit, never which digit, but for unpad (and for a division name
 * that holds a digit: a registry with one has no memo). So a batch parses each shape once and
 * gives the spans to every text of that shape, which unpad then finishes. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define MEMO_SLOTS 8192        /* a power of two, twice the entries */
#define MEMO_ENTRIES 4096      /* shapes remembered; later ones are parsed text by text */
#define MEMO_POINTS (1 << 18)  /* code points of all remembered shapes */

typedef struct {
    uint64_t hash;
    uint32_t at, len;          /* the shape: points[at .. at + len) */
    parsed p;
} memo_entry;

struct shape_memo {
    int32_t slots[MEMO_SLOTS];  /* entry index, or -1 */
    int32_t entries_used;
    uint32_t points_used;
    memo_entry entries[MEMO_ENTRIES];
    u32 points[MEMO_POINTS];
};

shape_memo *memo_new(void) {
    shape_memo *m = malloc(sizeof *m);
    if (m) memset(m, 0, sizeof *m);  /* every page mapped now, not by the threads that fill it */
    return m;
}

void memo_clear(shape_memo *m) {
    memset(m->slots, 0xff, sizeof m->slots);
    m->entries_used = 0;
    m->points_used = 0;
}

int memo_get(const shape_memo *m, const u32 *s, int n, uint64_t h, parsed *p) {
    for (uint32_t i = (uint32_t)h & (MEMO_SLOTS - 1);; i = (i + 1) & (MEMO_SLOTS - 1)) {
        int32_t e = m->slots[i];
        if (e < 0) return 0;
        const memo_entry *x = &m->entries[e];
        if (x->hash != h || x->len != (uint32_t)n) continue;
        const u32 *k = m->points + x->at;
        int j = 0;
        while (j < n && k[j] == shape_of(s[j])) j++;
        if (j == n) {
            *p = x->p;
            return 1;
        }
    }
}

void memo_put(shape_memo *m, const u32 *s, int n, uint64_t h, const parsed *p) {
    if (m->entries_used == MEMO_ENTRIES || m->points_used + (uint32_t)n > MEMO_POINTS) return;
    memo_entry *x = &m->entries[m->entries_used];
    x->hash = h;
    x->at = m->points_used;
    x->len = (uint32_t)n;
    x->p = *p;
    for (int j = 0; j < n; j++) m->points[x->at + j] = shape_of(s[j]);
    m->points_used += (uint32_t)n;
    uint32_t i = (uint32_t)h & (MEMO_SLOTS - 1);
    while (m->slots[i] >= 0) i = (i + 1) & (MEMO_SLOTS - 1);
    m->slots[i] = m->entries_used++;
}
