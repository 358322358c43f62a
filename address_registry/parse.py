"""Parse one normalized address into its levels: divisions by longest name match in context, then
road + number, estate, building, unit, floor and room from what follows. Owns `ParsedAddress`
and `parse_normalized`; the word lists it reads are `rules.py`'s (shared with the C parser), the
batch entry points (`parse`, `parse_texts`, `parse_many`) are `shapes.py`'s, and it does not look
at the merged registry (that is `matcher.py`)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from address_registry import rules
from address_registry.divisions import RANK, Divisions, NameHit, load_divisions
from address_registry.homophones import sound_alike
from address_registry.normalize import normalize_many
from address_registry.rules import DEFAULT_PREFER, MAX_CHARS, MAX_INPUT, MIN_BARE_COMMUNITY


def _either(words: tuple[str, ...]) -> str:
    """A regex alternation of `words`, tried in their order."""
    return "|".join(map(re.escape, words))


_CITY = rules.DIVISION_CODE["city"]
_ESTATE_WORDS = _either(rules.ESTATE_WORDS)
_ROAD_END = _either(rules.ROAD_END)
# 北段, 四段, 北3段 or 北 after a road end (rules.SEGMENT)
_SEGMENT = (rf"(?:[{rules.SEGMENT_SIDES}]?[{rules.PHASE_NUMERALS}0-9]{{0,2}}{rules.SEGMENT}"
            rf"|[{rules.SEGMENT_SIDES}])")
_DOOR, _GROUP, _BUILDING_MARK, _ROOM_MARK = rules.DOOR, rules.GROUP, rules.BUILDING, rules.ROOM
# A short name (翠苑, 文一) is not a division when it starts a road or estate name
# (文一西路, 古荡新村): one character at most in between (五常|港路26号 and 古荡|新村 continue,
# 翠苑|文三路 does not) ...
_ROAD_CONTINUES = re.compile(rf"[\u4e00-\u9fff]?(?:{_ROAD_END}){_SEGMENT}?(?:\d|$)")
_ESTATE_CONTINUES = re.compile(rf"[\u4e00-\u9fff]?(?:{_ESTATE_WORDS})")
# ... but an estate word that opens a road of its own, with its number, does not start an estate
# (滨江|环城弄120号, 奉化|府前西路1907号, 龙游|城北路25号: the district, then the road).
_ROAD_AHEAD = re.compile(rf"[\u4e00-\u9fff]{{2,5}}?(?:{_ROAD_END}){_SEGMENT}?(?:\d|$)")
_ROAD_ENDS = tuple(rules.ROAD_END)


def _name_continues(s: str, pos: int) -> bool:
    """Whether a short name ending at `pos` is the start of a road or estate name."""
    return _ROAD_CONTINUES.match(s, pos) is not None or (
        _ESTATE_CONTINUES.match(s, pos) is not None and _ROAD_AHEAD.match(s, pos) is None)
_ROAD_SUFFIX = tuple(rules.ROAD_SUFFIX)
_ROAD_NUMBER = re.compile(
    rf"(?P<road>[\u4e00-\u9fffA-Z0-9]{{1,14}}?(?:{_ROAD_END}){_SEGMENT}?)"
    rf"(?P<number>[{rules.SUB_DOOR}]?\d{{1,5}}(?:-\d{{1,4}})?){_DOOR}"
    rf"|(?P<group>\d{{1,3}}{_GROUP})(?P<gnumber>\d{{1,5}}(?:-\d{{1,4}})?){_DOOR}"
)
_BUILDING = re.compile(rf"(?P<building>[0-9A-Z]{{1,5}}){_BUILDING_MARK}")
_UNIT = re.compile(rf"(?P<unit>\d{{1,3}}){rules.UNIT}")
_FLOOR = re.compile(rf"(?P<floor>-?\d{{1,3}})[{rules.FLOOR_MARKS}]")
# A room, or a room with a suffix of 1-2 digits (302-1, Chongqing's floor-room 28-5: kept whole)
_ROOM = re.compile(rf"(?P<room>\d{{1,5}}(?:-\d{{1,2}})?){_ROOM_MARK}?$")
_LOW, _HIGH = rules.DASH_ROOM_DIGITS
# After a building: 3-502 is unit 3, room 502
_UNIT_ROOM = re.compile(
    rf"(?P<unit>\d{{1,{rules.DASH_UNIT_DIGITS}}})-(?P<room>\d{{{_LOW},{_HIGH}}}){_ROOM_MARK}?$")
_NUMBERED_ROOM = re.compile(
    rf"(?P<room>\d{{{rules.NUMBERED_ROOM_DIGITS[0]},{rules.NUMBERED_ROOM_DIGITS[1]}}}){_DOOR}$")
_ROAD_ONLY = re.compile(
    rf"^(?!.*(?:{_ESTATE_WORDS}))(?P<road>[\u4e00-\u9fff]{{1,10}}?(?:{_ROAD_END}))"
    rf"(?![\u4e00-\u9fff]*[{_BUILDING_MARK}{_DOOR}])"
)
_LEADING_NUMBER = re.compile(r"\d")
_SUB_DOOR = re.compile(rf"[{rules.SUB_DOOR}]\d{{1,5}}{_DOOR}")
_DASHED = re.compile(
    rf"(?P<building>\d{{1,3}})-(?:(?P<unit>\d{{1,2}})-)?(?P<room>\d{{2,5}}){_ROOM_MARK}?$")
# What people append to an estate name to describe a spot in or near it (金都花园东门).
_ESTATE_TAIL = re.compile(
    rf"(?:[{rules.GATE_SIDES}]{rules.GATE}|[{rules.SIDES}]{rules.SIDE}|{_either(rules.ESTATE_TAIL)}).*$"
)
# ... and after a number or room (1201室楼下快递柜): the words from there on go.
_ROOM_SPOT = re.compile(rf"(?<=[0-9{_ROOM_MARK}])(?:{_either(rules.ESTATE_TAIL)})")
_ESTATE_TRIM = re.compile(r"^[^\u4e00-\u9fffA-Z]+|[^\u4e00-\u9fffA-Z0-9]+$")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
# The committee written after a village or community name: 南山村|村委会, 安泰社区|居委会.
_COMMITTEE = re.compile(rf"^(?:{_either(rules.COMMITTEE)})")
# What a community's short name may be followed by and read with (勤丰|村, 勤丰|居委会).
_COMMUNITY_WORD = re.compile(_either(rules.COMMUNITY_WORDS))
# A division-like prefix the division scan could not place (北京市朝阳区|建国路): not the road's.
_ADMIN_PREFIX = re.compile(rf"^.*[\u4e00-\u9fff]{{2}}[{rules.ADMIN_ENDS}](?=[\u4e00-\u9fff]{{2}})")
_ESTATE_NAMED = re.compile(rf"(?:{_ESTATE_WORDS})$")
# Words that end an estate/POI name; a bare word without one needs other context to be an estate.
_ESTATE_END = re.compile(rf"(?:{_either(rules.ESTATE_END)})$")
_TOWER = tuple(rules.TOWER_WORDS)
_ZONE_WORDS = tuple(rules.ZONE_WORDS)
_PROVINCE_RANK, _CITY_RANK = RANK["province"], RANK["city"]
_DISTRICT_RANK, _STREET_RANK = RANK["district"], RANK["street"]
_COMMUNITY_RANK = RANK["community"]


@dataclass(slots=True)
class ParsedAddress:
    """Every level as written after normalization (None when absent) plus division codes."""

    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    community: str | None = None
    road: str | None = None
    road_number: str | None = None
    estate: str | None = None
    building: str | None = None
    unit: str | None = None
    floor: str | None = None
    room: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    normalized: str = ""
    division_exact: bool = True  # False when any division was read from a short/historic form
    notes: tuple[str, ...] = ()

    def deepest_code(self) -> str | None:
        """The most precise division code that was resolved."""
        return self.community_code or self.street_code or self.district_code or self.city_code


def _choose(hits: list[NameHit], deepest: str, rank: int, prefer: str) -> NameHit | None:
    """The hit to take at this position given what is already resolved, or None."""
    if len(hits) == 1:  # the common case, decided without building lists
        h = hits[0]
        if h.rank > rank and h.code.startswith(deepest):
            return h
    below = [h for h in hits if h.rank > rank and h.code.startswith(deepest)]
    if not below:
        # A street's exact and unambiguous name overrides a conflicting or historic district
        # (江干区|下沙街道 -> 钱塘区); a community's does not (柯桥区|城南新村, 临海市|新村路: a
        # community of that name elsewhere in the city is more likely an estate or a road).
        exact = [h for h in hits if h.exact and h.rank == _STREET_RANK > rank
                 and h.code.startswith(deepest[:_CITY] or prefer)]
        if len(exact) == 1:
            return exact[0]
        # 苍南县|龙港镇: the old name of a district carved out of the one read, in its city
        carved = [h for h in hits if h.exact and h.historic and h.rank == rank == _DISTRICT_RANK
                  and h.code[:_CITY] == deepest[:_CITY] and h.code != deepest]
        return carved[0] if len(carved) == 1 else None
    shallowest = min(h.rank for h in below)
    level_hits = [h for h in below if h.rank == shallowest]
    exact = [h for h in level_hits if h.exact]
    pool = exact or level_hits
    if len(pool) > 1 and len(deepest) < _CITY:
        pool = ([h for h in pool if h.code.startswith(prefer)]
                or [h for h in pool if h.code.startswith(prefer[:2])] or pool)
    if len({h.code for h in pool}) == 1:
        return pool[0]
    return None


def _child_at(s: str, pos: int, codes: tuple[str, ...], div: Divisions) -> bool:
    """Whether a division under one of the divisions `codes` is named at `pos` (杭州|西湖|翠苑街道:
    the short name is followed by its own child, so it does not start an estate name like
    西湖翠苑)."""
    for n in div.lengths.get(s[pos : pos + 2], ()):
        for h in div.names.get(s[pos : pos + n], ()):
            if h.code.startswith(codes) and h.code not in codes:
                return True
    return False


def _typo_child(s: str, pos: int, hits: list[NameHit], div: Divisions) -> bool:
    """Whether a child of one of the provinces or cities `hits` is named at `pos` one character
    off with its own child after it (金华|务城区汤溪镇: 金华 starts no estate 金华务城)."""
    return any(h.rank <= _CITY_RANK and _typo_at(s, pos, h.code, h.rank, div, confirmed=True)
               for h in hits)


def _shorter_others(s: str, pos: int, length: int, choice: NameHit, deepest: str,
                    div: Divisions) -> list[tuple[int, NameHit]]:
    """The shorter names at `pos` (length, hit) of divisions under `deepest` other than `choice`'s."""
    return [(n, h) for n in div.lengths.get(s[pos : pos + 2], ()) if n < length
            for h in div.names.get(s[pos : pos + n], ())
            if h.code != choice.code and h.code.startswith(deepest)]


