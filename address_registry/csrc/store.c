/* The registry's tables and arrays, copied in from Python by name, and the text helpers. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

uint64_t table_hash(const u32 *k, int n) {
    uint64_t h = HASH_SEED ^ (uint64_t)n;
    for (int i = 0; i < n; i++) h = hash_mix(h, k[i]);
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* From slot i on, the first slot that is empty or carries `tag`. */
static uint64_t next_slot(const table *t, uint64_t i, uint32_t tag) {
    for (;; i = (i + 1) & t->mask)
        if (t->slots[i].at == 0 || t->slots[i].tag == tag) return i;
}

int64_t table_find(const table *t, const u32 *key, int n, uint64_t h) {
    if (t->slots == NULL || n <= 0) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = next_slot(t, h & t->mask, tag); t->slots[i].at;
         i = next_slot(t, (i + 1) & t->mask, tag)) {
        const u32 *rec = t->arena + t->slots[i].at - 1;
        if (rec[0] != (u32)n) continue;
        int j = 0;
        while (j < n && rec[2 + j] == key[j]) j++;
        if (j == n) return (int32_t)rec[1];
    }
    return -1;
}

int64_t table_get(const table *t, const u32 *key, int n) {
    return table_find(t, key, n, table_hash(key, n));
}

void table_prefetch_record(const table *t, uint64_t h) {
    if (t->slots == NULL) return;
    slot s = t->slots[next_slot(t, h & t->mask, (uint32_t)(h >> 32))];
    if (s.at) __builtin_prefetch(t->arena + s.at - 1);
}

int multimap_get(const multimap *m, const u32 *key, int n, const int32_t **items) {
    int64_t v = table_get(&m->t, key, n);
    if (v < 0) return 0;
    *items = m->items + m->list_off[v];
    return m->list_off[v + 1] - m->list_off[v];
}

static void *copy(const void *src, size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (p && bytes) memcpy(p, src, bytes);
    return p;
}

static void build_table(table *t, const u32 *keys, const int64_t *off, const int32_t *val,
                        int64_t n) {
    uint64_t slots = 16;
    while (slots < (uint64_t)n * 4) slots <<= 1;
    t->mask = slots - 1;
    t->n = n;
    t->arena = malloc(((size_t)off[n] + 2 * (size_t)n + 1) * sizeof(u32));
    t->record = malloc((size_t)(n ? n : 1) * sizeof(uint32_t));
    t->slots = calloc(slots, sizeof(slot));
    uint32_t at = 0;
    for (int64_t e = 0; e < n; e++) {
        int len = (int)(off[e + 1] - off[e]);
        uint64_t h = table_hash(keys + off[e], len);
        t->record[e] = at;
        t->arena[at] = (u32)len;
        t->arena[at + 1] = (u32)val[e];
        memcpy(t->arena + at + 2, keys + off[e], (size_t)len * sizeof(u32));
        uint64_t i = h & t->mask;
        while (t->slots[i].at) i = (i + 1) & t->mask;
        t->slots[i] = (slot){(uint32_t)(h >> 32), at + 1};
        at += 2 + (uint32_t)len;
    }
}

registry *reg_new(void) { return calloc(1, sizeof(registry)); }

/* A member of the registry by name: tables, arrays, and multimap lists ("<table>.list_off",
 * "<table>.items"); the names are rules.REGISTRY_* (rules_gen.h). */
typedef struct { const char *name; size_t at; } member;

#define TABLE_MEMBER(name, path) {#name, offsetof(registry, path)},
#define ARRAY_MEMBER(path) {#path, offsetof(registry, path)},
static const member TABLES[] = {REGISTRY_TABLES(TABLE_MEMBER)};
static const member ARRAYS[] = {REGISTRY_ARRAYS(ARRAY_MEMBER)};
static const member SCALARS[] = {REGISTRY_SCALARS(ARRAY_MEMBER)};

#define COUNT(list) (sizeof list / sizeof *list)

