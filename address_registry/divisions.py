"""Administrative divisions from the committed NBS 2023 extracts (every province down to 乡镇/街道,
Zhejiang down to village/community), indexed by full name, short name (翠苑 for 翠苑街道, 文一 for
文一社区) and historic name from the division history (江干区 -> 上城区, 江东区 -> 鄞州区, a 镇 that
became a 街道). Owns name -> code lookup; knows nothing of roads or houses."""

from __future__ import annotations

import functools
import gc
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from address_registry.normalize import traditional_spellings
from address_registry.rules import (
    MAX_DIVISION_HITS,
    MIN_CITY_TYPO_NAME,
    MIN_TYPO_NAME,
    STREET_KIND,
    STREET_SHORT,
)
from divisions.reference import LEVELS as LEVELS  # re-exported for the matcher
from divisions.reference import RANK, Change, Division, national, read_history

# Ethnic names written in autonomous divisions' names (景宁畲族自治县, 巴音郭楞蒙古自治州,
# 拖顶傈僳族乡): their short forms drop them (景宁, 巴音郭楞, 拖顶). One-character names only with 族.
_ETHNIC_LONG = ("维吾尔", "蒙古", "土家", "布依", "朝鲜", "哈尼", "哈萨克", "傈僳", "东乡", "仡佬",
                "拉祜", "纳西", "仫佬", "锡伯", "柯尔克孜", "景颇", "达斡尔", "撒拉", "布朗", "毛南",
                "塔吉克", "普米", "阿昌", "鄂温克", "基诺", "德昂", "保安", "俄罗斯", "裕固", "乌孜别克",
                "门巴", "鄂伦春", "独龙", "赫哲", "高山", "珞巴", "塔塔尔")
_ETHNIC_ONE = "壮回苗彝藏侗瑶白黎傣畲佤水羌土京怒满汉"
_ETHNIC = re.compile(rf"(?:(?:{'|'.join(_ETHNIC_LONG)})族?|[{_ETHNIC_ONE}]族)$")
_AUTONOMOUS = re.compile(r"(自治区|自治州|自治县|自治旗|乡|镇)$")
# What an autonomous division's short form is also written with: 恩施州, 景宁县.
_AUTONOMOUS_MARK = {"自治州": "州", "自治县": "县", "自治旗": "旗"}

# Suffixes stripped (longest first) to build the short form people write: 文一 for 文一社区.
_SHORT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "province": ("省", "市", "自治区"),
    "city": ("市", "地区", "盟"),
    "district": ("畲族自治县", "自治县", "区", "县", "市"),
    "street": ("畲族乡", "街道办事处", "街道", "地区", "镇", "乡"),
    "community": ("社区居民委员会", "村村民委员会", "村民委员会", "居民委员会", "社区居委会", "村委会",
                  "居委会", "委员会", "社区", "生活区", "管理区", "村"),
}
# Earlier spellings of a district's kind people still write (建德县 for 建德市, a county until it
# became a city; 崇明县 for 崇明区): (suffix today, suffix written) pairs. Indexed as short forms
# where no division of the same parent has that name.
_EARLIER_KIND = (("市", "县"), ("区", "县"), ("区", "市"))
# A street's kind written as another (新街镇 for 新街街道, a town until it became a street; 梁弄乡 for
# 梁弄镇, a 乡 until it became a town, and the other way round; 后沙峪镇 for Beijing's 后沙峪地区, a
# town's area office): (kind today, kind written) pairs, indexed as short forms where the stem is
# the only one of _STREET_KINDS under its district and no sibling has the name written.
_STREET_KINDS = ("街道", "地区", "镇", "乡")
_STREET_KIND_WRITTEN = (("街道", "镇"), ("镇", "乡"), ("乡", "镇"), ("地区", "镇"), ("地区", "乡"),
                        ("地区", "街道"))
# ... and a county-level city or district of a one-character stem and 州 written as the county it
# mostly was (嵊县 for 嵊州市, 滕县 for 滕州市, 蓟县 for 蓟州区): indexed where no division has the name
# (青县 and 高县 are counties of their own); the scan's rules keep it to the one under the parent
# written, or the preferred province's with none.
_STEM_KIND = (("州市", "县"), ("州区", "县"))
# Canonical forms of the committee names: 安泰社区居委会 -> 安泰社区, 淡竹村村民委员会 -> 淡竹村,
# 吴徐村村委会 -> 吴徐村, 下涯居民委员会 -> 下涯社区.
_VILLAGE_DOUBLED = "村村委会"
_CANONICAL_SUFFIX = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村村民委员会", "村"),
                     ("村民委员会", "村"), ("居民委员会", "社区"), ("村村委会", "村"), ("村委会", "村"),
                     ("居委会", "社区"), ("委员会", ""))




