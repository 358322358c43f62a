"""Administrative divisions (province .. community/village) from the committed NBS 2023 extract,
indexed by full name, short name (翠苑 for 翠苑街道, 文一 for 文一社区) and historic name
(江干区, 下城区 -> the 2021 reform's districts). Owns name -> code lookup; knows nothing of roads
or houses."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from address_registry.normalize import traditional_spellings
from divisions.reference import LEVELS as LEVELS  # re-exported for the matcher
from divisions.reference import RANK, REFERENCE, Division, read_divisions

# Districts abolished or renamed, mapped to the district that took over most of them. Streets that
# went elsewhere (下沙/白杨 -> 钱塘区) are still found because a deeper level overrides this.
HISTORIC_DISTRICTS: dict[str, tuple[str, str, str]] = {
    # old name: (old code, today's code, what happened)
    "江干区": ("330104", "330102",
               "2021 区划调整: 江干区撤销, 并入上城区 (下沙/白杨街道划入钱塘区)"),
    "下城区": ("330103", "330105", "2021 区划调整: 下城区撤销, 并入拱墅区"),
    "萧山市": ("330181", "330109", "2001 撤市设区"),
    "余杭市": ("330184", "330110", "2001 撤市设区 (2021 临平区析出)"),
    "富阳市": ("330183", "330111", "2015 撤市设区"),
    "临安市": ("330185", "330112", "2017 撤市设区"),
}

# Suffixes stripped (longest first) to build the short form people write: 文一 for 文一社区.
_SHORT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "province": ("省",),
    "city": ("市",),
    "district": ("畲族自治县", "自治县", "区", "县", "市"),
    "street": ("畲族乡", "街道办事处", "街道", "镇", "乡"),
    "community": ("社区居民委员会", "村村民委员会", "村民委员会", "社区居委会", "村委会", "居委会",
                  "委员会", "社区", "生活区", "管理区", "村"),
}
# Canonical forms of the committee names: 安泰社区居委会 -> 安泰社区, 淡竹村村民委员会 -> 淡竹村.
_CANONICAL_SUFFIX = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("村村民委员会", "村"),
                     ("村民委员会", "村"), ("村委会", "村"), ("居委会", "社区"), ("委员会", ""))




@dataclass(frozen=True, slots=True)
class NameHit:
    """A name form that points at a division: `exact` forms beat short ones on ties. `rank` and
    `code` repeat the division's level rank and code for the hot matching loop."""

    division: Division
    exact: bool
    historic: str | None = None
    rank: int = -1
    code: str = ""


def _hit(division: Division, exact: bool, historic: str | None = None) -> NameHit:
    return NameHit(division, exact, historic, RANK[division.level], division.code)


def canonical_name(name: str) -> str:
    """The community name people write: 淡竹村村民委员会 -> 淡竹村, 安泰社区居委会 -> 安泰社区."""
    for suffix, replacement in _CANONICAL_SUFFIX:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + replacement
    return name


def short_forms(level: str, name: str) -> set[str]:
    """Every shorter spelling of a division name that is at least two characters long."""
    forms = {canonical_name(name)} if level == "community" else set()
    for full in (name, *forms):
        for suffix in _SHORT_SUFFIXES[level]:
            if full.endswith(suffix) and len(full) - len(suffix) >= 2:
                forms.add(full[: -len(suffix)])
    forms.discard(name)
    return forms


class Divisions:
    """All divisions with name indexes; build once with `load_divisions()`."""

    def __init__(self, records: list[Division]) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in records}
        self.names: dict[str, list[NameHit]] = {}
        for d in records:
            canonical = canonical_name(d.name) if d.level == "community" else d.name
            for exact in {d.name, canonical}:
                for spelling in {exact} | traditional_spellings(exact):
                    self._add(spelling, _hit(d, exact=True))
            for form in short_forms(d.level, d.name) - {canonical}:
                for spelling in {form} | traditional_spellings(form):
                    self._add(spelling, _hit(d, exact=False))
        for old, (_old_code, today, note) in HISTORIC_DISTRICTS.items():
            short = old[:-1]
            for spelling in {old} | traditional_spellings(old):
                self._add(spelling, _hit(self.by_code[today], True, note))
            for spelling in {short} | traditional_spellings(short):
                if spelling not in self.names and len(spelling) >= 2:
                    self._add(spelling, _hit(self.by_code[today], False, note))
        # first two characters -> the lengths of names starting with them, longest first, so a
        # scan tries a handful of slices per position instead of every length
        lengths: dict[str, set[int]] = {}
        for name in self.names:
            lengths.setdefault(name[:2], set()).add(len(name))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}

    def _add(self, name: str, hit: NameHit) -> None:
        self.names.setdefault(name, []).append(hit)

    def name(self, code: str | None) -> str | None:
        """The official name of a code, or None."""
        d = self.by_code.get(code) if code else None
        return d.name if d else None


@functools.cache
def load_divisions(path: Path = REFERENCE) -> Divisions:
    """The division index for the committed extract (cached per process)."""
    return Divisions(read_divisions(path))
