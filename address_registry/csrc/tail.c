/* parse._parse_tail and parse.parse_normalized's closing rules: what follows the divisions read
 * as road + number (or rural 组 + 号), estate, building, unit, floor and room. Each regex of the
 * reference is a function here with the same leftmost-first, backtracking result. */
#include <string.h>

#include "core.h"

static const span NONE = {-1, -1};

/* \d{1,max} starting exactly at p (the whole run from p, as the greedy match needs): its length. */
static int run_upto(const u32 *s, int n, int p, int max) {
    int k = digits_at(s, n, p);
    return k >= 1 && k <= max ? k : 0;
}

/* \d{1,5}(?:-\d{1,4})?号 at p: the end of the number (before 号), or -1. */
static int door_number(const u32 *s, int n, int p) {
    int k = run_upto(s, n, p, 5);
    if (!k) return -1;
    int q = p + k;
    if (q < n && s[q] == '-') {
        int k2 = run_upto(s, n, q + 1, 4);
        if (k2 && q + 1 + k2 < n && s[q + 1 + k2] == DOOR) return q + 1 + k2;
    }
    return q < n && s[q] == DOOR ? q : -1;
}

static int road_char(u32 c) { return is_cjk(c) || is_upper(c) || is_digit(c); }

/* Where a road end followed by a door number starts: ends[q] is the road end's length (the
 * first alternative, in the regex's order, that a number follows), and *to the number's end. */
static int road_end_number(const u32 *s, int n, int q, int *to) {
    if (!in_set(s[q], ROAD_END_STARTS)) return 0;
    for (const u32 *const *w = ROAD_END; *w; w++) {
        int e = word_at(s, n, q, *w);
        if (!e) continue;
        int g = segment_at(s, n, q + e);  /* the road's segment first (_SEGMENT?), then none */
        /* the number may start with a lettered door's mark (甲58号: kept in the number) */
        int h = g && q + e + g < n && in_set(s[q + e + g], SUB_DOOR);
        if (g && (*to = door_number(s, n, q + e + g + h)) >= 0) return e + g;
        h = q + e < n && in_set(s[q + e], SUB_DOOR);
        if ((*to = door_number(s, n, q + e + h)) >= 0) return e;
    }
    return 0;
}

/* _ROAD_NUMBER.search(s[a..n)): road (or 组) and number spans; the match end, or -1. */
static int road_number(const u32 *s, int a, int n, span *road, span *number, int *start) {
    /* ends[q] as road_end_number says, next[q] the first q' >= q with such an end (n: none),
     * run[p] the road characters from p on: the road from p is the first end within reach */
    int ends[MAX_CHARS + 1], to[MAX_CHARS + 1], next[MAX_CHARS + 1], run[MAX_CHARS + 1];
    next[n] = n;
    run[n] = 0;
    for (int q = n - 1; q >= a; q--) {
        ends[q] = road_end_number(s, n, q, &to[q]);
        next[q] = ends[q] ? q : next[q + 1];
        run[q] = road_char(s[q]) ? run[q + 1] + 1 : 0;
    }
    for (int p = a; p < n; p++) {
        int q = next[p + 1], k = q - p;  /* [CJK A-Z 0-9]{1,14}? then the road end */
        if (q < n && k <= 14 && k <= run[p]) {
            *road = (span){p, q + ends[q]};
            *number = (span){q + ends[q], to[q]};
            *start = p;
            return to[q] + 1;
        }
        int g = run_upto(s, n, p, 3);  /* (\d{1,3}组)(\d{1,5}(?:-\d{1,4})?)号 */
        if (g && p + g < n && s[p + g] == GROUP) {
            int z = door_number(s, n, p + g + 1);
            if (z >= 0) {
                *road = (span){p, p + g + 1};
                *number = (span){p + g + 1, z};
                *start = p;
                return z + 1;
            }
        }
    }
    return -1;
}

/* _ADMIN_PREFIX.sub("", road): ^.*[CJK]{2}[省市区县](?=[CJK]{2}) goes (greedy: the last one). */
static span admin_prefix_cut(const u32 *s, span road) {
    for (int i = road.z - 3; i >= road.a + 2; i--)
        if (in_set(s[i], ADMIN_ENDS) && is_cjk(s[i - 1]) && is_cjk(s[i - 2]) &&
            is_cjk(s[i + 1]) && is_cjk(s[i + 2]))
            return (span){i + 1, road.z};
    return road;
}

