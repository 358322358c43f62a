/* The compiled address matcher: the same rules as the Python reference (normalize.py, parse.py,
 * match.py), for the common case. Whatever it is not sure to do exactly as the reference does
 * (an exotic character, an over-long text, an estate to review, nothing recognised) it
 * leaves to Python by marking the row DEFER; it never guesses differently.
 *
 * Text is handled as arrays of Unicode code points (u32). The registry is copied in once per
 * registry version through reg_array / reg_table (see store.c) and only read afterwards, so
 * several threads match one batch at once. */
#ifndef SHUCANG_ADDR_CORE_H
#define SHUCANG_ADDR_CORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Word lists, constants, code widths, enums and the interface with native.py, generated from
 * address_registry/rules.py into the build directory (native_build.py). */
#include "rules_gen.h"

#define MAX_THREADS 16  /* the most threads one batch is split over */

/* ---- hash tables: u32 sequences -> int32 (store.c) ------------------------------------------ */
/* A slot names its record by position in the arena (+1; 0: empty); a record is the key's length,
 * the value and the key, side by side, so a found key costs the slot and one more read. */
typedef struct { uint32_t tag; uint32_t at; } slot;

typedef struct {
    uint64_t mask;      /* slots - 1; four slots an entry, so a miss mostly reads one slot */
    slot *slots;
    u32 *arena;         /* the records: len, val, key[len] */
    uint32_t *record;   /* entry (in the order given) -> its record in the arena */
    int64_t n;
} table;

/* An entry's record: [0] the key's length, [1] the value, then the key. */
static inline const u32 *table_entry(const table *t, int32_t e) { return t->arena + t->record[e]; }

/* A multimap is a table whose value indexes a list: items[list_off[v] .. list_off[v + 1]). */
typedef struct {
    table t;
    int32_t *list_off;
    int32_t *items;
} multimap;

/* A trie over u32 names: the root's children by character, the other edges in a hash table,
 * each edge carrying its child's info, so a step down costs one read; a node's info is (its
 * name's div_names value + 1, or 0) << 1 | whether it has children. `pairs` has a bit for the
 * first two characters of each name (hashed): most places where some name's first character
 * is written start none, and the bit says so without the edge table. */
typedef struct { uint32_t parent; u32 ch; int32_t child, info; } trie_edge;
typedef struct {
    int32_t *root;
    trie_edge *edges;
    uint64_t mask;
    int32_t *info;
    uint64_t *pairs;
} name_trie;

/* Every table and array of one registry version (names follow matcher.py / divisions.py; the
 * names Python copies them in under are rules.REGISTRY_*). */
typedef struct {
    multimap div_names;   /* divisions: name -> hits */
    name_trie div_trie;   /* the same names as a trie (trie.c), built when div_names is copied in */
    multimap div_children;  /* parent code -> (name, hit) pairs of its children (typos) */
    uint64_t *child_sig;  /* a div_children pair's name in brief (child_sig_build), so a typo's
                           * test passes over most children without reading their names */
    char *hit_code; int32_t *hit_code_len, *hit_rank, *hit_exact, *hit_historic, *hit_village;
    uint64_t *hit_key;    /* a hit's code, a digit a nibble from the top of 48 bits, 0-padded:
                           * codes compare as one word, a prefix under a mask */
    /* estates (index order = code order) */
    char *estate_code, *estate_community;
    double *estate_lon, *estate_lat;
    int32_t *layout_has, *layout_units_written, *layout_units, *layout_floors, *layout_rooms;
    multimap est_names;   /* spelling -> estate * 8 + how */
    multimap est_keys;    /* name_key -> estates, by code; a key's list index is its key id */
    multimap fuzzy_grams; /* bigram -> ids of the name keys holding it (fuzzy blocking) */
    int32_t *fuzzy_key_grams;  /* key id -> how many distinct bigrams it has */
    table fuzzy_scopes;   /* a code prefix (2, 4, 6, 9) some estate with a name key lies under */
    int32_t max_name;
    /* buildings and houses */
    char *building_code, *building_community;
    double *building_lon, *building_lat;
    int32_t *building_planned;  /* -2: door plates list it; -1: footprint only, floors unknown */
    /* keys name an estate or building by its index, as two code points (index_key) */
    table by_label;             /* estate, label -> building */
    multimap by_door;           /* road \x1f number -> buildings; a door's value indexes both: */
    int32_t *estate_doors_off, *estate_doors;  /* ... the estates at that door, by code */
    table roads;                /* road -> 0 */
    char *house_code;
    int32_t *readings;          /* READING_SLOTS reading numbers a character from CJK_FIRST */
    table houses;               /* building, unit \x1f room -> house */
    multimap rooms;             /* building, room -> houses */
    int div_digits;             /* a division name holds an ASCII digit (shapes.c) */
    /* shape memos, one a thread, kept from batch to batch (their pages stay mapped); a batch
     * that finds them in use by another makes its own */
    struct shape_memo *memos[MAX_THREADS];
    _Atomic int memos_busy;
} registry;