@dataclass(slots=True, eq=False)  # not frozen: about 150,000 are made on the first call
class NameHit:
    """A name form that points at a division: `exact` forms beat short ones on ties. `rank` and
    `code` repeat the division's level rank and code for the hot matching loop."""

    division: Division
    exact: bool
    historic: str | None = None
    rank: int = -1
    code: str = ""


TypoName = tuple[int, str, NameHit]  # (place in the order tried, name, hit)


def _hit(division: Division, exact: bool, historic: str | None = None) -> NameHit:
    return NameHit(division, exact, historic, RANK[division.level], division.code)


def canonical_name(name: str) -> str:
    """The community name people write: 淡竹村村民委员会 -> 淡竹村, 吴徐村村委会 -> 吴徐村, 安泰社区居委会
    -> 安泰社区."""
    for suffix, replacement in _CANONICAL_SUFFIX:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _village_doubled(d: Division) -> tuple[str, ...]:
    """三村村 for 三村村委会: a village named XX村 is also written with a second 村."""
    if d.level == "community" and d.name.endswith(_VILLAGE_DOUBLED):
        return (d.name[: -len(_VILLAGE_DOUBLED)] + "村村",)
    return ()


def _ethnic_forms(name: str) -> set[str]:
    """景宁畲族自治县 -> 景宁, 景宁县; 新疆维吾尔自治区 -> 新疆; 拖顶傈僳族乡 -> 拖顶."""
    m = _AUTONOMOUS.search(name)
    if m is None:
        return set()
    base = name[: m.start()]
    stripped = base
    while (e := _ETHNIC.search(stripped)) is not None and e.start() >= 2:
        stripped = stripped[: e.start()]
    if stripped == base:
        return set()
    mark = _AUTONOMOUS_MARK.get(m.group())
    return {stripped} | ({stripped + mark} if mark else set())


def short_forms(level: str, name: str) -> set[str]:
    """Every shorter spelling of a division name that is at least two characters long, and a
    street's with 街 for 街道 (府山街)."""
    forms = {canonical_name(name)} if level == "community" else _ethnic_forms(name)
    if level == "street" and name.endswith(STREET_KIND) and len(name) - len(STREET_KIND) >= 2:
        forms.add(name[: -len(STREET_KIND)] + STREET_SHORT)
    suffixes = _SHORT_SUFFIXES[level]
    for full in (name, *forms):
        if full.endswith(suffixes):
            forms.update(full[: -len(suffix)] for suffix in suffixes
                         if full.endswith(suffix) and len(full) - len(suffix) >= 2)
    forms.discard(name)
    return forms