/* _ROAD_ONLY.match(s[a..n)): a road with no number, in text naming no estate. */
static int road_only(const u32 *s, int a, int n, span *road) {
    for (int p = a; p < n; p++)
        if (any_word_at(s, n, p, ESTATE_WORDS)) return -1;
    for (int k = 1; k <= 10 && a + k <= n && is_cjk(s[a + k - 1]); k++)
        for (const u32 *const *w = ROAD_END; *w; w++) {
            int e = word_at(s, n, a + k, *w);
            if (!e) continue;
            int z = a + k + e, marked = 0;  /* (?![CJK]*[幢号]) */
            for (int q = z; q < n && is_cjk(s[q]) && !marked; q++) marked = s[q] == BUILDING || s[q] == DOOR;
            if (marked) continue;
            *road = (span){a, z};
            return z;
        }
    return -1;
}

/* _BUILDING.search: ([0-9A-Z]{1,5})幢 */
static int building_at(const u32 *s, int a, int n, span *b) {
    for (int p = a; p < n; p++) {
        int k = 0;
        while (p + k < n && (is_digit(s[p + k]) || is_upper(s[p + k]))) k++;
        if (k >= 1 && k <= 5 && p + k < n && s[p + k] == BUILDING) {
            *b = (span){p, p + k};
            return p + k + 1;
        }
    }
    return -1;
}

/* (\d{2,5})室?$ at p */
static int dashed_room(const u32 *s, int n, int p) {
    int k = digits_at(s, n, p);
    if (k < 2 || k > 5) return 0;
    return p + k == n || (s[p + k] == ROOM && p + k + 1 == n);
}

/* _DASHED.search: (\d{1,3})-(?:(\d{1,2})-)?(\d{2,5})室?$ ; the match start, or -1. */
static int dashed(const u32 *s, int a, int n, span *b, span *unit, span *room) {
    for (int p = a; p < n; p++) {
        int k = run_upto(s, n, p, 3);
        if (!k || p + k >= n || s[p + k] != '-') continue;
        int q = p + k + 1, k2 = run_upto(s, n, q, 2);
        *b = (span){p, p + k};
        if (k2 && q + k2 < n && s[q + k2] == '-' && dashed_room(s, n, q + k2 + 1)) {
            *unit = (span){q, q + k2};
            int r = q + k2 + 1;
            *room = (span){r, r + digits_at(s, n, r)};
            return p;
        }
        if (dashed_room(s, n, q)) {
            *unit = NONE;
            *room = (span){q, q + digits_at(s, n, q)};
            return p;
        }
    }
    return -1;
}

/* (\d{1,max})WORD search: the span of the number, or NONE; *end is after WORD. */
static span number_before(const u32 *s, int a, int n, int max, const u32 *const *words, int *end) {
    for (int p = a; p < n; p++) {
        int k = run_upto(s, n, p, max), w = k ? words_at(s, n, p + k, words, ANY_FIRST) : 0;
        if (w) {
            *end = p + k + w;
            return (span){p, p + k};
        }
    }
    return NONE;
}

/* _FLOOR.search: (-?\d{1,3})[层楼] */
static span floor_at(const u32 *s, int a, int n, int *end) {
    for (int p = a; p < n; p++) {
        int q = s[p] == '-' ? p + 1 : p, k = run_upto(s, n, q, 3);
        if (k && any_word_at(s, n, q + k, FLOOR_MARKS)) {
            *end = q + k + 1;
            return (span){p, q + k};
        }
    }
    return NONE;
}

/* _ROOM.search: (\d{1,5}(?:-\d{1,2})?)室?$ ; *marked when 室 is written. */
static span room_at(const u32 *s, int a, int n, int *marked) {
    int z = n;
    *marked = z > a && s[z - 1] == ROOM;
    if (*marked) z--;
    int p = z;
    while (p > a && is_digit(s[p - 1])) p--;
    int dash = p - 1, q = dash;  /* 302-1: the suffix's run is 1-2 digits after a dash */
    if (z - p >= 1 && z - p <= 2 && dash > a && s[dash] == DASH) {
        while (q > a && is_digit(s[q - 1]) && dash - q < 5) q--;
        if (q < dash) return (span){q, z};
    }
    p = z;
    while (p > a && is_digit(s[p - 1]) && z - p < 5) p--;
    return p < z ? (span){p, z} : NONE;
}