def _split_by_child(s: str, pos: int, length: int, choice: NameHit,
                    others: list[tuple[int, NameHit]], div: Divisions) -> bool:
    """Whether one of the shorter names `others` at `pos` has its own child written right after
    it while `choice` (the name `length` long there) has none: the shorter one is read then
    (普洱|镇沅…自治县, not 普洱镇|沅…; 东阳|江北街道, not 东阳江(镇)|北街道)."""
    return not _child_at(s, pos + length, (choice.code,), div) and any(
        _child_at(s, pos + n, (h.code,), div) for n, h in others)


def _child_length(s: str, pos: int, code: str, div: Divisions) -> int:
    """The length of the longest name at `pos` of a division under `code` (`_child_at`'s test),
    or 0."""
    return max((n for n in div.lengths.get(s[pos : pos + 2], ())
                if any(h.code.startswith(code) and h.code != code
                       for h in div.names.get(s[pos : pos + n], ()))), default=0)


@dataclass(frozen=True, slots=True)
class _Prefix:
    """A run of exact division names seen before (杭州市西湖区翠苑街道) and the scan state after it."""

    text: str
    tokens: tuple[tuple[int, int], ...]  # (start, length) of each name taken
    spans: tuple[tuple[str, str], ...]  # (level, text)
    deepest: str
    rank: int
    # (start, length) of the longer names that could start at a token and run past the prefix
    reach: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class _Bucket:
    """The prefixes remembered for one (first four characters, prefer): by text, and their
    distinct lengths longest first, so a lookup tries a few slices instead of every prefix."""

    by_text: dict[str, _Prefix]
    lengths: list[int]


