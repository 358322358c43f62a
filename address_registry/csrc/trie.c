/* The division names as a trie, built in C from the div_names table when it is copied in: the
 * names written at a position are found in one walk down from its first character, a step a
 * character, whatever the number of names sharing their first characters. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define BMP 65536

static uint64_t edge_hash(int32_t parent, u32 c) {
    uint64_t h = hash_mix(hash_mix(HASH_SEED, (u32)parent), c);
    return h ^ (h >> 29);
}

/* The child of `node` by character c, or 0. */
static inline int32_t child(const name_trie *t, int32_t node, u32 c) {
    if (node == 0 && c < BMP) return t->root[c];
    for (uint64_t i = edge_hash(node, c) & t->mask; t->edges[i].child; i = (i + 1) & t->mask)
        if (t->edges[i].parent == (uint32_t)node && t->edges[i].ch == c) return t->edges[i].child;
    return 0;
}

/* The child of `node` by c, made when there is none (*nodes: the nodes made so far). */
static int32_t add_child(name_trie *t, int32_t node, u32 c, int32_t *nodes) {
    int32_t next = child(t, node, c);
    if (next) return next;
    next = (*nodes)++;
    if (node == 0 && c < BMP) {
        t->root[c] = next;
        return next;
    }
    uint64_t i = edge_hash(node, c) & t->mask;
    while (t->edges[i].child) i = (i + 1) & t->mask;
    t->edges[i] = (trie_edge){(uint32_t)node, c, next};
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
    if (t->root == NULL || t->edges == NULL || t->info == NULL) {
        trie_free(t);
        return -1;
    }
    int32_t nodes = 1;  /* node 0 is the root */
    for (int64_t e = 0; e < names->n; e++) {
        const u32 *rec = table_entry(names, (int32_t)e);
        int32_t node = 0;
        for (u32 k = 0; k < rec[0]; k++) {
            node = add_child(t, node, rec[2 + k], &nodes);
        }
        t->info[node] = (int32_t)((rec[1] + 1) << 1) | (t->info[node] & 1);
    }
    return 0;
}

void trie_free(name_trie *t) {
    free(t->root);
    free(t->edges);
    free(t->info);
    memset(t, 0, sizeof *t);
}

int names_at(const registry *r, const u32 *s, int n, int pos, name_found *found) {
    const name_trie *t = &r->div_trie;
    if (t->root == NULL) return 0;
    int count = 0;
    int32_t node = 0;
    /* one character is a name only where it ends the text (the reference looks names up by
     * their first two characters, or the one left) */
    for (int d = 0; pos + d < n && d < MAX_CHARS; d++) {
        node = child(t, node, s[pos + d]);
        if (node == 0) break;
        int32_t info = t->info[node];
        if ((info >> 1) && (d > 0 || pos + 1 == n)) found[count++] = (name_found){(info >> 1) - 1, d + 1};
        if (!(info & 1)) break;
    }
    for (int i = 0, j = count - 1; i < j; i++, j--) {  /* longest first */
        name_found x = found[i];
        found[i] = found[j];
        found[j] = x;
    }
    return count;
}