/* _UNIT_ROOM.match: (\d{1,DASH_UNIT_DIGITS})-(\d{DASH_ROOM_DIGITS})室?$ at a; 1 when it is. */
static int unit_room(const u32 *s, int a, int n, span *unit, span *room) {
    int k = run_upto(s, n, a, DASH_UNIT_DIGITS), q = a + k + 1;
    if (!k || q >= n || s[q - 1] != DASH) return 0;
    int r = digits_at(s, n, q), z = q + r;
    if (r < DASH_ROOM_DIGITS_MIN || r > DASH_ROOM_DIGITS_MAX) return 0;
    if (z != n && !(s[z] == ROOM && z + 1 == n)) return 0;
    *unit = (span){a, a + k};
    *room = (span){q, z};
    return 1;
}

/* _NUMBERED_ROOM.search: (\d{NUMBERED_ROOM_DIGITS})号$ ; the room, or NONE. */
static span numbered_room(const u32 *s, int a, int n) {
    if (n - 1 <= a || s[n - 1] != DOOR) return NONE;
    int p = n - 1;
    while (p > a && is_digit(s[p - 1])) p--;
    int k = n - 1 - p;
    if (k < NUMBERED_ROOM_DIGITS_MIN) return NONE;
    return (span){n - 1 - (k < NUMBERED_ROOM_DIGITS_MAX ? k : NUMBERED_ROOM_DIGITS_MAX), n - 1};
}

static span unzero(const u32 *s, span v) {  /* parse._unpadded: zeros before a digit go */
    if (v.a < 0) return v;
    while (v.z - v.a > 1 && s[v.a] == '0' && is_digit(s[v.a + 1])) v.a++;
    return v;
}

/* _ESTATE_TRIM.sub: leading chars not [CJK A-Z], trailing chars not [CJK A-Z 0-9] go. */
static span estate_trim(const u32 *s, span v) {
    while (v.a < v.z && !is_cjk(s[v.a]) && !is_upper(s[v.a])) v.a++;
    while (v.z > v.a && !is_cjk(s[v.z - 1]) && !is_upper(s[v.z - 1]) && !is_digit(s[v.z - 1])) v.z--;
    return v;
}

/* _ESTATE_TAIL.sub: from the first word describing a spot near the estate to the end. */
static span estate_untail(const u32 *s, span v) {
    for (int p = v.a; p < v.z; p++) {
        int gate = in_set(s[p], GATE_SIDES) && p + 1 < v.z && s[p + 1] == GATE;
        int side = in_set(s[p], SIDES) && p + 1 < v.z && s[p + 1] == SIDE;
        if (gate || side || any_word_at(s, v.z, p, ESTATE_TAIL)) return (span){v.a, p};
    }
    return v;
}

/* _ROOM_SPOT.search: where a word of ESTATE_TAIL right after a digit or 室 starts in s[a..n), or n. */
static int room_spot(const u32 *s, int a, int n) {
    for (int q = a + 1; q < n; q++)
        if ((is_digit(s[q - 1]) || s[q - 1] == ROOM) && any_word_at(s, n, q, ESTATE_TAIL)) return q;
    return n;
}