_PREFIXES: dict[tuple[str, str], _Bucket] = {}
_PREFIX_LIMIT = 20_000
_remembered = [0]  # prefixes held in _PREFIXES


def _resume(s: str, div: Divisions, prefer: str) -> _Prefix | None:
    """A remembered exact prefix of `s` whose names no longer name can override in `s`."""
    bucket = _PREFIXES.get((s[:4], prefer))
    if bucket is None:
        return None
    for length in bucket.lengths:
        p = bucket.by_text.get(s[:length])
        # a longer name at any token start could have been taken instead: scan in full
        if p is not None and not any(
                s[t : t + n] in div.names for t, n in p.reach if t + n <= len(s)):
            return p
    return None


def _remember(p: _Prefix, div: Divisions, prefer: str) -> None:
    longer = [(t, n) for t, taken in p.tokens for n in div.lengths.get(p.text[t : t + 2], ())
              if n > taken]
    if any(t + n <= len(p.text) and p.text[t : t + n] in div.names for t, n in longer):
        return  # a longer name inside the prefix itself: it is never resumed from
    if _remembered[0] >= _PREFIX_LIMIT:
        _PREFIXES.clear()
        _remembered[0] = 0
    bucket = _PREFIXES.setdefault((p.text[:4], prefer), _Bucket({}, []))
    if p.text not in bucket.by_text:
        reach = tuple((t, n) for t, n in longer if t + n > len(p.text))
        bucket.by_text[p.text] = _Prefix(p.text, p.tokens, p.spans, p.deepest, p.rank, reach)
        _remembered[0] += 1
        if len(p.text) not in bucket.lengths:
            bucket.lengths.append(len(p.text))
            bucket.lengths.sort(reverse=True)


def _of_word_kind(s: str, end: int, hits: list[NameHit], deepest: str) -> list[NameHit]:
    """塘南|居委会 where 塘南 is both 塘南村 and 塘南社区居委会: `hits` without the communities whose
    kind, village or residents', is not the one of the community word at `end` (all hits when no
    word follows or no community under `deepest` is of its kind: 笕桥街道|黄家|村 is 黄家社区, a
    village that became a community)."""
    word = _COMMUNITY_WORD.match(s, end)
    if word is None:
        return hits
    village = word.group(0).startswith(rules.VILLAGE_MARK)
    fit = [h for h in hits if h.rank != _COMMUNITY_RANK
           or h.division.name.endswith(rules.VILLAGE_NAME_ENDS) == village]
    return fit if any(h.rank == _COMMUNITY_RANK and h.code.startswith(deepest) for h in fit) else hits