/* An index as the two code points that start a key naming it (native.py's index_key). */
static inline int index_key(u32 *key, int32_t i) {
    key[0] = INDEX_KEY_BASE + ((uint32_t)i >> 16);
    key[1] = INDEX_KEY_BASE + ((uint32_t)i & 0xffffu);
    return 2;
}

/* The mixing step of every code-point hash (table keys, text shapes). */
#define HASH_SEED 0x9e3779b97f4a7c15ull
static inline uint64_t hash_mix(uint64_t h, u32 c) { return (h ^ c) * 0xff51afd7ed558ccdull; }

int64_t table_get(const table *t, const u32 *key, int n);
/* table_get in steps, so a batch can fetch several rows' slots and records from memory at once:
 * the key's hash; its slot, prefetched; the record its slot names, prefetched; the lookup. */
uint64_t table_hash(const u32 *key, int n);
static inline void table_prefetch_slot(const table *t, uint64_t h) {
    if (t->slots) __builtin_prefetch(&t->slots[h & t->mask]);
}
void table_prefetch_record(const table *t, uint64_t h);
int64_t table_find(const table *t, const u32 *key, int n, uint64_t h);
/* The list of a multimap key: sets *items and returns its length (0 when absent). */
int multimap_get(const multimap *m, const u32 *key, int n, const int32_t **items);

/* A name in brief: its length (CHILD_SIG_ANY: too long or outside the BMP, read it), last,
 * first and second characters. */
#define CHILD_SIG_ANY 0xff
static inline int sig_len(uint64_t g) { return (int)(g & 0xff); }
static inline u32 sig_last(uint64_t g) { return (u32)(g >> 8) & 0xffff; }
static inline u32 sig_first(uint64_t g) { return (u32)(g >> 24) & 0xffff; }
static inline u32 sig_second(uint64_t g) { return (u32)(g >> 40) & 0xffff; }

/* ---- the division names as a trie (trie.c) --------------------------------------------------- */
/* The trie of a table's keys, each ending at its value; 0 on success. */
int trie_build(name_trie *t, const table *names);
void trie_free(name_trie *t);

