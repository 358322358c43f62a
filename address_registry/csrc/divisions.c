/* parse._scan_divisions and parse._choose: division names consumed from the start of the text,
 * longest name first, a short or historic form only where it is not the start of a road or
 * estate name. */
#include <string.h>

#include "core.h"

/* Whether the first n characters of two codes agree: a loop the compiler keeps inline, where
 * memcmp would be a library call for a dozen bytes at most. */
static inline int same_chars(const char *a, const char *b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* The same for code points: most names compared differ in their first. */
static inline int same_points(const u32 *a, const u32 *b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static int starts_with(const char *code, int len, const char *prefix, int plen) {
    return len >= plen && same_chars(code, prefix, plen);
}

/* A road end at s[p..], its segment perhaps, followed by a digit or the end. */
static int road_end_at(const u32 *s, int n, int p) {
    if (p >= n || !is_mark(s[p])) return 0;
    for (const u32 *const *w = ROAD_END; *w; w++) {
        int k = word_at(s, n, p, *w);
        if (!k) continue;
        int g = segment_at(s, n, p + k);  /* (ROAD_END)_SEGMENT?(\d|$) */
        if (p + k == n || is_digit(s[p + k]) || (g && (p + k + g == n || is_digit(s[p + k + g]))))
            return 1;
    }
    return 0;
}

/* [CJK]?(ESTATE_WORDS) at p */
static int estate_continues(const u32 *s, int n, int p) {
    return any_word_at(s, n, p, ESTATE_WORDS) ||
           (p < n && is_cjk(s[p]) && any_word_at(s, n, p + 1, ESTATE_WORDS));
}

/* _ROAD_AHEAD.match(s, p): [CJK]{2,5}?(ROAD_END)_SEGMENT?(\d|$) */
static int road_ahead(const u32 *s, int n, int p) {
    for (int k = 1; k <= 5 && p + k <= n && is_cjk(s[p + k - 1]); k++)
        if (k >= 2 && road_end_at(s, n, p + k)) return 1;
    return 0;
}

/* _ROAD_CONTINUES.match(s, p): [CJK]?(ROAD_END)_SEGMENT?(\d|$) */
static int road_continues(const u32 *s, int n, int p) {
    return road_end_at(s, n, p) || (p < n && is_cjk(s[p]) && road_end_at(s, n, p + 1));
}

/* _name_continues: a road end after one character at most, or [CJK]?(ESTATE_WORDS) not opening
 * a road */
static int name_continues(const u32 *s, int n, int p) {
    return road_continues(s, n, p) || (estate_continues(s, n, p) && !road_ahead(s, n, p));
}

/* The hits of a name found by names_at: their count, and *hits. */
static inline int hits_of(const registry *r, name_found f, const int32_t **hits) {
    const int32_t *off = r->div_names.list_off + f.hits;
    *hits = r->div_names.items + off[0];
    return off[1] - off[0];
}

/* A hit's code packed (hit_key): the mask of its first n digits. */
static inline uint64_t key_mask(int n) { return ~0ull << (4 * (CODE_COMMUNITY - n)); }

/* Whether the division of hit h lies under one of the hits `parents` (np of them) or, with
 * np < 0, under the division deep[0..dl) (dl 0: any), and is not that division itself. */
static int under_parents(const registry *r, int32_t h, const int32_t *parents, int np,
                         const char *deep, int dl) {
    int cl = r->hit_code_len[h];
    if (np < 0) return starts_with(r->hit_code + CODE_COMMUNITY * h, cl, deep, dl) && (cl != dl || dl == 0);
    uint64_t key = r->hit_key[h];
    int under = 0, same = 0;
    for (int k = 0; k < np; k++) {
        int pl = r->hit_code_len[parents[k]];
        if (cl < pl || ((key ^ r->hit_key[parents[k]]) & key_mask(pl))) continue;
        same |= cl == pl;
        under |= cl != pl;
    }
    return under && !same;
}

/* _child_at: a division under one of `parents` (or under deep, as under_parents) is named at p.
 * (The reference also looks up slices cut short by the end of the text; such a slice is itself
 * one of the names found.) */
static int child_at(const registry *r, const u32 *s, int n, int p, const int32_t *parents, int np,
                    const char *deep, int dl);

/* child_at's test on the nn names `found` already read at its place. */
static int child_among(const registry *r, const name_found *found, int nn, const int32_t *parents,
                       int np, const char *deep, int dl) {
    for (int i = 0; i < nn; i++) {
        const int32_t *hits;
        int nh = hits_of(r, found[i], &hits);
        for (int j = 0; j < nh; j++)
            if (under_parents(r, hits[j], parents, np, deep, dl)) return 1;
    }
    return 0;
}

static int child_at(const registry *r, const u32 *s, int n, int p, const int32_t *parents, int np,
                    const char *deep, int dl) {
    name_found found[MAX_CHARS];
    return child_among(r, found, names_at(r, s, n, p, found), parents, np, deep, dl);
}

/* _child_length: the length of the longest name at p of a division under the hit `parent`
 * (child_at's test), or 0. */
static int child_len(const registry *r, const u32 *s, int n, int p, const int32_t *parent) {
    name_found found[MAX_CHARS];
    int nn = names_at(r, s, n, p, found), best = 0;
    for (int i = 0; i < nn; i++) {
        const int32_t *hits;
        int nh = hits_of(r, found[i], &hits);
        for (int j = 0; j < nh && found[i].len > best; j++)
            if (under_parents(r, hits[j], parent, 1, NULL, 0)) best = found[i].len;
    }
    return best;
}

/* _zone_at: the length of a development zone's name at s[pos] (up to `stem` CJK characters,
 * then one of ZONE_WORDS) followed by a child of one of the hits `parents` (np of them) or, with
 * np < 0, by a division under `deep`; or 0. */
static int zone_at(const registry *r, const u32 *s, int n, int pos, int stem,
                   const int32_t *parents, int np, const char *deep, int dl) {
    for (int start = pos; start <= pos + stem && start <= n; start++) {
        if (start > pos && !is_cjk(s[start - 1])) break;
        if (start >= n || !in_set(s[start], ZONE_STARTS)) continue;
        for (const u32 *const *w = ZONE_WORDS; *w; w++) {
            int k = word_at(s, n, start, *w);
            if (!k) continue;
            int end = start + k;
            if (child_at(r, s, n, end, parents, np, deep, dl)) return end - pos;
        }
    }
    return 0;
}

static int hit_under(const registry *r, int32_t h, const char *deep, int dl) {
    return starts_with(r->hit_code + CODE_COMMUNITY * h, r->hit_code_len[h], deep, dl);
}

/* _of_word_kind: 塘南|居委会 where 塘南 is both 塘南村 and 塘南社区居委会: *hits (nh) without the
 * communities whose kind (village or residents') is not the one of the community word at `end`,
 * copied to `kept` and *hits pointed there; returns their count (nh, *hits untouched, when no
 * word follows or no community under deep[0..dl) is of its kind). */
static int of_word_kind(const registry *r, const u32 *s, int n, int end, const int32_t **hits, int nh,
                        int32_t *kept, const char *deep, int dl) {
    if (!any_word_at(s, n, end, COMMUNITY_WORDS)) return nh;
    int village = s[end] == VILLAGE_MARK, k = 0, fits = 0;
    for (int j = 0; j < nh; j++) {
        int32_t h = (*hits)[j];
        fits |= r->hit_rank[h] == COMMUNITY && !!r->hit_village[h] == village && hit_under(r, h, deep, dl);
    }
    if (!fits) return nh;
    for (int j = 0; j < nh && k < MAX_DIVISION_HITS; j++) {
        int32_t h = (*hits)[j];
        if (r->hit_rank[h] != COMMUNITY || !!r->hit_village[h] == village) kept[k++] = h;
    }
    *hits = kept;
    return k;
}

static int same_code(const registry *r, int32_t a, int32_t b) {
    return r->hit_code_len[a] == r->hit_code_len[b] && r->hit_key[a] == r->hit_key[b];
}

/* _street_naming_estate: 乐清市|柳市|和园: the only street among the hits under the district
 * read whose short name starts an estate's name at `end`, or -1. */
static int32_t street_naming_estate(const registry *r, const u32 *s, int n, int end,
                                    const int32_t *hits, int nh, const char *deep, int dl, int rank) {
    if (rank != DISTRICT || !estate_continues(s, n, end)) return -1;
    int32_t found = -1;
    for (int i = 0; i < nh; i++) {
        if (r->hit_rank[hits[i]] != STREET || !hit_under(r, hits[i], deep, dl)) continue;
        if (found >= 0 && !same_code(r, found, hits[i])) return -1;
        if (found < 0) found = hits[i];
    }
    return found;
}

/* _choose: the hit to take given what is resolved, or -1. */
static int32_t choose(const registry *r, const int32_t *hits, int nh, const char *deep, int dl,
                      int rank, const char *prefer) {
    int32_t below[MAX_DIVISION_HITS], pool[MAX_DIVISION_HITS];
    int nb = 0, np = 0;
    for (int i = 0; i < nh && nb < MAX_DIVISION_HITS; i++)
        if (r->hit_rank[hits[i]] > rank && hit_under(r, hits[i], deep, dl)) below[nb++] = hits[i];
    if (nb == 0) {
        int32_t found = -1;
        int count = 0, floor = rank > DISTRICT ? rank : DISTRICT;
        const char *scope = dl ? deep : prefer;  /* deepest[:4] or prefer */
        int sl = dl ? (dl < CODE_CITY ? dl : CODE_CITY) : (int)strlen(prefer);
        for (int i = 0; i < nh; i++) {
            int32_t h = hits[i];
            if (r->hit_exact[h] && r->hit_rank[h] == STREET && STREET > floor &&
                hit_under(r, h, scope, sl)) {
                found = h;
                count++;
            }
        }
        if (count == 1) return found;
        /* 苍南县|龙港镇: the old name of a district carved out of the one read, in its city */
        found = -1;
        count = 0;
        for (int i = 0; rank == DISTRICT && dl >= CODE_CITY && i < nh; i++) {
            int32_t h = hits[i];
            const char *code = r->hit_code + CODE_COMMUNITY * h;
            if (r->hit_exact[h] && r->hit_historic[h] && r->hit_rank[h] == DISTRICT &&
                memcmp(code, deep, CODE_CITY) == 0 &&
                !(r->hit_code_len[h] == dl && memcmp(code, deep, (size_t)dl) == 0)) {
                found = h;
                count++;
            }
        }
        return count == 1 ? found : -1;
    }
    int shallowest = 99;
    for (int i = 0; i < nb; i++)
        if (r->hit_rank[below[i]] < shallowest) shallowest = r->hit_rank[below[i]];
    for (int i = 0; i < nb; i++)  /* exact hits of that level, else all of them */
        if (r->hit_rank[below[i]] == shallowest && r->hit_exact[below[i]]) pool[np++] = below[i];
    if (np == 0)
        for (int i = 0; i < nb; i++)
            if (r->hit_rank[below[i]] == shallowest) pool[np++] = below[i];
    if (np > 1 && dl < CODE_CITY) {
        int32_t preferred[MAX_DIVISION_HITS];
        int npf = 0, pl = (int)strlen(prefer);
        for (int i = 0; i < np; i++)
            if (hit_under(r, pool[i], prefer, pl)) preferred[npf++] = pool[i];
        int in_city = npf > 0;  /* else the preferred province's */
        for (int i = 0; !in_city && i < np; i++)
            if (hit_under(r, pool[i], prefer, 2)) preferred[npf++] = pool[i];
        if (npf) {
            memcpy(pool, preferred, (size_t)npf * sizeof *pool);
            np = npf;
        }
    }
    for (int i = 1; i < np; i++)
        if (!same_code(r, pool[i], pool[0])) return -1;
    return pool[0];
}

/* _parent_of_next: of the hits below deep (several divisions), the only one whose own child is
 * named at s[end] (普陀区|长征镇 is Shanghai's), or -1. */
static int32_t parent_of_next(const registry *r, const u32 *s, int n, int end, const int32_t *hits,
                              int nh, const char *deep, int dl, int rank) {
    int32_t first = -1, found = -1;
    int several = 0;
    for (int j = 0; j < nh; j++) {
        if (r->hit_rank[hits[j]] <= rank || !hit_under(r, hits[j], deep, dl)) continue;
        if (first < 0) first = hits[j];
        several |= !same_code(r, first, hits[j]);
    }
    for (int j = 0; several && j < nh; j++) {
        if (r->hit_rank[hits[j]] <= rank || !hit_under(r, hits[j], deep, dl) ||
            !child_at(r, s, n, end, hits + j, 1, NULL, 0))
            continue;
        if (found >= 0 && !same_code(r, found, hits[j])) return -1;
        if (found < 0) found = hits[j];
    }
    return several ? found : -1;
}

/* _opens_address: a province or city name (full or short), a district's full name of at least
 * LEAD_DISTRICT_MIN characters or a district's name followed by its own child (淳安|梓桐镇) is
 * written at s[start]. */
static int opens_address(const registry *r, const u32 *s, int n, int start) {
    name_found found[MAX_CHARS];
    int nn = names_at(r, s, n, start, found);
    for (int i = 0; i < nn; i++) {
        const int32_t *hits;
        int nh = hits_of(r, found[i], &hits);
        for (int j = 0; j < nh; j++)
            if (r->hit_rank[hits[j]] <= CITY ||
                (r->hit_rank[hits[j]] == DISTRICT &&
                 ((r->hit_exact[hits[j]] && found[i].len >= LEAD_DISTRICT_MIN) ||
                  child_at(r, s, n, start + found[i].len, hits + j, 1, NULL, 0))))
                return 1;
    }
    return 0;
}

/* One of ROAD_END ends right before s[z] (written.endswith(_ROAD_ENDS)). */
static int road_ends_at(const u32 *s, int z) {
    for (const u32 *const *w = ROAD_END; *w; w++) {
        int len = 0;
        while ((*w)[len]) len++;
        if (len <= z && word_at(s, z, z - len, *w) == len) return 1;
    }
    return 0;
}

/* The (name, hit) pairs of div_children under the division code c[0..cl); their count * 2. */
static int children_of(const registry *r, const char *c, int cl, const int32_t **items) {
    u32 key[CODE_MAX];
    for (int i = 0; i < cl; i++) key[i] = (u32)(unsigned char)c[i];
    return multimap_get(&r->div_children, key, cl, items);
}

/* _stem_length: the length of a division name without the suffix of its kind (三墩|镇). */
static int stem_length(const u32 *name, int len) {
    for (const u32 *const *w = KIND_SUFFIXES; *w; w++) {
        int k = 0;
        while ((*w)[k]) k++;
        if (len > k && word_at(name, len, len - k, *w)) return len - k;
    }
    return len;
}

enum { TYPO_PLAIN, TYPO_CONFIRMED, TYPO_ALIKE };  /* _typo_at's confirmed=, alike= */

/* Whether the Chinese characters a and b share a reading (homophones.sound_alike). */
static int sound_alike(const registry *r, u32 a, u32 b) {
    if (a < CJK_FIRST || a > CJK_LAST || b < CJK_FIRST || b > CJK_LAST) return 0;
    const int32_t *x = r->readings + READING_SLOTS * (a - CJK_FIRST);
    const int32_t *y = r->readings + READING_SLOTS * (b - CJK_FIRST);
    for (int i = 0; i < READING_SLOTS && x[i]; i++)
        for (int j = 0; j < READING_SLOTS && y[j]; j++)
            if (x[i] == y[j]) return 1;
    return 0;
}

/* typo_at's test of the children items[0..ni) of at least min_len characters: 0, or -1 when a
 * second division fits (*found and *length hold the first that fits); `mode` TYPO_CONFIRMED:
 * each with its own child after it, and of several the one whose child's name is longest (-1 on
 * a tie); TYPO_ALIKE: the character off sounding like the name's. */
static int typo_among(const registry *r, const u32 *s, int n, int pos, const int32_t *items,
                      int ni, int min_len, int mode, int32_t *found, int *length) {
    int best = 0, tie = 0, confirmed = mode == TYPO_CONFIRMED;
    const uint64_t *sigs = r->child_sig ? r->child_sig + (items - r->div_children.items) / 2 : NULL;
    for (int i = 0; i + 1 < ni; i += 2) {
        uint64_t g = sigs ? sigs[i / 2] : CHILD_SIG_ANY;
        int gl = sig_len(g);  /* one character off: the last is the name's, the first or the */
        if (gl != CHILD_SIG_ANY &&  /* second too */
            (gl < min_len || gl > n - pos || sig_last(g) != s[pos + gl - 1] ||
             (sig_first(g) != s[pos] && (gl < 2 || sig_second(g) != s[pos + 1]))))
            continue;
        const u32 *e = table_entry(&r->div_names.t, items[i]);
        int len = (int)e[0], off = 0, at = -1;
        if (len < min_len || len > n - pos || e[2 + len - 1] != s[pos + len - 1] ||
            road_ends_at(s, pos + len))
            continue;
        for (int k = 0; k < len && off < 2; k++)
            if (e[2 + k] != s[pos + k]) {
                off++;
                at = k;
            }
        int stem = stem_length(e + 2, len);
        if (off != 1 || !is_cjk(s[pos + at]) || at >= stem) continue;
        if (r->hit_rank[items[i + 1]] == COMMUNITY && stem < MIN_COMMUNITY_TYPO_STEM && len - stem < 2)
            continue;  /* 江窑|村 is no 江南|村; 高杨|村委会 is 高阳|村委会 */
        if (mode == TYPO_ALIKE && !sound_alike(r, s[pos + at], e[2 + at])) continue;
        int child = confirmed ? child_len(r, s, n, pos + len, items + i + 1) : 0;
        if (confirmed && !child) continue;
        if (*found < 0) {
            *found = items[i + 1];
            *length = len;
            best = child;
        } else if (same_code(r, *found, items[i + 1])) {
            if (child > best) {
                best = child;
                tie = 0;
            }
        } else if (!confirmed) {
            return -1;
        } else if (child > best) {  /* 胡州市|安吉县: 湖州's 安吉县, not 杭州's 安吉(社区) */
            *found = items[i + 1];
            *length = len;
            best = child;
            tie = 0;
        } else if (child == best) {
            tie = 1;
        }
    }
    return tie ? -1 : 0;
}

/* _typo_at: a child of deep whose name is written at s[pos] with one character off (in its
 * stem, not its kind's suffix, and a CJK character in its place), when it is the only child that
 * fits; under a city its districts' streets of at least MIN_CITY_TYPO_NAME characters too;
 * `confirmed`: the children alone, each only with its own child named after it; sets
 * *length. */
static int32_t typo_at(const registry *r, const u32 *s, int n, int pos, const char *deep, int dl,
                       int rank, int mode, int *length) {
    const int32_t *items;
    int ni = children_of(r, deep, dl, &items);
    int32_t found = -1;
    int city = rank == CITY && mode == TYPO_PLAIN;
    int ambiguous = typo_among(r, s, n, pos, items, ni, city ? MIN_CITY_TYPO_NAME : 0, mode,
                               &found, length);
    for (int i = 0; city && !ambiguous && i + 1 < ni; i += 2) {
        int seen = 0;  /* each district once, in the order its names come */
        for (int j = 0; j < i && !seen; j += 2) seen = same_code(r, items[j + 1], items[i + 1]);
        if (seen) continue;
        const int32_t *streets;
        int ns = children_of(r, r->hit_code + CODE_COMMUNITY * items[i + 1],
                             r->hit_code_len[items[i + 1]], &streets);
        ambiguous = typo_among(r, s, n, pos, streets, ns, MIN_CITY_TYPO_NAME, TYPO_PLAIN, &found,
                               length);
    }
    if (ambiguous) {
        *length = 0;
        return -1;
    }
    return found;
}

/* _typo_chain: a child of c[0..cl) (of `rank`) written one character off that sounds like the
 * name's, the only one, followed by its own child one character off with that one's own child
 * after it (莉水市|晋云县|壶镇镇); sets *length. */
static int32_t typo_chain(const registry *r, const u32 *s, int n, int pos, const char *c, int cl,
                          int rank, int *length) {
    int len = 0, next = 0;
    int32_t first = typo_at(r, s, n, pos, c, cl, rank, TYPO_ALIKE, &len);
    if (first < 0 || r->hit_rank[first] >= COMMUNITY ||
        typo_at(r, s, n, pos + len, r->hit_code + CODE_COMMUNITY * first, r->hit_code_len[first],
                r->hit_rank[first], TYPO_CONFIRMED, &next) < 0) {
        *length = 0;
        return -1;
    }
    *length = len;
    return first;
}

/* _bare_typo_at: with no division read (the preferred province's) or only the province
 * `province`: a city or district of it written one character off, each only with its own child
 * right after it (家兴市|嘉善, 纯安县|汾口镇, 浙江|肖山区|楼塔镇), when only one fits; or else a city
 * as typo_chain (莉水市|晋云县|壶镇镇); sets *length. */
static int32_t bare_typo_at(const registry *r, const u32 *s, int n, int pos, const char *province,
                            int *length) {
    int len = 0, fits = 0;
    int32_t found = typo_at(r, s, n, pos, province, 2, PROVINCE, TYPO_CONFIRMED, &len);
    fits += found >= 0;
    *length = len;
    const int32_t *items;
    int ni = children_of(r, province, 2, &items);
    for (int i = 0; i + 1 < ni && fits < 2; i += 2) {
        int seen = 0;  /* each city once, in the order its names come */
        for (int j = 0; j < i && !seen; j += 2) seen = same_code(r, items[j + 1], items[i + 1]);
        if (seen) continue;
        int32_t c = typo_at(r, s, n, pos, r->hit_code + CODE_COMMUNITY * items[i + 1],
                            r->hit_code_len[items[i + 1]], CITY, TYPO_CONFIRMED, &len);
        if (c >= 0) {
            found = c;
            *length = len;
            fits++;
        }
    }
    if (fits == 0) return typo_chain(r, s, n, pos, province, 2, PROVINCE, length);
    if (fits != 1) {
        *length = 0;
        return -1;
    }
    return found;
}

/* _typo_here: a division written one character off at s[pos] after deep[0..dl) (of `rank`;
 * none: the preferred province's, bare_typo_at); sets *length. */
static int32_t typo_here(const registry *r, const u32 *s, int n, int pos, const char *deep, int dl,
                         int rank, const char *prefer, int *length) {
    *length = 0;
    if (!dl) return bare_typo_at(r, s, n, pos, prefer, length);
    if (rank >= COMMUNITY) return -1;
    /* (a province's city or a city's district: only with its own child after it, or sounding
     * alike; a province's district as with nothing read) */
    int32_t choice = rank >= CITY ? typo_at(r, s, n, pos, deep, dl, rank, TYPO_PLAIN, length) : -1;
    if (choice < 0 && rank <= CITY)
        choice = typo_at(r, s, n, pos, deep, dl, rank, TYPO_CONFIRMED, length);
    if (choice < 0 && rank <= CITY)  /* 纯安县 for 淳安县: a pinyin typo */
        choice = typo_at(r, s, n, pos, deep, dl, rank, TYPO_ALIKE, length);
    if (choice < 0 && rank == PROVINCE) choice = bare_typo_at(r, s, n, pos, deep, length);
    if (choice < 0) *length = 0;
    return choice;
}

/* _twice_at: how much to skip at s[pos] when the part there (2 to TWICE_MAX characters) is
 * written again right after it, or after a copy of the names from `start` to it, and its second
 * copy is read one character off (务城区|务城区琅琊镇, 浙江省余航区|浙江省余航区余杭街道); or 0. */
static int twice_at(const registry *r, const u32 *s, int n, int start, int pos, const char *deep,
                    int dl, int rank, const char *prefer) {
    for (int pass = 0; pass < 2; pass++) {
        int t = pass ? start : pos;
        if (pass && t == pos) break;
        for (int k = 2; k <= TWICE_MAX; k++) {
            int end = pos + k, w = end - t, len = 0;
            if (end + w > n || s[end] != s[t] || !same_points(s + end, s + t, w)) continue;
            if (typo_here(r, s, n, end + pos - t, deep, dl, rank, prefer, &len) >= 0 && len <= k)
                return k + pos - t;
        }
    }
    return 0;
}

/* _typo_child: a child of one of the provinces or cities `hits` (nh) is named at s[p] one
 * character off with its own child after it (金华|务城区汤溪镇: 金华 starts no estate 金华务城). */
static int typo_child(const registry *r, const u32 *s, int n, int p, const int32_t *hits, int nh) {
    for (int j = 0; j < nh; j++) {
        int len = 0;
        if (r->hit_rank[hits[j]] <= CITY &&
            typo_at(r, s, n, p, r->hit_code + CODE_COMMUNITY * hits[j], r->hit_code_len[hits[j]],
                    r->hit_rank[hits[j]], TYPO_CONFIRMED, &len) >= 0)
            return 1;
    }
    return 0;
}

/* A hit h of a name f shorter than `length`, of another division than `choice`, under deep
 * (_shorter_others). */
static int shorter_other(const registry *r, name_found f, int length, int32_t h, int32_t choice,
                         const char *deep, int dl) {
    return f.len < length && f.len >= 2 && !same_code(r, h, choice) &&
           starts_with(r->hit_code + CODE_COMMUNITY * h, r->hit_code_len[h], deep, dl);
}

/* _split_by_child: a shorter name found at pos (of the nn in found), of another division under
 * deep, has its own child right after it while `choice` (the name `length` long) has none. */
static int split_by_child(const registry *r, const u32 *s, int n, int pos, int length, int32_t choice,
                          const name_found *found, int nn, const char *deep, int dl) {
    for (int i = 0; i < nn; i++) {
        if (found[i].len >= length || found[i].len < 2) continue;
        name_found next[MAX_CHARS];  /* the names after the shorter one, read once: mostly none */
        int nx = names_at(r, s, n, pos + found[i].len, next);
        const int32_t *hits;
        int nh = nx ? hits_of(r, found[i], &hits) : 0;
        for (int j = 0; j < nh; j++)
            if (shorter_other(r, found[i], length, hits[j], choice, deep, dl) &&
                child_among(r, next, nx, hits + j, 1, NULL, 0))
                return !child_at(r, s, n, pos + length, &choice, 1, NULL, 0);
    }
    return 0;
}

/* _scan_from at s[start]: the names consumed from there; where the rest begins. */
static int scan_from(const registry *r, const u32 *s, int n, int start, parsed *p,
                     const char *prefer) {
    int pos = start, rank = -1, dl = 0;
    char deep[CODE_MAX + 1] = "";
    int32_t kept[MAX_DIVISION_HITS];
    int names_estate = 0;  /* the street's name stays the estate's */
    while (pos < n) {
        name_found found[MAX_CHARS];
        int nn = names_at(r, s, n, pos, found);
        int taken = 0;
        int32_t choice = -1;
        for (int i = 0; i < nn; i++) {
            const int32_t *hits;
            choice = -1;  /* a longer name given up (勤丰|路) leaves no choice to a shorter one */
            int nh = hits_of(r, found[i], &hits);
            if (nh == 0) continue;
            int length = found[i].len;
            /* written again (金华金东金华金东): not a deeper level, unless a road named after
             * it follows (城阳|城阳路) */
            int again = 0;
            for (int l = 0; l <= COMMUNITY && !again && !road_continues(s, n, pos + length); l++)
                again = p->level[l].a >= 0 && p->level[l].z - p->level[l].a == length &&
                        same_points(s + p->level[l].a, s + pos, length);
            if (again) {
                taken = length;
                break;
            }
            int any_exact = 0, all_community = 1;
            for (int j = 0; j < nh; j++) {
                any_exact |= r->hit_exact[hits[j]];
                all_community &= r->hit_rank[hits[j]] == COMMUNITY;
            }
            if (!any_exact) {
                int road_form = in_set(s[pos + length - 1], ROAD_SUFFIX);
                if (road_form) {  /* _street_written_short: 越城区|府山街, not 府山街12号 */
                    int k = 0, keep = -1;
                    if (ends_with_any(s, pos, pos + length, STREET_FORMS) && rank == DISTRICT &&
                        !(pos + length < n && is_digit(s[pos + length])))
                        keep = STREET;
                    else if (rank == STREET && any_word_at(s, n, pos + length, COMMUNITY_WORDS))
                        keep = COMMUNITY;  /* 许村镇|许巷|居委会: a community's form, its word after it */
                    if (keep >= 0)
                        for (int j = 0; j < nh && k < MAX_DIVISION_HITS; j++)
                            if (r->hit_rank[hits[j]] == keep) kept[k++] = hits[j];
                    if (k == 0) continue;
                    hits = kept;
                    nh = k;
                }
                if (name_continues(s, n, pos + length) &&
                    !child_at(r, s, n, pos + length, hits, nh, NULL, 0) &&
                    !typo_child(r, s, n, pos + length, hits, nh)) {
                    choice = street_naming_estate(r, s, n, pos + length, hits, nh, deep, dl, rank);
                    if (choice < 0) continue;
                    taken = length;
                    names_estate = 1;
                    break;
                }
                int zone_word = 0;  /* 高新|区: the start of a zone word, not 高新社区 */
                for (const u32 *const *w = ZONE_WORDS; *w && !zone_word && in_set(s[pos], ZONE_STARTS);
                     w++) {
                    int k = word_at(s, n, pos, *w);
                    zone_word = k > length;
                }
                if (zone_word) continue;
                if (any_word_at(s, n, pos + length, ZONE_WORDS) &&
                    !zone_at(r, s, n, pos + length, 0, hits, nh, deep, dl)) {
                    /* 莫干山|高新区阜溪街道: the zone's name, not 莫干山镇 */
                    if (zone_at(r, s, n, pos + length, 0, NULL, -1, deep, dl)) continue;
                    int k = 0;  /* 江西省赣江|新区: with no district read, a zone named like a */
                    for (int j = 0; j < nh; j++)  /* street is not the street's */
                        if (r->hit_rank[hits[j]] < STREET || rank >= DISTRICT) kept[k++] = hits[j];
                    if (k == 0) continue;
                    hits = kept;
                    nh = k;
                }
                int32_t own = -1;  /* 大兴|高米店街道: the one whose own child follows */
                int owners = 0;
                name_found next[MAX_CHARS];
                int nx = dl == 0 ? names_at(r, s, n, pos + length, next) : 0;
                for (int j = 0; j < nh && nx && owners < 2; j++)
                    if (child_among(r, next, nx, hits + j, 1, NULL, 0) &&
                        (own < 0 || !same_code(r, own, hits[j]))) {
                        own = hits[j];
                        owners++;
                    }
                if (dl == 0) {  /* a bare short form: the preferred province's districts and */
                    int k = 0, local = 0;  /* streets first; another's short street is none */
                    all_community = 1;
                    for (int j = 0; j < nh; j++)
                        local |= same_chars(r->hit_code + CODE_COMMUNITY * hits[j], prefer, 2);
                    for (int j = 0; j < nh && k < MAX_DIVISION_HITS; j++) {
                        int here = same_chars(r->hit_code + CODE_COMMUNITY * hits[j], prefer, 2);
                        int rk = r->hit_rank[hits[j]];
                        if (owners == 1 ? same_code(r, own, hits[j])
                                        : local ? (here || rk <= CITY) : rk < STREET)
                            kept[k++] = hits[j];
                    }
                    for (int j = 0; j < k; j++) all_community &= r->hit_rank[kept[j]] == COMMUNITY;
                    if (k == 0) continue;
                    hits = kept;
                    nh = k;
                }
                if (length < MIN_BARE_COMMUNITY && dl == 0 && all_community) continue;
            }
            int32_t parent = nh > 1 ? parent_of_next(r, s, n, pos + length, hits, nh, deep, dl, rank) : -1;
            if (parent >= 0) {
                kept[0] = parent;
                hits = kept;
                nh = 1;
            }
            if (nh > 1) nh = of_word_kind(r, s, n, pos + length, &hits, nh, kept, deep, dl);
            choice = choose(r, hits, nh, deep, dl, rank, prefer);
            if (choice < 0) {
                int repeated = 0;  /* 杭州市杭州市, 浙江杭州 after 浙江省: skipped */
                for (int j = 0; j < nh; j++) {
                    int cl = r->hit_code_len[hits[j]];
                    repeated |= starts_with(deep, dl, r->hit_code + CODE_COMMUNITY * hits[j], cl);
                }
                if (repeated) {
                    taken = length;
                    break;
                }
                continue;
            }
            if (split_by_child(r, s, n, pos, length, choice, found, nn, deep, dl))
                continue;  /* 普洱|镇沅…自治县: the shorter name, and its child after it */
            if (!r->hit_exact[choice] && r->hit_rank[choice] == COMMUNITY && pos + length < n &&
                is_cjk(s[pos + length])) {
                int w = any_word_at(s, n, pos + length, COMMUNITY_WORDS);
                if (!w) continue;  /* 勤丰|路, 南肖埠|一区, 乔司|农场: the start of a longer name */
                length += w;  /* 勤丰村, 勤丰居委会: read with the word */
            }
            taken = length;
            break;
        }
        for (int l = 0; l <= COMMUNITY && !taken && p->noted; l++) {  /* a name read one */
            int w = p->level[l].z - p->level[l].a;  /* character off, written again */
            if (p->level[l].a >= 0 && w <= n - pos && same_points(s + p->level[l].a, s + pos, w)) {
                taken = w;
                choice = -1;
            }
        }
        if (!taken && dl && s[pos] == BLANK_PART) {  /* 浙江省|无|温州市: an empty part */
            int typo = 0;
            if (!child_at(r, s, n, pos + 1, NULL, -1, deep, dl) && rank >= CITY && rank < COMMUNITY)
                typo_at(r, s, n, pos + 1, deep, dl, rank, TYPO_PLAIN, &typo);
            if (typo || child_at(r, s, n, pos + 1, NULL, -1, deep, dl)) {
                taken = 1;
                choice = -1;
            }
        }
        if (!taken && rank < COMMUNITY) {  /* 家兴市|嘉善 with nothing read: bare_typo_at */
            choice = typo_here(r, s, n, pos, deep, dl, rank, prefer, &taken);
            if (choice >= 0) p->exact = 0, p->noted = 1;
            else taken = twice_at(r, s, n, start, pos, deep, dl, rank, prefer);  /* 务城区|务城区 */
        }
        if (!taken && dl) {  /* 杭州|经济技术开发区|下沙街道 */
            taken = zone_at(r, s, n, pos, ZONE_STEM, NULL, -1, deep, dl);
            choice = -1;
        }
        if (!taken) break;
        if (choice >= 0) {
            const char *code = r->hit_code + CODE_COMMUNITY * choice;
            int cl = r->hit_code_len[choice], level = r->hit_rank[choice];
            p->level[level].a = pos;
            p->level[level].z = pos + taken;
            int noted = r->hit_historic[choice] || (dl && !starts_with(code, cl, deep, dl));
            if (!r->hit_exact[choice] || noted) p->exact = 0;
            p->noted |= noted;
            memcpy(deep, code, (size_t)cl);
            deep[cl] = 0;
            dl = cl;
            rank = level;
        }
        if (names_estate) break;
        pos += taken;
    }
    memcpy(p->deep, deep, (size_t)dl + 1);
    p->deep_len = dl;
    return pos;
}

/* _scan_leads: scan_from s[from..], or after the words before the address (委托件, 收件地址) that
 * end where a province or city name starts among the LEAD_MAX characters after `from`, never
 * inside a division name written at `from` (河东区 is no lead word before 东区); 0 when none. */
static int scan_leads(const registry *r, const u32 *s, int n, int from, parsed *p,
                      const char *prefer) {
    int pos = scan_from(r, s, n, from, p, prefer);
    if (pos == from) pos = 0;
    int last = n - 2 < from + LEAD_MAX ? n - 2 : from + LEAD_MAX;
    name_found found[MAX_CHARS];
    int first = from + (pos ? 1 : (names_at(r, s, n, from, found) ? found[0].len : 1));
    for (int start = first; !pos && start <= last; start++)
        if (opens_address(r, s, n, start)) {
            pos = scan_from(r, s, n, start, p, prefer);
            if (pos == start) pos = 0;
        }
    for (int start = first; !pos && start <= last; start++) {  /* 丁先生|胡州市飞英街道 */
        int len = 0;
        if (!((start + 2 < n && in_set(s[start + 2], TYPO_LEAD_ENDS)) ||
              (start + 3 < n && in_set(s[start + 3], TYPO_LEAD_ENDS))) ||
            bare_typo_at(r, s, n, start, prefer, &len) < 0)
            continue;
        pos = scan_from(r, s, n, start, p, prefer);
        if (pos == start) pos = 0;
    }
    return pos;
}

/* _label_end: where the first of ADDRESS_LABELS starting among the first LABEL_MAX characters
 * ends, or 0. */
static int label_end(const u32 *s, int n) {
    for (int i = 0; i < n && i < LABEL_MAX; i++) {
        int w = any_word_at(s, n, i, ADDRESS_LABELS);
        if (w) return i + w;
    }
    return 0;
}

/* _scan_divisions: scan_leads from the start, or else from the end of the word that labels the
 * address (收件人王女士电话地址|浙江省...). */
int scan_divisions(const registry *r, const u32 *s, int n, parsed *p, const char *prefer) {
    int pos = scan_leads(r, s, n, 0, p, prefer);
    int label = pos ? 0 : label_end(s, n);
    if (label) pos = scan_leads(r, s, n, label, p, prefer);
    return pos;
}