def _street_naming_estate(s: str, end: int, hits: list[NameHit], deepest: str, rank: int
                          ) -> NameHit | None:
    """乐清市|柳市|和园: a street's short name that starts an estate's name (at most one character,
    then an estate word, at `end`) names the estate's street when it is the only such street of
    the district read; the name stays the estate's."""
    if rank != _DISTRICT_RANK or not _ESTATE_CONTINUES.match(s, end):
        return None
    streets = {h.code: h for h in hits if h.rank == _STREET_RANK and h.code.startswith(deepest)}
    return next(iter(streets.values())) if len(streets) == 1 else None


def _street_written_short(s: str, end: int, form: str, hits: list[NameHit], rank: int) -> bool:
    """越城区|府山街, 朝阳区|孙河街道: a street's form ending in 街 or 街道 (so ending like a road),
    right after its district and not followed by a digit (越城区府山街12号 is a road and its door
    number)."""
    return (form.endswith(rules.STREET_FORMS) and rank == _DISTRICT_RANK
            and not (end < len(s) and "0" <= s[end] <= "9")
            and any(h.rank == _STREET_RANK for h in hits))


def _zone_at(s: str, pos: int, stem: int, codes: tuple[str, ...], div: Divisions) -> int:
    """The length of a development zone's name at `pos` (up to `stem` Chinese characters, then
    one of ZONE_WORDS) that a division under one of `codes` follows, or 0 (`codes` ("",): any
    division)."""
    for start in range(pos, min(pos + stem, len(s)) + 1):
        if start > pos and not _HAS_CJK.match(s[start - 1]):
            break
        for word in _ZONE_WORDS:
            end = start + len(word)
            if s.startswith(word, start) and _child_at(s, end, codes, div):
                return end - pos
    return 0


def _parent_of_next(s: str, end: int, hits: list[NameHit], deepest: str, rank: int,
                    div: Divisions) -> NameHit | None:
    """普陀区|长征镇 (Shanghai's, not Zhoushan's), 河东区|常州道街道 (Tianjin's): of several
    divisions the name written could be, the only one whose own child is named at `end`."""
    below = [h for h in hits if h.rank > rank and h.code.startswith(deepest)]
    if len({h.code for h in below}) < 2:
        return None
    parents: dict[str, NameHit] = {}
    for h in below:
        if h.code not in parents and _child_at(s, end, (h.code,), div):
            parents[h.code] = h
    return next(iter(parents.values())) if len(parents) == 1 else None


def _opens_address(s: str, start: int, div: Divisions) -> bool:
    """Whether a province or city name (full or short), a district's full name of at least
    LEAD_DISTRICT_MIN characters or a district's name followed by its own child (淳安|梓桐镇,
    余杭县|瓶窑镇) is written at `start`."""
    return any(h.rank <= _CITY_RANK or (h.rank == _DISTRICT_RANK and (
                   (h.exact and n >= rules.LEAD_DISTRICT_MIN)
                   or _child_at(s, start + n, (h.code,), div)))
               for n in div.lengths.get(s[start : start + 2], ()) if start + n <= len(s)
               for h in div.names.get(s[start : start + n], ()))


def _stem_length(name: str) -> int:
    """The length of a division name without the suffix of its kind (三墩|镇, 明北|社区)."""
    for suffix in rules.KIND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return len(name) - len(suffix)
    return len(name)


def _typo_at(s: str, pos: int, deepest: str, rank: int, div: Divisions, confirmed: bool = False,
             alike: bool = False) -> tuple[int, NameHit] | None:
    """A child of `deepest` whose name is written at `pos` with one character off (not its last
    character and not in its kind's suffix: 明北小区 is no 明北社区; a Chinese character in its
    place; not ending as a road does: 金鸡湖大道 is no 金鸡湖街道), when it is the only child that
    fits; under a city, its districts and their streets of at least MIN_CITY_TYPO_NAME
    characters. `confirmed`: the children alone, each only when its own child is named right
    after it (航州市|萧山区, 温领市|泽国), and of several the one whose child's name is longest.
    `alike`: the children alone, the character off sounding like the name's (纯安县 for 淳安县), when
    only one fits."""
    index = div.typo_index(deepest, rank == _CITY_RANK and not (confirmed or alike))
    candidates = sorted(c for n, by_last in index.items() if pos + n <= len(s)
                        for c in by_last.get(s[pos + n - 1], ()))
    found: NameHit | None = None
    length = best = 0  # best: the longest child name after the one found
    tie = False
    for _, name, h in candidates:
        written = s[pos : pos + len(name)]
        if written.endswith(_ROAD_ENDS):
            continue
        off = [i for i, (a, b) in enumerate(zip(written, name, strict=True)) if a != b]
        stem = _stem_length(name)
        if len(off) != 1 or not _HAS_CJK.match(written[off[0]]) or off[0] >= stem:
            continue
        if alike and not sound_alike(written[off[0]], name[off[0]]):
            continue
        if h.rank == _COMMUNITY_RANK and stem < rules.MIN_COMMUNITY_TYPO_STEM \
                and len(name) - stem < 2:  # 江窑|村 is no 江南|村; 高杨|村委会 is 高阳|村委会
            continue
        child = _child_length(s, pos + len(name), h.code, div) if confirmed else 0
        if confirmed and not child:
            continue
        if found is None:
            found, length, best = h, len(name), child
        elif found.code == h.code:
            if child > best:
                best, tie = child, False
        elif not confirmed:
            return None
        elif child > best:  # 胡州市|安吉县: 湖州's 安吉县, not 杭州's 安吉(社区)
            found, length, best, tie = h, len(name), child, False
        elif child == best:
            tie = True
    return (length, found) if found is not None and not tie else None