/* ---- text ---------------------------------------------------------------------------------- */
static inline int is_cjk(u32 c) { return c >= 0x4e00 && c <= 0x9fff; }
static inline int is_digit(u32 c) { return c >= '0' && c <= '9'; }
static inline int is_upper(u32 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_alnum(u32 c) { return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z'); }

/* The characters a word of one of rules_gen.h's lists starts with or one of its sets holds
 * (store.c): most of a text's characters are none, and the tests below pass over them without
 * walking a list. */
extern const uint64_t MARKS[65536 / 64];
static inline int is_mark(u32 c) { return c < 0x10000 && ((MARKS[c >> 6] >> (c & 63)) & 1); }

/* Whether c may be one of a set's characters or start one of a list's words, by their bloom: a
 * bit for each one's low six bits (rules_gen.h's NAME_BLOOM). Most characters are not, and one
 * test passes over them, where the marks pass every character some list or set holds. */
static inline int in_bloom(u32 c, uint64_t bloom) { return (bloom >> (c & 63)) & 1; }

/* Whether c is one of the characters of a NUL-terminated U"" set whose bloom is `bloom`. */
static inline int in_chars(u32 c, const u32 *set, uint64_t bloom) {
    if (!in_bloom(c, bloom)) return 0;
    for (; *set; set++)
        if (*set == c) return 1;
    return 0;
}

/* Whether c is one of the characters of a set of rules_gen.h's. */
#define in_set(c, set) in_chars((c), (set), set##_BLOOM)

/* Whether `w` (a NUL-terminated U"" literal) is written at s[p..]: its length, or 0. */
static inline int word_at(const u32 *s, int n, int p, const u32 *w) {
    if (p >= n || s[p] != w[0]) return 0;
    int i = 1;
    for (; w[i]; i++)
        if (p + i >= n || s[p + i] != w[i]) return 0;
    return i;
}

/* The first of a NULL-terminated list of words (their first characters' bloom `bloom`) written
 * at s[p..]: its length, or 0. */
static inline int words_at(const u32 *s, int n, int p, const u32 *const *words, uint64_t bloom) {
    if (p >= n || !in_bloom(s[p], bloom) || !is_mark(s[p])) return 0;
    for (; *words; words++) {
        int k = word_at(s, n, p, *words);
        if (k) return k;
    }
    return 0;
}

/* The same for a list of rules_gen.h's, */
#define any_word_at(s, n, p, words) words_at((s), (n), (p), (words), words##_BLOOM)
/* ... and the bloom of a list not known by its name: any character may start one of its words. */
#define ANY_FIRST (~0ull)

/* parse._SEGMENT at p: [SEGMENT_SIDES]?[PHASE_NUMERALS]{0,2}段 after a road end (天府大道北段,
 * 人民南路四段), else a side alone (南海大道北); its length, or 0. */
static inline int segment_at(const u32 *s, int n, int p) {
    int side = p < n && in_set(s[p], SEGMENT_SIDES), i = p + side;
    for (int k = 0; k < 2 && i < n && in_set(s[i], PHASE_NUMERALS); k++) i++;
    return i < n && s[i] == SEGMENT ? i + 1 - p : side;
}

/* Whether s[a..z) ends with one of the words. */
int ends_with_any(const u32 *s, int a, int z, const u32 *const *words);

/* The length of the run of ASCII digits at s[p..]. */
static inline int digits_at(const u32 *s, int n, int p) {
    int k = 0;
    while (p + k < n && is_digit(s[p + k])) k++;
    return k;
}

/* normalize.c: the character table (code point -> mapped, or CH_DELETE / CH_DEFER) */
void set_char_table(const u32 *table65536);
/* Normalize UTF-8 text into `out` (room for MAX_INPUT * 4) and hash its shape (shapes.c);
 * returns the length, or -1 when the reference must do it. */
int normalize_utf8(const uint8_t *text, int bytes, u32 *out, uint64_t *shape);

/* A text's shape: every character but digits as it is, digits all alike; and its hash. */
static inline u32 shape_of(u32 c) {  /* without a branch: digits and others are mixed in text */
    u32 digit = -(u32)(c - '0' < 10);
    return (c & ~digit) | ('9' & digit);
}
static inline uint64_t shape_mix(uint64_t h, u32 c) { return hash_mix(h, shape_of(c)); }
static inline uint64_t shape_end(uint64_t h, int n) {
    h ^= (uint64_t)n;
    return h ^ (h >> 31);
}

/* ---- parsing (divisions.c, tail.c) --------------------------------------------------------- */
typedef struct { int a, z; } span;  /* [a, z) of the normalized text; a < 0 when absent */

typedef struct {
    span level[5];           /* province, city, district, street, community as written */
    span road, road_number, estate, building, unit, floor, room;
    char deep[CODE_MAX + 1]; /* the deepest division code resolved ("" none) */
    int deep_len;
    int exact;               /* parse.ParsedAddress.division_exact */
    int noted;               /* the parse has notes: a division read one character off, by a
                              * historic name, or not under the one before */
} parsed;

/* A division name written at a position: its div_names value (where its hits are listed) and
 * its length. */
typedef struct { int32_t hits; int len; } name_found;
/* The division names written at s[pos] into found (room for MAX_CHARS), longest first (trie.c). */
int names_at(const registry *r, const u32 *s, int n, int pos, name_found *found);
/* Division names from the start of s; fills p->level, deep, exact; returns where the rest starts. */
int scan_divisions(const registry *r, const u32 *s, int n, parsed *p, const char *prefer);
/* Road + number, estate, building, unit, floor and room from s[a..n). */
void parse_tail(const u32 *s, int a, int n, int divisions_found, parsed *p);
/* parse.parse_normalized: both of the above and the rules that follow them, */
void parse_normalized(const registry *r, const u32 *s, int n, parsed *p, const char *prefer);
/* ... in two steps: what depends only on the text's shape (its digits all alike), */
void parse_shape(const registry *r, const u32 *s, int n, parsed *p, const char *prefer);
/* ... then the leading zeros off the numbers. */
void unpad(const u32 *s, parsed *p);

/* ---- parses remembered by shape within a batch (shapes.c) ---------------------------------- */
typedef struct shape_memo shape_memo;
/* The memos of `threads` threads on the registry, made ahead of a batch (store.c); 0 on success. */
int reg_memos(registry *r, int threads);
shape_memo *memo_new(void);
void memo_clear(shape_memo *m);
/* The spans of a text of this shape (h: its hash, from normalize_utf8) parsed before: 1 and *p,
 * or 0. */
int memo_get(const shape_memo *m, const u32 *s, int n, uint64_t h, parsed *p);
/* Remember the parse_shape spans of s (when there is room). */
void memo_put(shape_memo *m, const u32 *s, int n, uint64_t h, const parsed *p);

/* ---- batches (batch.c) --------------------------------------------------------------------- */
/* An Arrow string array: offsets, data, validity bitmap (NULL: no nulls), the array's offset. */
typedef struct {
    const int32_t *offsets;
    const uint8_t *data, *valid;
    int64_t base;
} strings;

/* Row i's bytes and their count in *bytes; NULL for a null. */
static inline const uint8_t *string_at(const strings *a, int64_t i, int *bytes) {
    int64_t at = a->base + i;
    if (a->valid && !((a->valid[at >> 3] >> (at & 7)) & 1)) return NULL;
    *bytes = a->offsets[at + 1] - a->offsets[at];
    return a->data + a->offsets[at];
}

/* Rows [from, to) of a batch's job, parsed with `memo` (NULL: none). */
typedef void rows_fn(const void *job, shape_memo *memo, int64_t from, int64_t to);
/* Rows [0, n) given to `fn` over `threads` threads, each with a shape memo of the registry's. */
void split_rows(registry *r, int64_t n, int threads, rows_fn *fn, const void *job);

#endif
