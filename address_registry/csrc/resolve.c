/* match.Matcher.plan / finish for one parsed address, and the batch entry point: Arrow UTF-8 in,
 * fixed-width columns out, the batch split over threads. A row this file cannot settle exactly
 * as the reference does is marked DEFER and left to Python. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

enum { OK = ROW_SETTLED, DEFER = ROW_DEFERRED, UNRECOGNISED = ROW_UNRECOGNISED };
#define KEY_MAX (MAX_CHARS * 2 + 64)

#define HOUSE_KEY 48  /* the longest house key a row may wait with; a longer one is deferred */

typedef struct {
    int status, level, building, house, derived;
    double conf, lon, lat;
    char deep[CODE_MAX + 1];
    int deep_len;
    char segment[CODE_UNIT + CODE_ROOM + 1];  /* a derived house: building code + this */
    /* A house lookup still to do (settle_house): the rows of a block wait with theirs, so the
     * block fetches its house slots and records from memory side by side, not one by one. */
    int pending, estate, derivable, key_len, room_key_len;
    uint64_t hash;
    u32 key[HOUSE_KEY], room_key[HOUSE_KEY];  /* houses, else rooms (no unit written) */
} result;

/* s[v] as a key part; returns the new key length. */
static int put(u32 *key, int k, const u32 *s, span v) {
    for (int i = v.a; v.a >= 0 && i < v.z; i++) key[k++] = s[i];
    return k;
}

static int has(span v) { return v.a >= 0 && v.z > v.a; }

static long long number(const u32 *s, int a, int z) {
    long long v = 0;
    for (int i = a; i < z; i++) v = v * 10 + (s[i] - '0');
    return v;
}

static void located(result *out, const char *community, int building, int house, double lon,
                    double lat, int level, double conf) {
    memcpy(out->deep, community, CODE_COMMUNITY);
    out->deep_len = CODE_COMMUNITY;
    out->building = building;
    out->house = house;
    out->lon = lon;
    out->lat = lat;
    out->level = level;
    out->conf = conf;
}

static int estate_under(const registry *r, int e, const char *scope, int sl) {
    const char *code = r->estate_code + CODE_ESTATE * e;
    for (int i = 0; i < sl; i++)  /* a few characters: no library call */
        if (code[i] != scope[i]) return 0;
    return 1;
}

/* build.name_key: a planning phase (一期, 东区) and a generic 小区 off the end. */
static int name_key(const u32 *s, span v, u32 *key) {
    int z = v.z;
    if (z - v.a >= 2 && s[z - 1] == QUARTER && in_set(s[z - 2], QUARTER_SIDES)) {
        z -= 2;
    } else if (z - v.a >= 2 && s[z - 1] == PHASE) {
        int p = z - 1;
        while (p > v.a && in_set(s[p - 1], PHASE_NUMERALS)) p--;
        if (p < z - 1) z = p;
    }
    int k = 0;
    for (int i = v.a; i < z; i++) key[k++] = s[i];
    const u32 *generic = GENERIC[0];
    int g = 0;
    while (generic[g]) g++;
    if (k > g + 1 && word_at(key, k, k - g, generic)) k -= g;
    return k;
}

#define FUZZY_HITS 2048  /* the most estates under the scope a fuzzy lookup weighs; more: deferred */

typedef struct { int32_t estate; double score; } scored;

static int by_estate(const void *a, const void *b) {
    int32_t x = ((const scored *)a)->estate, y = ((const scored *)b)->estate;
    return (x > y) - (x < y);
}

/* Whether some estate with a name key lies under the scope (its first fl characters): without
 * one Matcher._fuzzy finds none, and most texts naming an estate the registry does not know
 * are passed at once. */
static int fuzzy_possible(const registry *r, const char *scope, int fl) {
    if (fl == 0) return 1;
    u32 key[CODE_STREET];
    for (int i = 0; i < fl; i++) key[i] = (u32)(unsigned char)scope[i];
    return table_get(&r->fuzzy_scopes, key, fl) >= 0;
}

/* The distinct bigrams of key[0..k) into grams (two code points each; a single character is its
 * own gram, as similarity.bigrams has it); returns their count. */