def _bare_typo_at(s: str, pos: int, div: Divisions, province: str) -> tuple[int, NameHit] | None:
    """With no division read (the preferred province's) or only `province`: a city or district of
    the province written one character off, each only with its own child named right after it
    (家兴市|嘉善, 纯安县|汾口镇, 浙江|肖山区|楼塔镇), when only one fits; or else a city whose
    character off sounds like the name's followed by its own district one character off and
    confirmed (莉水市|晋云县|壶镇镇)."""
    parents = [(province, _PROVINCE_RANK), *((city, _CITY_RANK) for city in dict.fromkeys(
        h.code for _, h in div.children.get(province, ())))]
    fits = [f for code, rank in parents
            if (f := _typo_at(s, pos, code, rank, div, confirmed=True)) is not None]
    if fits:
        return fits[0] if len(fits) == 1 else None
    return _typo_chain(s, pos, province, _PROVINCE_RANK, div)


def _typo_chain(s: str, pos: int, parent: str, rank: int, div: Divisions
                ) -> tuple[int, NameHit] | None:
    """A child of `parent` written one character off that sounds like the name's, the only one,
    followed by its own child one character off with that one's own child after it (莉水市|晋云县|
    壶镇镇)."""
    first = _typo_at(s, pos, parent, rank, div, alike=True)
    if first is None or first[1].rank >= _COMMUNITY_RANK:
        return None
    length, h = first
    return first if _typo_at(s, pos + length, h.code, h.rank, div, confirmed=True) else None


def _typo_here(s: str, pos: int, deepest: str, rank: int, div: Divisions, prefer: str
               ) -> tuple[int, NameHit] | None:
    """A division written one character off at `pos` after `deepest` (of `rank`; none: the
    preferred province's, `_bare_typo_at`)."""
    if not deepest:
        return _bare_typo_at(s, pos, div, prefer[:2])
    if rank >= _COMMUNITY_RANK:
        return None
    # (a province's city or a city's district: only with its own child after it, or sounding
    # alike; a province's district as with nothing read)
    return ((_typo_at(s, pos, deepest, rank, div) if rank >= _CITY_RANK else None)
            or (_typo_at(s, pos, deepest, rank, div, confirmed=True) if rank <= _CITY_RANK else None)
            or (_typo_at(s, pos, deepest, rank, div, alike=True) if rank <= _CITY_RANK else None)
            or (_bare_typo_at(s, pos, div, deepest) if rank == _PROVINCE_RANK else None))


def _twice_at(s: str, pos: int, deepest: str, rank: int, div: Divisions, prefer: str) -> int:
    """How much to skip at `pos` when the part there (2 to TWICE_MAX characters) that cannot be
    read is written again right after it, or after a copy of the names from the start to it, and
    its second copy is read one character off (务城区|务城区琅琊镇, 浙江省余航区|浙江省余航区余杭街道);
    or 0."""
    for t in dict.fromkeys((pos, 0)):
        for k in range(2, rules.TWICE_MAX + 1):
            end = pos + k
            w = end - t
            if end + w > len(s) or s[end] != s[t] or s[end : end + w] != s[t:end]:
                continue
            found = _typo_here(s, end + pos - t, deepest, rank, div, prefer)
            if found is not None and found[0] <= k:
                return k + pos - t
    return 0


def _scan_divisions(s: str, div: Divisions, out: ParsedAddress, prefer: str) -> int:
    """Consume division names from the start of `s`, or after a few words before the address
    (委托件, 收件地址) that end where a province or city name starts, or else the same after the
    word that labels the address (收件人王女士电话地址|浙江省...); fill `out`; return where the
    rest begins."""
    pos = _scan_leads(s, div, out, prefer)
    label = 0 if pos else _label_end(s)
    if label:
        pos = _scan_leads(s[label:], div, out, prefer)
        pos += label if pos else 0
    return pos


def _label_end(s: str) -> int:
    """Where the first of ADDRESS_LABELS starting among the first LABEL_MAX characters ends, or 0."""
    for i in range(min(rules.LABEL_MAX, len(s))):
        for label in rules.ADDRESS_LABELS:
            if s.startswith(label, i):
                return i + len(label)
    return 0