class Divisions:
    """All divisions with name indexes; build once with `load_divisions()`. Built in the same
    order in every process (sets of spellings are iterated sorted), so a name's hits, and the
    copy the native matcher keeps on disk, do not depend on the interpreter's string hashing."""

    def __init__(self, records: list[Division], history: Iterable[Change] = ()) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in records}
        self.names: dict[str, list[NameHit]] = {}
        for d in records:
            canonical = canonical_name(d.name) if d.level == "community" else d.name
            for exact in sorted({d.name, canonical, *_village_doubled(d)}):
                for spelling in sorted({exact} | traditional_spellings(exact)):
                    self._add(spelling, _hit(d, exact=True))
            for form in sorted(short_forms(d.level, d.name) - {canonical}):
                for spelling in sorted({form} | traditional_spellings(form)):
                    self._add(spelling, _hit(d, exact=False))
        for change in history:
            self._add_historic(change)
        self._add_earlier_kinds(records)
        # parent code -> (full name, hit) of its children, for names written one character off
        self.children: dict[str, list[tuple[str, NameHit]]] = {}
        self._typo: dict[tuple[str, bool], dict[int, dict[str, list[TypoName]]]] = {}
        for name, hits in self.names.items():
            for h in hits:
                if h.exact and h.historic is None and len(name) >= MIN_TYPO_NAME:
                    self.children.setdefault(h.division.parent, []).append((name, h))
        crowded = [name for name, hits in self.names.items() if len(hits) > MAX_DIVISION_HITS]
        if crowded:  # the C matcher's candidate buffers hold MAX_DIVISION_HITS
            raise ValueError(f"{crowded} name more than {MAX_DIVISION_HITS} divisions each")
        # first two characters -> the lengths of names starting with them, longest first, so a
        # scan tries a handful of slices per position instead of every length
        lengths: dict[str, set[int]] = {}
        for name in self.names:
            lengths.setdefault(name[:2], set()).add(len(name))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}

    def typo_index(self, code: str, city: bool) -> dict[int, dict[str, list[TypoName]]]:
        """The names a typo under the division `code` is read against, by length and last
        character, each with its place in the order they are tried: the division's children, and
        under a city (`city`) its districts' and their streets' of at least MIN_CITY_TYPO_NAME
        characters, districts first (computed once per division and `city`)."""
        found = self._typo.get((code, city))
        if found is None:
            names = self.children.get(code, [])
            if city:
                codes = dict.fromkeys(h.code for _, h in names)
                names = [(name, h) for name, h in names
                         + [c for d in codes for c in self.children.get(d, ())]
                         if len(name) >= MIN_CITY_TYPO_NAME]
            found = {}
            for i, (name, h) in enumerate(names):
                found.setdefault(len(name), {}).setdefault(name[-1], []).append((i, name, h))
            self._typo[code, city] = found
        return found

    def _add(self, name: str, hit: NameHit) -> None:
        self.names.setdefault(name, []).append(hit)

    def _add_historic(self, change: Change) -> None:
        """An old name people still write, pointing at today's division: the full old name as an
        exact form, its short forms only where no current name has them."""
        today = self.by_code.get(change.new_code)
        if today is None:
            return
        note = (f"{change.old_name} ({change.old_code}) is {today.name} ({today.code}) since "
                f"{change.year} ({change.kind}; {change.source})")
        exact = canonical_name(change.old_name) if today.level == "community" else change.old_name
        for form in sorted({change.old_name, exact}):
            for spelling in sorted({form} | traditional_spellings(form)):
                if not any(h.code == today.code for h in self.names.get(spelling, ())):
                    self._add(spelling, _hit(today, True, note))
        for form in sorted(short_forms(today.level, change.old_name) - {exact}):
            for spelling in sorted({form} | traditional_spellings(form)):
                if spelling not in self.names:
                    self._add(spelling, _hit(today, False, note))

    def _add_earlier_kinds(self, records: list[Division]) -> None:
        """建德县 -> 建德市 (`_EARLIER_KIND`) and 新街镇 -> 新街街道 (`_STREET_KIND_WRITTEN`), unless a
        sibling carries the name; 嵊县 -> 嵊州市 (`_STEM_KIND`), unless a division carries it."""
        one_character = [(d, d.name[0] + written) for d in records if d.level == "district"
                         for today, written in _STEM_KIND
                         if len(d.name) == 3 and d.name.endswith(today)]
        taken = {form for _, form in one_character if form in self.names}
        for d, form in one_character:
            if form not in taken:
                self._add(form, _hit(d, exact=False))
        kinds = [(d, today, written) for d in records if d.level == "district"
                 for today, written in _EARLIER_KIND]
        streets = [(d, next((k for k in _STREET_KINDS if d.name.endswith(k)), "")) for d in records
                   if d.level == "street"]
        stems = Counter((d.parent, d.name[: -len(k)]) for d, k in streets if k)
        kinds += [(d, today, written) for d, kind in streets
                  if kind and stems[(d.parent, d.name[: -len(kind)])] == 1
                  for today, written in _STREET_KIND_WRITTEN if today == kind]
        for d, today, written in kinds:
            if not d.name.endswith(today) or len(d.name) - len(today) < 2:
                continue
            form = d.name[: -len(today)] + written
            if not any(h.division.parent == d.parent for h in self.names.get(form, ())):
                self._add(form, _hit(d, exact=False))

    def name(self, code: str | None) -> str | None:
        """The official name of a code, or None."""
        d = self.by_code.get(code) if code else None
        return d.name if d else None


@functools.cache
def load_divisions() -> Divisions:
    """The division index of the committed extracts and history (cached per process). The
    collector is paused meanwhile: the index is some 300,000 objects that all stay alive, and
    collecting while they are made would take a third of the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return Divisions(national(), read_history())
    finally:
        if paused:
            gc.enable()
