/* The division names as a trie, built in C from the div_names table when it is copied in: the
 * names written at a position are found in one walk down from its first character, a step a
 * character, whatever the number of names sharing their first characters. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define BMP 65536
#define PAIR_BITS (1u << 20)  /* 128 KiB: stays in the near caches */

static uint64_t edge_hash(int32_t parent, u32 c) {
    uint64_t h = hash_mix(hash_mix(HASH_SEED, (u32)parent), c);
    return h ^ (h >> 29);
}

static inline uint32_t pair_bit(u32 a, u32 b) {
    return (uint32_t)(hash_mix(hash_mix(HASH_SEED, a), b) >> 32) & (PAIR_BITS - 1);
}

/* The edge from a node other than the root by character c, or NULL. */
static inline const trie_edge *edge(const name_trie *t, int32_t node, u32 c) {
    for (uint64_t i = edge_hash(node, c) & t->mask; t->edges[i].child; i = (i + 1) & t->mask)
        if (t->edges[i].parent == (uint32_t)node && t->edges[i].ch == c) return &t->edges[i];
    return NULL;
}

/* The child of `node` by c, made when there is none (*nodes: the nodes made so far). */
static int32_t add_child(name_trie *t, int32_t node, u32 c, int32_t *nodes) {
    if (node == 0 && c < BMP) {
        if (!t->root[c]) t->root[c] = (*nodes)++;
        return t->root[c];
    }
    const trie_edge *e = edge(t, node, c);
    if (e) return e->child;
    int32_t next = (*nodes)++;
    uint64_t i = edge_hash(node, c) & t->mask;
    while (t->edges[i].child) i = (i + 1) & t->mask;
    t->edges[i] = (trie_edge){(uint32_t)node, c, next, 0};
    t->info[node] |= 1;
    return next;
}

int trie_build(name_trie *t, const table *names) {
    trie_free(t);
    int64_t chars = 0;
    for (int64_t e = 0; e < names->n; e++) chars += table_entry(names, (int32_t)e)[0];
    uint64_t slots = 16;
    while (slots < (uint64_t)chars * 2) slots <<= 1;
    t->mask = slots - 1;
    t->root = calloc(BMP, sizeof *t->root);
    t->edges = calloc(slots, sizeof *t->edges);
    t->info = calloc((size_t)chars + 1, sizeof *t->info);
    t->pairs = calloc(PAIR_BITS / 64, sizeof *t->pairs);
    if (t->root == NULL || t->edges == NULL || t->info == NULL || t->pairs == NULL) {
        trie_free(t);
        return -1;
    }
    int32_t nodes = 1;  /* node 0 is the root */
    for (int64_t e = 0; e < names->n; e++) {
        const u32 *rec = table_entry(names, (int32_t)e);
        int32_t node = 0;
        for (u32 k = 0; k < rec[0]; k++) node = add_child(t, node, rec[2 + k], &nodes);
        t->info[node] = (int32_t)((rec[1] + 1) << 1) | (t->info[node] & 1);
        if (rec[0] >= 2) {
            uint32_t b = pair_bit(rec[2], rec[3]);
            t->pairs[b >> 6] |= 1ull << (b & 63);
        }
    }
    for (uint64_t i = 0; i <= t->mask; i++)  /* each edge carries its child's info */
        if (t->edges[i].child) t->edges[i].info = t->info[t->edges[i].child];
    return 0;
}

void trie_free(name_trie *t) {
    free(t->root);
    free(t->edges);
    free(t->info);
    free(t->pairs);
    memset(t, 0, sizeof *t);
}

int names_at(const registry *r, const u32 *s, int n, int pos, name_found *found) {
    const name_trie *t = &r->div_trie;
    if (t->root == NULL || pos >= n) return 0;
    u32 c = s[pos];
    const trie_edge *e = c < BMP ? NULL : edge(t, 0, c);  /* (beyond the BMP: rare) */
    int32_t node = c < BMP ? t->root[c] : e ? e->child : 0;
    if (node == 0) return 0;
    int count = 0;
    /* one character is a name only where it ends the text (the reference looks names up by
     * their first two characters, or the one left) */
    if (pos + 1 == n) {
        int32_t info = t->info[node];
        if (info >> 1) found[count++] = (name_found){(info >> 1) - 1, 1};
        return count;
    }
    uint32_t b = pair_bit(c, s[pos + 1]);
    if (!((t->pairs[b >> 6] >> (b & 63)) & 1)) return 0;
    for (int d = 1; pos + d < n && d < MAX_CHARS; d++) {
        e = edge(t, node, s[pos + d]);
        if (e == NULL) break;
        node = e->child;
        if (e->info >> 1) found[count++] = (name_found){(e->info >> 1) - 1, d + 1};
        if (!(e->info & 1)) break;
    }
    for (int i = 0, j = count - 1; i < j; i++, j--) {  /* longest first */
        name_found x = found[i];
        found[i] = found[j];
        found[j] = x;
    }
    return count;
}