def _scan_leads(s: str, div: Divisions, out: ParsedAddress, prefer: str) -> int:
    """`_scan_from` the start of `s`, or after a few words before the address that end where a
    province or city name starts among the first LEAD_MAX characters, or else where a city or
    district one character off is read (丁先生|胡州市飞英街道). The words never start
    inside a division name written at the start: a name that could not be placed (河东区,
    several provinces') is no lead word before 东区."""
    pos = _scan_from(s, div, out, prefer)
    first = next((n for n in div.lengths.get(s[:2], ()) if s[:n] in div.names), 1)
    for start in range(first, min(rules.LEAD_MAX, len(s) - 2) + 1):
        if pos:
            break
        if _opens_address(s, start, div):
            pos = _scan_from(s[start:], div, out, prefer)
            pos += start if pos else 0
    for start in range(first, min(rules.LEAD_MAX, len(s) - 2) + 1):
        if pos:
            break
        if any(c in rules.TYPO_LEAD_ENDS for c in s[start + 2 : start + 4]) and _bare_typo_at(
                s, start, div, prefer[:2]) is not None:  # 丁先生|胡州市飞英街道
            pos = _scan_from(s[start:], div, out, prefer)
            pos += start if pos else 0
    return pos


def _scan_from(s: str, div: Divisions, out: ParsedAddress, prefer: str) -> int:
    """Consume division names from the start of `s`; fill `out`; return where the rest begins.

    Most addresses start with a run of full division names seen many times before; that run's
    result is remembered and resumed from (`_resume`), then the scan continues as usual."""
    pos, n, deepest, rank = 0, len(s), "", -1
    names, lengths = div.names, div.lengths
    notes: list[str] = []
    tokens: list[tuple[int, int]] = []
    spans: list[tuple[str, str]] = []
    exact_until: _Prefix | None = None
    # a name taken for what follows it (a short form's next characters, the child that settles
    # an ambiguous name, a zone word) decides for the text after the prefix too: no prefix
    # through it is remembered, for another text with the same prefix may go on otherwise
    looked_ahead = False
    resumed = _resume(s, div, prefer) if n >= 4 else None
    if resumed is not None:
        pos, deepest, rank = len(resumed.text), resumed.deepest, resumed.rank
        tokens, spans = list(resumed.tokens), list(resumed.spans)
        for level, text in spans:
            setattr(out, level, text)
    names_estate = False
    while pos < n:
        taken: tuple[int, NameHit | None] | None = None
        blank = False  # an empty part, skipped for what follows it: no prefix ends with it
        for length in lengths.get(s[pos : pos + 2], ()):
            hits = names.get(s[pos : pos + length]) if length <= n - pos else None
            if hits is None:
                continue
            if any(text == s[pos : pos + length] for _, text in spans) \
                    and not _ROAD_CONTINUES.match(s, pos + length):
                # written again (金华金东金华金东): not a deeper level, unless a road named
                taken = (length, None)  # after it follows (城阳|城阳路)
                break
            if not any(h.exact for h in hits):
                looked_ahead = True
                form = s[pos : pos + length]
                continues = _name_continues(s, pos + length)
                codes = tuple(h.code for h in hits)
                if form.endswith(_ROAD_SUFFIX):
                    if _street_written_short(s, pos + length, form, hits, rank):
                        hits = [h for h in hits if h.rank == _STREET_RANK]
                    elif rank == _STREET_RANK and _COMMUNITY_WORD.match(s, pos + length):
                        # 许村镇|许巷|居委会: a community's form ending like a road, its word after it
                        hits = [h for h in hits if h.rank == _COMMUNITY_RANK]
                    else:
                        continue
                    if not hits:
                        continue
                if continues and not _child_at(s, pos + length, codes, div) \
                        and not _typo_child(s, pos + length, hits, div):
                    street = _street_naming_estate(s, pos + length, hits, deepest, rank)
                    if street is None:
                        continue
                    taken, names_estate = (length, street), True
                    break
                if any(len(w) > length and s.startswith(w, pos) for w in _ZONE_WORDS):
                    continue  # 高新|区: the start of a zone word, not 高新社区
                if s.startswith(_ZONE_WORDS, pos + length) and not _zone_at(
                        s, pos + length, 0, codes, div):
                    if _zone_at(s, pos + length, 0, (deepest,), div):
                        continue  # 莫干山|高新区阜溪街道: the zone's name, not 莫干山镇
                    # 江西省赣江|新区: with no district read, a zone named like a street is not
                    # the street's (萧山区南阳|经济技术开发区 is)
                    hits = [h for h in hits if h.rank < _STREET_RANK or rank >= _DISTRICT_RANK]
                    if not hits:
                        continue
                owners = {h.code for h in hits if not deepest
                          and _child_at(s, pos + length, (h.code,), div)}
                if len(owners) == 1:  # 大兴|高米店街道: the one whose own child
                    hits = [h for h in hits if h.code in owners]  # follows, whatever its province
                elif not deepest:  # a bare short form: the preferred province's districts and
                    # streets before another's, and a short street name of another province is none
                    local = any(h.code[:2] == prefer[:2] for h in hits)
                    hits = [h for h in hits if (h.code[:2] == prefer[:2] or h.rank <= _CITY_RANK
                                                if local else h.rank < _STREET_RANK)]
                    if not hits:
                        continue
                if len(form) < MIN_BARE_COMMUNITY and not deepest and all(
                        h.division.level == "community" for h in hits):
                    continue
            looked_ahead |= len(hits) > 1
            if len(hits) > 1 and (parent := _parent_of_next(s, pos + length, hits, deepest, rank,
                                                            div)) is not None:
                hits = [parent]
            if len(hits) > 1:
                hits = _of_word_kind(s, pos + length, hits, deepest)
            choice = _choose(hits, deepest, rank, prefer)
            if choice is None:
                # Repeated prefixes (杭州市杭州市, 浙江杭州 after 浙江省) are skipped, not errors.
                if any(deepest.startswith(h.code) for h in hits):
                    taken = (length, None)
                    break
                continue
            others = _shorter_others(s, pos, length, choice, deepest, div)
            if others:
                looked_ahead = True  # whether a shorter name is read depends on what follows
                if _split_by_child(s, pos, length, choice, others, div):
                    continue  # 普洱|镇沅…自治县: the shorter name, and its child after it
            if not choice.exact and choice.rank == _COMMUNITY_RANK and pos + length < n \
                    and _HAS_CJK.match(s[pos + length]):
                word = _COMMUNITY_WORD.match(s, pos + length)
                if word is None:
                    continue  # 勤丰|路, 南肖埠|一区, 乔司|农场: the start of a longer name
                length = word.end() - pos  # 勤丰村, 勤丰居委会: read with the word
            taken = (length, choice)
            break
        if taken is None and notes and (
                again := next((len(t) for _, t in spans if s.startswith(t, pos)), 0)):
            taken, looked_ahead = (again, None), True  # a name read one character off, written again
        if taken is None and deepest and s.startswith(rules.BLANK_PART, pos) and (
                _child_at(s, pos + 1, (deepest,), div)
                or (_CITY_RANK <= rank < _COMMUNITY_RANK and _typo_at(s, pos + 1, deepest, rank, div))):
            taken, blank = (1, None), True  # 浙江省|无|温州市: an empty part, not a name
        if taken is None and rank < _COMMUNITY_RANK:
            taken = _typo_here(s, pos, deepest, rank, div, prefer)
            if taken is not None:
                out.division_exact = False
                notes.append(f"{s[pos:pos + taken[0]]} read as {taken[1].division.name}"
                             " (one character off)")
            elif twice := _twice_at(s, pos, deepest, rank, div, prefer):
                taken, looked_ahead = (twice, None), True  # 务城区|务城区琅琊镇: read the second copy
        if taken is None and deepest and (zone := _zone_at(s, pos, rules.ZONE_STEM, (deepest,),
                                                             div)):
            taken, looked_ahead = (zone, None), True  # 杭州|经济技术开发区|下沙街道
        if taken is None:
            break
        length, hit = taken
        tokens.append((pos, length))
        if hit is not None:
            d = hit.division
            setattr(out, d.level, s[pos : pos + length])
            spans.append((d.level, s[pos : pos + length]))
            if not hit.exact:
                out.division_exact = False
            if hit.historic:
                notes.append(hit.historic)
                out.division_exact = False
            if deepest and not d.code.startswith(deepest):
                notes.append(f"{s[pos:pos + length]} is not under {div.name(deepest)}; kept "
                             f"{div.name(d.code[:len(deepest)]) or d.code[:len(deepest)]}")
                out.division_exact = False
            deepest, rank = d.code, RANK[d.level]
        if names_estate:
            break  # the street's name stays the estate's
        pos += length
        if out.division_exact and not notes and (hit is None or hit.exact) and not blank \
                and not looked_ahead:
            exact_until = _Prefix(s[:pos], tuple(tokens), tuple(spans), deepest, rank)
    if exact_until is not None and exact_until.deepest and len(exact_until.text) >= 4:
        _remember(exact_until, div, prefer)
    if deepest:
        out.province_code = deepest[:2]
        out.city_code = deepest[:4] if len(deepest) >= 4 else None
        out.district_code = deepest[:6] if len(deepest) >= 6 else None
        out.street_code = deepest[:9] if len(deepest) >= 9 else None
        out.community_code = deepest if len(deepest) == 12 else None
    out.notes = tuple(notes)
    return pos