static int key_bigrams(const u32 *key, int k, u32 (*grams)[2]) {
    if (k == 1) {
        grams[0][0] = key[0];
        return 1;
    }
    int n = 0;
    for (int i = 0; i + 1 < k; i++) {
        int seen = 0;
        for (int j = 0; j < n && !seen; j++) seen = grams[j][0] == key[i] && grams[j][1] == key[i + 1];
        if (seen) continue;
        grams[n][0] = key[i];
        grams[n++][1] = key[i + 1];
    }
    return n;
}

/* Matcher._fuzzy and what _find_estate decides on it: the estates under the scope (its first 9
 * characters) whose name keys share a bigram with the spelling's, each scored by its best key's
 * bigram Dice; the best taken when it is clear and high enough (its confidence in *conf), -1
 * when none is worth a review, -2 when the reference would queue one (or the block is too big
 * to weigh here): the row is deferred. The scores are the reference's doubles: 2 * shared /
 * (grams + grams), shared counted as how many of the query's bigram lists name the key. */
static int fuzzy_estate(const registry *r, const u32 *s, span v, const char *scope, int sl,
                        double *conf) {
    int fl = sl >= CODE_STREET ? CODE_STREET : sl, nc = 0;
    if (!fuzzy_possible(r, scope, fl)) return -1;
    u32 query[MAX_CHARS], grams[MAX_CHARS][2];
    int k = name_key(s, v, query);
    if (k == 0) return -2;  /* an empty key: the tables hold no empty gram to block on */
    int nq = key_bigrams(query, k, grams), len[MAX_CHARS], at[MAX_CHARS];
    const int32_t *lists[MAX_CHARS];  /* the keys holding each bigram, by key id */
    for (int g = 0; g < nq; g++) {
        len[g] = multimap_get(&r->fuzzy_grams, grams[g], k == 1 ? 1 : 2, &lists[g]);
        at[g] = 0;
    }
    scored found[FUZZY_HITS];
    for (;;) {  /* the lists merged: a key's bigrams shared are the lists it is in */
        int32_t key = INT32_MAX;
        for (int g = 0; g < nq; g++)
            if (at[g] < len[g] && lists[g][at[g]] < key) key = lists[g][at[g]];
        if (key == INT32_MAX) break;
        int shared = 0;
        for (int g = 0; g < nq; g++)
            if (at[g] < len[g] && lists[g][at[g]] == key) {
                shared++;
                at[g]++;
            }
        double score = 2.0 * shared / (double)(nq + r->fuzzy_key_grams[key]);
        const int32_t *estates = r->est_keys.items + r->est_keys.list_off[key];
        int ne = r->est_keys.list_off[key + 1] - r->est_keys.list_off[key];
        for (int j = 0; j < ne; j++) {
            if (!estate_under(r, estates[j], scope, fl)) continue;
            if (nc == FUZZY_HITS) return -2;
            found[nc++] = (scored){estates[j], score};
        }
    }
    qsort(found, (size_t)nc, sizeof *found, by_estate);
    int best = -1, distinct = 0;  /* best: highest score, then lowest code (index order) */
    double top = 0.0, second = 0.0;
    for (int i = 0, run; i < nc; i += run) {
        double score = found[i].score;
        for (run = 1; i + run < nc && found[i + run].estate == found[i].estate; run++)
            if (found[i + run].score > score) score = found[i + run].score;
        distinct++;
        if (best < 0 || score > top) {
            if (best >= 0) second = top;
            best = found[i].estate;
            top = score;
        } else if (score > second) {
            second = score;
        }
    }
    if (best < 0 || top < FUZZY_REVIEW_FLOOR) return -1;
    if ((distinct == 1 || top - second >= FUZZY_CLEAR_LEAD) && top >= FUZZY_ACCEPT) {
        *conf = CONF_FUZZY * top;
        return best;
    }
    return -2;
}

/* Matcher._find_estate: the estate and its confidence, -1 none, or -2 when the reference would
 * queue a review (the row is deferred). */