void parse_tail(const u32 *s, int a, int n, int divisions_found, parsed *p) {
    span before = {a, a}, estate_text, b = NONE;
    int end, start, w = any_word_at(s, n, a, COMMITTEE);
    a += w;
    n = room_spot(s, a, n);  /* 1201室|楼下快递柜 */
    int tail = n;
    int m = road_number(s, a, n, &p->road, &p->road_number, &start);
    if (m >= 0) {
        p->road = admin_prefix_cut(s, p->road);
        before = (span){a, start};
        a = m;
    } else if ((end = road_only(s, a, n, &p->road)) >= 0) {
        a = end;
    }
    if (p->road.a >= 0 && a < n && in_set(s[a], SUB_DOOR)) {  /* 6号|附8号|桂花大厦2713, 25号|附5号|17幢 */
        int q = a + 1;
        while (q < n && q - a <= 5 && is_digit(s[q])) q++;
        if (q > a + 1 && q < n && s[q] == DOOR) a = q + 1;
    }
    int after = building_at(s, a, n, &b);
    if (after >= 0) {
        estate_text = (span){a, b.a};
        tail = after;
        p->building = b;
    } else if ((start = dashed(s, a, n, &b, &p->unit, &p->room)) >= 0) {
        estate_text = (span){a, start};
        if (p->unit.a < 0 && ends_with_any(s, estate_text.a, estate_text.z, TOWER_WORDS))
            p->room.a = b.a;  /* 西城大厦12-10: floor-room */
        else
            p->building = b;
        tail = n;  /* nothing left to read */
    } else {
        int q = a;
        while (q < n && !is_digit(s[q])) q++;
        estate_text = (span){a, q};
        tail = q;
    }
    if (tail < n && unit_room(s, tail, n, &p->unit, &p->room)) {
        /* 5幢3-502: unit and room */
    } else if (tail < n) {
        p->unit = number_before(s, tail, n, 3, UNIT_MARK, &end);
        if (p->unit.a >= 0) tail = end;
        p->floor = floor_at(s, tail, n, &end);
        if (p->floor.a >= 0) tail = end;
        int marked;
        span room = room_at(s, tail, n, &marked);
        if (room.a >= 0 && (marked || p->building.a >= 0 || p->unit.a >= 0 || p->floor.a >= 0 ||
                            ends_with_any(s, estate_text.a, estate_text.z, TOWER_WORDS)))
            p->room = room;
        else if (p->building.a >= 0 || p->unit.a >= 0)
            p->room = numbered_room(s, tail, n);  /* 3单元601号 */
    }
    span name = estate_trim(s, estate_text);
    if (name.z == name.a && m >= 0) name = estate_trim(s, before);
    name = estate_untail(s, name);
    int cjk = 0;
    for (int i = name.a; i < name.z; i++) cjk |= is_cjk(s[i]);
    int located = divisions_found || p->road.a >= 0 || p->building.a >= 0 || p->unit.a >= 0 ||
                  p->room.a >= 0;
    if (name.z > name.a && cjk && (located || ends_with_any(s, name.a, name.z, ESTATE_END)))
        p->estate = name;
}

/* Leading zeros off the numbers (_unpadded and the building's and unit's own): the only step of
 * the parse that reads what a digit is, not just that it is one. */
void unpad(const u32 *s, parsed *p) {
    p->building = unzero(s, p->building);
    p->road_number = unzero(s, p->road_number);
    p->unit = unzero(s, p->unit);
    p->room = unzero(s, p->room);
}

void parse_normalized(const registry *r, const u32 *s, int n, parsed *p, const char *prefer) {
    parse_shape(r, s, n, p, prefer);
    unpad(s, p);
}

void parse_shape(const registry *r, const u32 *s, int n, parsed *p, const char *prefer) {
    memset(p, 0xff, sizeof *p);  /* every span absent */
    p->exact = 1;
    p->noted = 0;
    int pos = scan_divisions(r, s, n, p, prefer);
    if (pos < n) parse_tail(s, pos, n, p->deep_len >= CODE_CITY, p);
    span c = p->level[COMMUNITY];
    if (p->estate.a < 0 && c.z > c.a && !p->exact &&
        (p->building.a >= 0 || ends_with_any(s, c.a, c.z, ESTATE_WORDS))) {
        p->estate = c;  /* 翠苑一区5幢, 大家苑: the community's short name is the estate's */
    } else if (p->estate.a >= 0 && c.a < 0 && p->deep_len >= CODE_STREET) {
        const int32_t *hits;  /* 朝晖路203号大家苑: an estate named like a community of the street */
        int nh = multimap_get(&r->div_names, s + p->estate.a, p->estate.z - p->estate.a, &hits);
        int32_t only = -1, count = 0;
        for (int i = 0; i < nh; i++)
            if (r->hit_rank[hits[i]] == COMMUNITY && r->hit_code_len[hits[i]] == CODE_COMMUNITY &&
                memcmp(r->hit_code + CODE_COMMUNITY * hits[i], p->deep, CODE_STREET) == 0) {
                only = hits[i];
                count++;
            }
        if (count == 1) {
            memcpy(p->deep, r->hit_code + CODE_COMMUNITY * only, CODE_COMMUNITY);
            p->deep[CODE_COMMUNITY] = 0;
            p->deep_len = CODE_COMMUNITY;
        }
    }
}