@functools.lru_cache(maxsize=65_536)  # many shapes share a tail after different division prefixes
def _parse_tail(rest: str, divisions_found: bool) -> tuple[str | None, ...]:
    """(road, road_number, estate, building, unit, floor, room) from the remainder: road + number
    (or rural 组 + 号), the estate name, then building, unit, floor and room."""
    road = number = building = unit = floor = room = None
    rest = _COMMITTEE.sub("", rest)
    if (spot := _ROOM_SPOT.search(rest)) is not None:
        rest = rest[: spot.start()]
    m = _ROAD_NUMBER.search(rest)
    before = rest
    if m:
        road = _ADMIN_PREFIX.sub("", m.group("road") or m.group("group"))
        number = m.group("number") or m.group("gnumber")
        before, rest = rest[: m.start()], rest[m.end() :]
    elif (ro := _ROAD_ONLY.match(rest)) is not None:
        road, rest = ro.group("road"), rest[ro.end() :]
    if road is not None and (sub := _SUB_DOOR.match(rest)) is not None:
        rest = rest[sub.end() :]  # 6号|附8号|桂花大厦2713, 25号|附5号|17幢, 90号|附2号
    b = _BUILDING.search(rest)
    if b:
        estate_text, tail = rest[: b.start()], rest[b.end() :]
        building = _unpadded(b.group("building"))
    elif d := _DASHED.search(rest):
        estate_text, tail = rest[: d.start()], ""
        if d.group("unit") is None and estate_text.endswith(_TOWER):
            room = rest[d.start("building") : d.end("room")]  # 西城大厦12-10: floor-room
        else:
            building = _unpadded(d.group("building"))
            unit, room = d.group("unit"), d.group("room")
    else:
        # no building: a tower's room (浙商大厦1502室) or unit/floor follow the name directly
        n = _LEADING_NUMBER.search(rest)
        estate_text, tail = (rest[: n.start()], rest[n.start() :]) if n else (rest, "")
    if tail and (ur := _UNIT_ROOM.match(tail)) is not None:
        unit, room = ur.group("unit"), ur.group("room")
    elif tail:
        u = _UNIT.search(tail)
        if u:
            unit = _unpadded(u.group("unit"))
            tail = tail[u.end() :]
        f = _FLOOR.search(tail)
        if f:
            floor = f.group("floor")
            tail = tail[f.end() :]
        r = _ROOM.search(tail)
        # a bare trailing number is a room only after a building, unit or tower name (not in
        # "asdf1234")
        if r and (r.group(0).endswith("室") or building or unit or floor
                  or estate_text.endswith(_TOWER)):
            room = r.group("room")
        elif (building or unit) and (nr := _NUMBERED_ROOM.search(tail)) is not None:
            room = nr.group("room")  # 3单元601号
    number, unit, room = (_unpadded(v) for v in (number, unit, room))
    name = _ESTATE_TRIM.sub("", estate_text) or (_ESTATE_TRIM.sub("", before) if m else "")
    name = _ESTATE_TAIL.sub("", name)
    located = divisions_found or road or building or unit or room
    estate = name if name and _HAS_CJK.search(name) and (located or _ESTATE_END.search(name)) \
        else None
    return road, number, estate, building, unit, floor, room