static int find_estate(const registry *r, const u32 *s, const parsed *p, const char *scope,
                       int sl, double *conf) {
    span spellings[2] = {p->estate, p->level[COMMUNITY]};
    for (int k = 0; k < 2; k++) {
        span v = spellings[k];
        if (!has(v)) continue;
        const int32_t *items;
        int32_t hits[256];  /* estate * HOW_SLOTS + how */
        int n = multimap_get(&r->est_names, s + v.a, v.z - v.a, &items), nh = 0;
        for (int i = 0; i < n && nh < 256; i++) hits[nh++] = items[i];
        if (nh == 0) {
            u32 key[MAX_CHARS];
            n = multimap_get(&r->est_keys, key, name_key(s, v, key), &items);
            for (int i = 0; i < n && nh < 256; i++) hits[nh++] = items[i] * HOW_SLOTS + HOW_KEY;
        }
        int longest = v.z - v.a - 1 < r->max_name ? v.z - v.a - 1 : r->max_name;
        for (int len = longest; nh == 0 && len > 1; len--) {
            n = multimap_get(&r->est_names, s + v.a, len, &items);
            for (int i = 0; i < n && nh < 256; i++)
                hits[nh++] = (items[i] / HOW_SLOTS) * HOW_SLOTS + HOW_PREFIX;
        }
        if (nh == 0) continue;
        int reviewed = 0;
        for (int i = 0; i < nh; i++) reviewed |= hits[i] % HOW_SLOTS == HOW_REVIEW;
        int chosen = -1, distinct = 0, near_count = 0, near = -1;
        double best = 0.0;
        for (int i = 0; i < nh; i++) {  /* distinct estates, and those under the scope */
            if (reviewed && hits[i] % HOW_SLOTS != HOW_REVIEW) continue;
            int e = hits[i] / HOW_SLOTS, seen = 0;
            for (int j = 0; j < i; j++)
                seen |= hits[j] / HOW_SLOTS == e && (!reviewed || hits[j] % HOW_SLOTS == HOW_REVIEW);
            if (seen) continue;
            distinct++;
            chosen = e;
            if (estate_under(r, e, scope, sl)) {
                near_count++;
                near = e;
            }
        }
        for (int i = 0; i < nh; i++) {
            if (reviewed && hits[i] % HOW_SLOTS != HOW_REVIEW) continue;
            if (near_count && !estate_under(r, hits[i] / HOW_SLOTS, scope, sl)) continue;
            if (HOW_CONF[hits[i] % HOW_SLOTS] > best) best = HOW_CONF[hits[i] % HOW_SLOTS];
        }
        if (near_count) {
            if (near_count != 1) return -2;
            *conf = best;
            return near;
        }
        if (distinct != 1) return -2;
        *conf = best * CONF_SCOPE_DISAGREES;  /* the divisions written disagree with the registry */
        return chosen;
    }
    return has(p->estate) ? fuzzy_estate(r, s, p->estate, scope, sl, conf) : -1;
}

/* The building's house at its door (no unit or room written), found by settle_house. */
static void door_building(int b, result *out) {
    out->pending = 1;
    out->building = b;
    out->estate = -1;
    out->key_len = index_key(out->key, b);
    out->key[out->key_len++] = SEP;
}

/* Matcher._derived_house: the unit + room segment of a room of a footprint-only building. */
static int derived_house(const registry *r, const u32 *s, int b, int e, span unit, span room,
                         char *segment) {
    if (r->building_planned[b] == -2 || !r->layout_has[e] || !has(room) || room.z - room.a < 3)
        return 0;
    for (int i = room.a; i < room.z; i++)
        if (!is_digit(s[i])) return 0;  /* 302-1: no door plate layout numbers it */
    int floors = r->building_planned[b];
    long long floor = number(s, room.a, room.z - 2), on_floor = number(s, room.z - 2, room.z);
    if (has(unit) != r->layout_units_written[e] || on_floor < 1 || on_floor > r->layout_rooms[e])
        return 0;
    int top = floors > 0 ? floors : r->layout_floors[e];
    long long u = has(unit) ? number(s, unit.a, unit.z) : 0;
    if (floor < 1 || floor > top || u > r->layout_units[e]) return 0;
    if ((has(unit) && unit.z - unit.a > CODE_UNIT) || room.z - room.a > CODE_ROOM)
        return 0;  /* room_segment: both zero-padded to their widths */
    int ul = has(unit) ? unit.z - unit.a : 0, rl = room.z - room.a;
    for (int i = 0; i < CODE_UNIT; i++)
        segment[i] = (char)(i < CODE_UNIT - ul ? '0' : s[unit.a + i - (CODE_UNIT - ul)]);
    for (int i = 0; i < CODE_ROOM; i++)
        segment[CODE_UNIT + i] = (char)(i < CODE_ROOM - rl ? '0' : s[room.a + i - (CODE_ROOM - rl)]);
    segment[CODE_UNIT + CODE_ROOM] = 0;
    return 1;
}

/* Whether a key of k code points and v fits a row's house key (the parse rules keep units to 3
 * digits and rooms to 5, so it always does; a row whose key would not is deferred). */
