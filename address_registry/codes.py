"""Stable codes for estates/roads, buildings and houses, structured like GB/T 39609's 区划式 code:

    building_code = community (12, NBS) + segment (4: kind digit 1 road / 2 estate / 3 village
                    group, then a 3-digit sequence) + building (4)            -> 20 digits
    house_code    = building_code + unit (2) + room (4)                        -> 26 digits

The code ledger remembers every natural key ever given a code, so a rebuild, or the same sources in
another order, never renumbers: known keys keep their code, new keys are numbered in sorted key
order after the highest code of their parent. When two keys turn out to be one thing, the older
code is kept and the other key is recorded as its alias. It owns codes; it does not merge sources.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from address_registry import rules

SEGMENT_KIND = {"road": "1", "estate": "2", "village": "3"}
_WIDTH = {"segment": rules.SEGMENT_SEQUENCE, "building": rules.BUILDING_SEQUENCE,
          "room": rules.ROOM_CODE}
_ROOM_DIGITS = re.compile(rf"^\d{{1,{rules.ROOM_CODE}}}$")


class CodeSpaceExhausted(RuntimeError):
    """A parent ran out of sequence numbers (more than 999 segments or 9999 buildings)."""


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One natural key and the code it was given (`alias_of` set when merged into another)."""

    kind: str  # segment | building | room
    key: str
    code: str
    version: int
    alias_of: str | None = None


@dataclass
class CodeLedger:
    """The append-only memory of natural key -> code; load it from and save it to the store."""

    entries: list[LedgerEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}
        self._merged_into: dict[str, str] = {}
        self._high: dict[tuple[str, str], int] = defaultdict(int)
        for e in self.entries:
            self._index(e)

    def _index(self, e: LedgerEntry) -> None:
        if e.alias_of:
            self._merged_into[e.code] = e.alias_of
        self._by_key[(e.kind, e.key)] = e.code
        width = _WIDTH[e.kind]
        parent, seq = e.code[:-width], e.code[-width:]
        if seq.isdigit():
            self._high[(e.kind, parent)] = max(self._high[(e.kind, parent)], int(seq))

    def lookup(self, kind: str, key: str) -> str | None:
        """The code a natural key was given, following merges to the code that was kept."""
        code = self._by_key.get((kind, key))
        while code in self._merged_into:
            code = self._merged_into[code]
        return code

    def merged(self) -> dict[str, str]:
        """Codes retired by a merge -> the code kept for them."""
        return {old: self.lookup_code(old) for old in self._merged_into}

    def lookup_code(self, code: str) -> str:
        """A code after following merges."""
        while code in self._merged_into:
            code = self._merged_into[code]
        return code

    def _record(self, kind: str, key: str, code: str, version: int, alias_of: str | None = None
                ) -> None:
        entry = LedgerEntry(kind, key, code, version, alias_of)
        self.entries.append(entry)
        self._index(entry)

    def assign(self, kind: str, items: list[tuple[str, list[str]]], version: int) -> list[str]:
        """A code per item, each item given as (parent code, its natural keys; first = canonical).

        Items whose keys are known keep the oldest code among them (the others become aliases);
        new items are numbered under their parent in sorted canonical-key order, so the order of
        the sources never changes a code."""
        codes: list[str | None] = []
        for _parent, keys in items:
            known = sorted({c for k in keys if (c := self.lookup(kind, k))})
            if not known:
                codes.append(None)
                continue
            keep = known[0]  # the lower sequence under one parent was allocated earlier
            for other in known[1:]:
                self._record(kind, f"merged:{other}", other, version, alias_of=keep)
            for k in keys:
                if self.lookup(kind, k) != keep:
                    self._record(kind, k, keep, version)
            codes.append(keep)
        width = _WIDTH[kind]
        fresh = sorted((parent, keys[0], i) for i, ((parent, keys), c)
                       in enumerate(zip(items, codes, strict=True)) if c is None)
        for parent, canonical, i in fresh:
            if (known_code := self.lookup(kind, canonical)) is not None:
                codes[i] = known_code  # two new items with the same canonical key are one
                continue
            seq = self._high[(kind, parent)] + 1
            if seq >= 10**width:
                raise CodeSpaceExhausted(f"{kind} codes under {parent} exhausted at {seq - 1}; "
                                         f"widen the {kind} segment")
            code = parent + str(seq).zfill(width)
            for k in items[i][1]:
                if self.lookup(kind, k) is None:
                    self._record(kind, k, code, version)
            codes[i] = code
        return [c or "" for c in codes]


BUILDING_CODE_LENGTH = rules.BUILDING_CODE
_SEGMENT = rules.UNIT_CODE + rules.ROOM_CODE


def literal_unit_room(house_code: str) -> tuple[str, str, str] | None:
    """(building code, unit, room) a house code spells with literal segments ('' for 0), or
    None for a sequence-numbered odd room (unit segment 99)."""
    building, segment = house_code[:BUILDING_CODE_LENGTH], house_code[BUILDING_CODE_LENGTH:]
    if len(segment) != _SEGMENT or not segment.isdigit() or segment[:rules.UNIT_CODE] == "99":
        return None
    unit, room = int(segment[:rules.UNIT_CODE]), int(segment[rules.UNIT_CODE:])
    return building, str(unit) if unit else "", str(room) if room else ""


def room_segment(unit: str | None, room: str | None) -> str | None:
    """The literal unit(2)+room(4) suffix when both are plain numbers, else None (ledger)."""
    u = unit or "0"
    r = room or "0"
    if u.isdigit() and len(u) <= rules.UNIT_CODE and _ROOM_DIGITS.match(r):
        return u.zfill(rules.UNIT_CODE) + r.zfill(rules.ROOM_CODE)
    return None