_PADDING = re.compile(r"^0+(?=\d)")


def _unpadded(value: str | None) -> str | None:
    """A number without its leading zeros (0502 -> 502, 00 -> 0); a zero before a letter is part
    of the label (0A stays 0A, as the registry's labels keep it)."""
    return _PADDING.sub("", value) if value is not None and value[:1] == "0" else value


def _community_from_estate(out: ParsedAddress, div: Divisions) -> None:
    """朝晖路203号大家苑: an estate named exactly like a community of the street names it too."""
    assert out.estate is not None and out.street_code is not None
    hits = [h for h in div.names.get(out.estate, ())
            if h.division.level == "community" and h.code.startswith(out.street_code)]
    if len(hits) == 1:
        out.community_code = hits[0].division.code


_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")


def normalized_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The normalized form the parser reads (leading zeros of numbers dropped: 0502 -> 502),
    truncated to MAX_CHARS, and the notes that produced."""
    return normalized_texts([text])[0]


_TRUNCATED = (f"longer than {MAX_CHARS} characters after normalization; truncated",)


def normalized_texts(texts: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """`normalized_text` of each text, computed for the whole batch at once."""
    if any(len(t) > MAX_INPUT for t in texts):
        texts = [t[:MAX_INPUT] for t in texts]
    out = _LEADING_ZEROS.sub("", "\n".join(normalize_many(texts))).split("\n") if texts else []
    return [(s, ()) if len(s) <= MAX_CHARS else (s[:MAX_CHARS], _TRUNCATED) for s in out]


def parse_normalized(s: str, notes: tuple[str, ...] = (), prefer: str = DEFAULT_PREFER
                     ) -> ParsedAddress:
    """Parse an already normalized string (see `normalized_text`)."""
    out = ParsedAddress(normalized=s)
    div = load_divisions()
    pos = _scan_divisions(s, div, out, prefer)
    out.notes = notes + out.notes
    if pos < len(s):
        (out.road, out.road_number, out.estate, out.building, out.unit, out.floor,
         out.room) = _parse_tail(s[pos:], out.deepest_code() is not None)
    if out.estate is None and out.community and not out.division_exact and (
            out.building or _ESTATE_NAMED.search(out.community)):
        # 翠苑一区5幢, 大家苑: a community written by its short name before a building, or named
        # like an estate, is also the estate's name (estates and their communities share it)
        out.estate = out.community
    elif out.estate and out.community is None and out.street_code:
        _community_from_estate(out, div)
    return out


def clear_caches() -> None:
    """Forget the remembered division prefixes and tails (benchmarks; results never depend on
    these caches)."""
    _PREFIXES.clear()
    _remembered[0] = 0
    _parse_tail.cache_clear()