static void *member_named(registry *r, const member *list, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].name, name) == 0) return (char *)r + list[i].at;
    return NULL;
}

/* A table by name from keys (concatenated code points with offsets) and values; 0 on success. */
int reg_table(registry *r, const char *name, const u32 *keys, const int64_t *off,
              const int32_t *val, int64_t n) {
    table *t = member_named(r, TABLES, COUNT(TABLES), name);
    if (t == NULL) return -1;
    build_table(t, keys, off, val, n);
    if (t != &r->div_names.t) return 0;
    for (int64_t i = 0; i < off[n]; i++) r->div_digits |= is_digit(keys[i]);
    return trie_build(&r->div_trie, t);
}

/* child_sig of each div_children pair, once its items and the names they point to are in. */
static int child_sigs_build(registry *r) {
    const multimap *m = &r->div_children;
    int64_t pairs = m->t.n ? m->list_off[m->t.n] / 2 : 0;
    free(r->child_sig);
    r->child_sig = malloc((size_t)(pairs ? pairs : 1) * sizeof *r->child_sig);
    if (r->child_sig == NULL) return -1;
    for (int64_t i = 0; i < pairs; i++) {
        const u32 *e = table_entry(&r->div_names.t, m->items[2 * i]);
        u32 len = e[0], last = len ? e[1 + len] : 0, first = len ? e[2] : 0,
            second = len > 1 ? e[3] : 0;
        int plain = len < CHILD_SIG_ANY && last < 0x10000 && first < 0x10000 && second < 0x10000;
        r->child_sig[i] = plain ? (uint64_t)len | (uint64_t)last << 8 | (uint64_t)first << 24 |
                                      (uint64_t)second << 40
                                : CHILD_SIG_ANY;
    }
    return 0;
}

/* An array by name (copied), or an int32 scalar; 0 on success. */
int reg_array(registry *r, const char *name, const void *data, int64_t bytes) {
    int32_t *scalar = member_named(r, SCALARS, COUNT(SCALARS), name);
    if (scalar != NULL) {
        if (bytes != sizeof *scalar) return -1;
        memcpy(scalar, data, sizeof *scalar);
        return 0;
    }
    void **slot = member_named(r, ARRAYS, COUNT(ARRAYS), name);
    if (slot == NULL) return -1;
    free(*slot);
    *slot = copy(data, (size_t)bytes);
    if (slot == (void **)&r->div_children.items && r->div_names.t.arena != NULL)
        return child_sigs_build(r);  /* (the names come first: native._load_divisions) */
    return 0;
}

static void free_table(table *t) {
    free(t->slots);
    free(t->arena);
    free(t->record);
}

/* The shape memos of `threads` threads, made ahead of the first batch; 0 on success. */
int reg_memos(registry *r, int threads) {
    for (int t = 0; t < threads && t < MAX_THREADS; t++)
        if (r->memos[t] == NULL && (r->memos[t] = memo_new()) == NULL) return -1;
    return 0;
}

/* Everything a registry holds, and the registry. */
void reg_free(registry *r) {
    if (r == NULL) return;
    for (size_t i = 0; i < COUNT(TABLES); i++) free_table((table *)((char *)r + TABLES[i].at));
    for (size_t i = 0; i < COUNT(ARRAYS); i++) free(*(void **)((char *)r + ARRAYS[i].at));
    for (int i = 0; i < MAX_THREADS; i++) free(r->memos[i]);
    trie_free(&r->div_trie);
    free(r->child_sig);
    free(r);
}

/* ---- text helpers -------------------------------------------------------------------------- */
const uint64_t MARKS[65536 / 64] = MARK_BITS;

int ends_with_any(const u32 *s, int a, int z, const u32 *const *words) {
    for (; *words; words++) {
        int k = 0;
        while ((*words)[k]) k++;
        if (z - a >= k && word_at(s, z, z - k, *words)) return 1;
    }
    return 0;
}