static int fits(int k, span v) { return k + (has(v) ? v.z - v.a : 0) < HOUSE_KEY; }

/* The building named in the estate; its house is found by settle_house. */
static void within_estate(const registry *r, const u32 *s, const parsed *p, int e, double conf,
                          result *out) {
    u32 key[KEY_MAX];
    int b = (int)table_get(&r->by_label, key, put(key, index_key(key, e), s, p->building));
    if (b < 0) {
        located(out, r->estate_community + CODE_COMMUNITY * e, -1, -1, r->estate_lon[e], r->estate_lat[e],
                L_ESTATE, conf);
        return;
    }
    if (!fits(index_key(key, b) + 1 + (has(p->unit) ? p->unit.z - p->unit.a : 0), p->room)) {
        out->status = DEFER;
        return;
    }
    out->pending = 1;
    out->building = b;
    out->estate = e;
    out->conf = conf;
    int head = index_key(out->key, b), k = 0;
    if (has(p->room)) {
        k = put(out->key, head, s, p->unit);
        out->key[k++] = SEP;
        k = put(out->key, k, s, p->room);
        if (p->unit.a < 0) {
            out->room_key_len = put(out->room_key, index_key(out->room_key, b), s, p->room);
        }
    } else if (p->unit.a < 0) {
        out->key[head] = SEP;
        k = head + 1;
    }
    out->key_len = k;  /* 0: a unit without a room names no house */
    out->derivable = derived_house(r, s, b, e, p->unit, p->room, out->segment);
}

/* The house of a row planned by door_building or within_estate, and where it is. */
static void settle_house(const registry *r, result *out) {
    int b = out->building, e = out->estate;
    int house = (int)table_find(&r->houses, out->key, out->key_len, out->hash);
    out->pending = 0;
    if (e < 0) {
        located(out, r->building_community + CODE_COMMUNITY * b, b, house, r->building_lon[b],
                r->building_lat[b], house >= 0 ? L_HOUSE : L_BUILDING, CONF_DOOR_BUILDING);
        return;
    }
    double conf = out->conf;
    const int32_t *same;
    if (house < 0 && out->room_key_len &&
        multimap_get(&r->rooms, out->room_key, out->room_key_len, &same) == 1) {
        house = same[0];
        conf *= CONF_SAME_ROOM;
    }
    if (house < 0 && out->derivable) {
        located(out, r->estate_community + CODE_COMMUNITY * e, b, -1, r->building_lon[b],
                r->building_lat[b], L_HOUSE, conf * CONF_DERIVED);
        out->derived = 1;
        return;
    }
    located(out, r->estate_community + CODE_COMMUNITY * e, b, house, r->building_lon[b], r->building_lat[b],
            house >= 0 ? L_HOUSE : L_BUILDING, conf);
}

/* Matcher.plan + finish for a parse. */
static void resolve(const registry *r, const u32 *s, const parsed *p, result *out) {
    int sl = p->deep_len >= CODE_CITY ? p->deep_len : 0;
    const char *scope = p->deep;
    int div_level = p->deep_len == CODE_COMMUNITY ? L_COMMUNITY : p->deep_len >= CODE_STREET
                  ? L_STREET : p->deep_len >= CODE_DISTRICT ? L_DISTRICT : L_NONE;
    double div_conf = div_level == L_NONE ? 0.0 : p->exact ? CONF_DIVISION_EXACT
                                                            : CONF_DIVISION_INEXACT;
    u32 road[KEY_MAX];  /* the road written; a rural 3组 is its village's */
    int rl = 0;
    if (has(p->road)) {
        int group = s[p->road.z - 1] == GROUP && p->road.z - p->road.a >= 2;
        for (int i = p->road.a; group && i < p->road.z - 1; i++) group = is_digit(s[i]);
        if (group) rl = put(road, 0, s, p->level[COMMUNITY]);
        rl = put(road, rl, s, p->road);
    }
    double conf = 0.0;
    int estate = find_estate(r, s, p, scope, sl, &conf), written = has(p->estate);
    if (estate == -2) {
        out->status = DEFER;
        return;
    }
    const int32_t *door_buildings = NULL, *door_estates = NULL;
    int nb = 0, ne = 0;
    if (rl && has(p->road_number)) {
        u32 key[KEY_MAX];
        int k = rl;
        memcpy(key, road, (size_t)rl * sizeof(u32));
        key[k++] = SEP;
        k = put(key, k, s, p->road_number);
        int64_t door = table_get(&r->by_door.t, key, k);
        if (door >= 0) {
            door_buildings = r->by_door.items + r->by_door.list_off[door];
            nb = r->by_door.list_off[door + 1] - r->by_door.list_off[door];
            door_estates = r->estate_doors + r->estate_doors_off[door];
            ne = r->estate_doors_off[door + 1] - r->estate_doors_off[door];
        }
    }
    int near_building = -1, near_buildings = 0;
    for (int i = 0; i < nb; i++)
        if (memcmp(r->building_community + CODE_COMMUNITY * door_buildings[i], scope, (size_t)sl) == 0) {
            near_building = door_buildings[i];
            near_buildings++;
        }
    if (near_buildings == 1 && !written) {
        door_building(near_building, out);
        return;
    }
    if (estate < 0 && ne) {
        int near = -1, count = 0;
        for (int i = 0; i < ne; i++)
            if (estate_under(r, door_estates[i], scope, sl)) {
                near = door_estates[i];
                count++;
            }
        if (count == 0 && ne == 1) {
            near = door_estates[0];
            count = 1;
        }
        if (count == 1) {
            estate = near;
            conf = written ? CONF_DOOR_ESTATE_NAMED : CONF_DOOR_ESTATE;
        }
    } else if (estate >= 0) {
        for (int i = 0; i < ne; i++)
            if (door_estates[i] == estate)
                conf = conf + CONF_DOOR_AGREES < 1.0 ? conf + CONF_DOOR_AGREES : 1.0;
    }
    if (estate >= 0) {
        within_estate(r, s, p, estate, conf, out);
        return;
    }
    if (near_buildings == 1) {
        door_building(near_building, out);
        return;
    }
    int level = div_level;
    if (level != L_NONE && table_get(&r->roads, road, rl) >= 0) level = L_ROAD;
    if (level == L_NONE) {  /* the reason says why nothing was recognised: from the text alone
                             * (native.py) unless the parse left notes */
        out->status = p->noted ? DEFER : UNRECOGNISED;
        return;
    }
    memcpy(out->deep, p->deep, (size_t)p->deep_len + 1);
    out->deep_len = p->deep_len;
    out->level = level;
    out->conf = div_conf;
}

/* One text, UTF-8, to a result (its parse remembered in `memo` by shape, or NULL). */
static void match_one(const registry *r, const char *prefer, shape_memo *memo,
                      const uint8_t *text, int bytes, result *out) {
    u32 s[MAX_INPUT * 4];
    memset(out, 0, offsetof(result, key));  /* the keys are read only as far as they are written */
    out->building = out->house = -1;
    out->lon = out->lat = NAN;
    uint64_t shape;
    int m = normalize_utf8(text, bytes, s, &shape);
    if (m <= 0) {  /* empty, unreadable or unusual: the reference says why */
        out->status = DEFER;
        return;
    }
    parsed p;
    if (memo == NULL || !memo_get(memo, s, m, shape, &p)) {
        parse_shape(r, s, m, &p, prefer);
        if (memo) memo_put(memo, s, m, shape, &p);
    }
    unpad(s, &p);
    resolve(r, s, &p, out);
}

/* The output columns, a row each (`columns`, rules.ROW_COLUMNS in rules_gen.h): status (OK;
 * DEFER: left to Python; UNRECOGNISED: nothing found, the columns as they were filled), level, confidence, lon/lat (NaN: none), the division codes as
 * fixed-width text (deep_len says which are there), building and house codes with presence
 * flags, whether the house code was derived. */
typedef struct {  /* what the threads of a batch read */
    const registry *r;
    const char *prefer;
    strings in;
    const columns *out;
} batch;

/* Row i's columns from its result. */
static void write_row(const registry *r, const columns *c, int64_t i, const result *out) {
    c->status[i] = (uint8_t)out->status;
    if (out->status != OK) return;
    c->level[i] = (uint8_t)out->level;
    c->conf[i] = out->conf;
    c->lon[i] = out->lon;
    c->lat[i] = out->lat;
    c->deep_len[i] = (uint8_t)out->deep_len;
    if (out->deep_len >= CODE_DISTRICT)
        memcpy(c->district + CODE_DISTRICT * i, out->deep, CODE_DISTRICT);
    if (out->deep_len >= CODE_STREET) memcpy(c->street + CODE_STREET * i, out->deep, CODE_STREET);
    if (out->deep_len >= CODE_COMMUNITY)
        memcpy(c->community + CODE_COMMUNITY * i, out->deep, CODE_COMMUNITY);
    c->has_building[i] = out->building >= 0;
    if (out->building >= 0)
        memcpy(c->building + CODE_BUILDING * i, r->building_code + CODE_BUILDING * out->building,
               CODE_BUILDING);
    c->has_house[i] = out->house >= 0 || out->derived;
    c->derived[i] = (uint8_t)out->derived;
    if (out->house >= 0)
        memcpy(c->house + CODE_HOUSE * i, r->house_code + CODE_HOUSE * out->house, CODE_HOUSE);
    if (out->derived) {
        memcpy(c->house + CODE_HOUSE * i, r->building_code + CODE_BUILDING * out->building,
               CODE_BUILDING);
        memcpy(c->house + CODE_HOUSE * i + CODE_BUILDING, out->segment, CODE_UNIT + CODE_ROOM);
    }
}

#define BLOCK 16  /* rows whose house lookups go to memory side by side */

/* Rows [from, to): parsed and planned BLOCK at a time, their house lookups side by side. */
static void run_rows(const void *job, shape_memo *memo, int64_t from, int64_t to) {
    const batch *b = job;
    const registry *r = b->r;
    const table *houses = &r->houses;
    result rows[BLOCK];
    for (; from < to; from += BLOCK) {
        int count = to - from < BLOCK ? (int)(to - from) : BLOCK;
        for (int j = 0; j < count; j++) {  /* parse and plan each row; its house slot is fetched */
            result *out = &rows[j];
            int bytes = 0;
            const uint8_t *text = string_at(&b->in, from + j, &bytes);
            if (text == NULL) {
                out->status = DEFER;
                out->pending = 0;
                continue;
            }
            match_one(r, b->prefer, memo, text, bytes, out);
            if (out->status == OK && out->pending) {
                out->hash = table_hash(out->key, out->key_len);
                table_prefetch_slot(houses, out->hash);
            }
        }
        for (int j = 0; j < count; j++)  /* ... then the record each slot names */
            if (rows[j].status == OK && rows[j].pending) table_prefetch_record(houses, rows[j].hash);
        for (int j = 0; j < count; j++) {  /* ... then the house, and its code */
            result *out = &rows[j];
            if (out->status != OK || !out->pending) continue;
            settle_house(r, out);
            if (out->house >= 0) {
                const char *code = r->house_code + CODE_HOUSE * out->house;
                __builtin_prefetch(code);
                __builtin_prefetch(code + CODE_HOUSE - 1);
            }
        }
        for (int j = 0; j < count; j++) write_row(r, b->out, from + j, &rows[j]);
    }
}

/* Match rows [0, n) of an Arrow string array (offsets, data, validity bitmap or NULL, array
 * offset `base`) into `out`, split over `threads` threads. Returns 0. */
int match_batch(registry *r, const char *prefer, int64_t n, const int32_t *offsets,
                const uint8_t *data, const uint8_t *valid, int64_t base, const columns *out,
                int threads) {
    batch b = {r, prefer, {offsets, data, valid, base}, out};
    split_rows(r, n, threads, run_rows, &b);
    return 0;
}

/* The normalized text of one UTF-8 string (code points into `out`, room for MAX_INPUT * 4), or
 * -1 when the reference must normalize it. For the tests that hold it to the reference. */
int normalize_one(const uint8_t *text, int bytes, u32 *out) {
    uint64_t shape;
    return normalize_utf8(text, bytes, out, &shape);
}

/* The parse of a normalized text: PARSE_FIELD_COUNT spans (start, end; -1 absent) in
 * rules.PARSE_FIELDS order, the deepest code and division_exact. For the tests that hold it to
 * the reference. */
int parse_one(const registry *r, const char *prefer, const u32 *s, int n, int32_t *spans,
              char *deep) {
    parsed p;
    parse_normalized(r, s, n, &p, prefer);
    span all[PARSE_FIELD_COUNT] = PARSE_SPANS(p);
    for (int i = 0; i < PARSE_FIELD_COUNT; i++) {
        spans[2 * i] = all[i].a;
        spans[2 * i + 1] = all[i].z;
    }
    memcpy(deep, p.deep, (size_t)p.deep_len + 1);
    return p.exact;
}
