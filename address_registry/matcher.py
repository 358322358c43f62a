"""The matching rules of the Python reference: `Matcher` holds one registry version's indexes, and
`match_texts` resolves a batch of strings on it: normalized at once, parsed and planned once per
shape (divisions, road, estate: exact -> normalized -> fuzzy, blocked by division), then each
string's numbers resolve it to a house, building, estate/road or division. The constants and
vocabularies it applies are `rules.py`'s, shared with the native matcher. It reads no registry
files and queues no reviews (that is `match.py`, which calls it)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from address_registry import rules, shapes
from address_registry.build import name_key
from address_registry.codes import room_segment
from address_registry.parse import ParsedAddress
from address_registry.rules import DEFAULT_PREFER, NAME_CONFIDENCE
from address_registry.similarity import bigrams, dice

SCHEMA = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in rules.OUTPUT_COLUMNS])


@dataclass(slots=True)
class Match:
    """The resolution of one address string."""

    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    building_code: str | None = None
    house_code: str | None = None
    lon: float | None = None
    lat: float | None = None
    match_level: str = "none"
    match_confidence: float = 0.0
    reason: str | None = None
    # (estate spelling, candidates with scores) when the estate was ambiguous or weak: it goes to
    # the review queue instead of being guessed.
    review: tuple[str, list[dict[str, object]]] | None = field(default=None, repr=False)


_Review = tuple[str, list[dict[str, object]]]


def _located(community: str, building: str | None, house: str | None, lon: float | None,
             lat: float | None, level: str, conf: float, review: _Review | None,
             reason: str | None = None) -> Match:
    """A match placed in the registry: the divisions follow from the community."""
    return Match(community[:6], community[:9], community, building, house, lon, lat, level, conf,
                 reason, review)


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def match_divisions(p: ParsedAddress, raw: str | None) -> Match:
    """The division-level match of a parsed address (what is known without the registry)."""
    m = _division_match(p)
    if m.match_level == "none":
        m.reason = unrecognised(raw, p.notes)
    return m


def _division_match(p: ParsedAddress) -> Match:
    m = Match(district_code=p.district_code, street_code=p.street_code,
              community_code=p.community_code)
    if p.community_code:
        m.match_level = "community"
    elif p.street_code:
        m.match_level = "street"
    elif p.district_code:
        m.match_level = "district"
    else:
        return m
    m.match_confidence = rules.DIVISION_EXACT if p.division_exact else rules.DIVISION_INEXACT
    return m


def unrecognised(raw: str | None, notes: tuple[str, ...]) -> str:
    """The reason of a match that found nothing: the text, and the parse's notes."""
    reason = f"no district, street or community recognised in '{_excerpt(raw or '')}'"
    return f"{reason} ({'; '.join(notes)})" if notes else reason


@dataclass(frozen=True, slots=True)
class Plan:
    """What resolving a parse decides before reading its numbers (road number, building, unit,
    room): divisions, the road written and the estate named. Addresses of one shape share it."""

    divisions: Match
    scope: str
    road: str | None
    estate_written: bool
    estate_code: str | None
    estate_conf: float
    review: tuple[str, list[dict[str, object]]] | None


_GROUP = re.compile(rf"^\d+{rules.GROUP}$")


@dataclass(slots=True)
class _Estate:
    code: str
    name: str
    community_code: str
    lon: float | None
    lat: float | None


@dataclass(slots=True)
class _Building:
    code: str
    community_code: str
    lon: float | None
    lat: float | None


@dataclass(slots=True)
class _Layout:
    """How an estate's door plates number its houses: whether units are written, and the highest
    unit, floor and room on a floor they use."""

    units_written: bool = False
    units: int = 0
    floors: int = 0
    rooms: int = 0

    def add(self, unit: str, room: str) -> None:
        if unit.isdigit():
            self.units_written, self.units = True, max(self.units, int(unit))
        if room.isdigit() and len(room) >= 3:
            self.floors = max(self.floors, int(room[:-2]))
            self.rooms = max(self.rooms, int(room[-2:]))


class Matcher:
    """In-memory indexes over one registry version; `resolve` turns a parse into a match."""

    def __init__(self, version: int, tables: dict[str, pa.Table],
                 aliases: dict[str, str] | None = None) -> None:
        self.version = version
        self.native_handle: int | None = None  # this version copied into the C matcher (native.py)
        # what a cached result depends on; `current_matcher` sets home, version and aliases
        self.cache_key: tuple[object, ...] = (version, len(aliases or {}))
        self.estates = {r["estate_code"]: _Estate(r["estate_code"], r["name"], r["community_code"],
                                                  r["lon"], r["lat"])
                        for r in tables["estates"].to_pylist()}
        self.names: dict[str, list[tuple[str, str]]] = defaultdict(list)  # name -> (code, how)
        self.keys: dict[str, set[str]] = defaultdict(set)  # name_key -> codes
        for r in tables["names"].to_pylist():
            self.names[r["name"]].append((r["estate_code"], r["how"]))
            self.keys[name_key(r["name"])].add(r["estate_code"])
        for text, code in (aliases or {}).items():
            if code in self.estates:
                self.names[text].append((code, "review"))
        self.max_name = max((len(n) for n in self.names), default=0)
        self.grams: dict[str, set[str]] = defaultdict(set)  # bigram -> name keys (blocking)
        for key in self.keys:
            for g in bigrams(key):
                self.grams[g].add(key)
        self.by_label: dict[tuple[str, str], _Building] = {}
        self.by_door: dict[tuple[str, str], list[_Building]] = defaultdict(list)
        self.roads: set[str] = set()
        # buildings only the planning footprints know (door plates list none of their houses)
        self.planned: dict[str, int | None] = {}  # building code -> floors
        estate_of: dict[str, str] = {}
        for r in tables["buildings"].to_pylist():
            b = _Building(r["building_code"], r["community_code"], r["lon"], r["lat"])
            if r["identity_source"] == "规划":
                self.planned[b.code] = r["floors"]
            if r["estate_code"]:
                estate_of[b.code] = r["estate_code"]
                self.by_label[(r["estate_code"], r["label"])] = b
            elif r["road"] and r["road_number"]:
                self.by_door[(r["road"], r["road_number"])].append(b)
            if r["road"]:
                self.roads.add(r["road"])
        self.estate_doors: dict[tuple[str, str], set[str]] = defaultdict(set)
        for e in tables["estates"].to_pylist():
            if e["road"] and e["road_number"]:
                self.estate_doors[(e["road"], e["road_number"])].add(e["estate_code"])
                self.roads.add(e["road"])
        self.houses: dict[tuple[str, str, str], str] = {}
        self.rooms: dict[tuple[str, str], list[str]] = defaultdict(list)  # (bldg, room) -> houses
        self.layouts: dict[str, _Layout] = {}  # estate -> how its door plates number houses
        for r in tables["houses"].to_pylist():
            unit, room = r["unit"] or "", r["room"] or ""
            self.planned.pop(r["building_code"], None)
            if (estate := estate_of.get(r["building_code"])) is not None:
                self.layouts.setdefault(estate, _Layout()).add(unit, room)
            self.houses[(r["building_code"], unit, room)] = r["house_code"]
            self.rooms[(r["building_code"], room)].append(r["house_code"])
        self._estate_cache: dict[tuple[str | None, str | None, str], tuple[
            str | None, float, tuple[str, list[dict[str, object]]] | None]] = {}

    # -- estates -------------------------------------------------------------------------------
    def _estate_hits(self, text: str) -> tuple[list[tuple[str, str]], str]:
        """(estate code, how) hits for an estate spelling: exact, key, then longest prefix."""
        hits = self.names.get(text)
        if hits:
            return hits, ""
        codes = self.keys.get(name_key(text))
        if codes:
            return [(c, "key") for c in sorted(codes)], ""
        for length in range(min(len(text) - 1, self.max_name), 1, -1):
            hits = self.names.get(text[:length])
            if hits:
                return [(c, "prefix") for c, _ in hits], text[length:]
        return [], text

    def _fuzzy(self, text: str, scope: str) -> list[tuple[str, float]]:
        """Estate codes under `scope` whose names share a bigram with `text` (blocking), ranked
        by name similarity, best first."""
        query = name_key(text)
        block = set().union(*(self.grams.get(g, ()) for g in bigrams(query)))
        scores: dict[str, float] = {}
        for key in block:
            codes = [c for c in self.keys[key] if c.startswith(scope)]
            if codes:
                score = dice(query, key)
                for c in codes:
                    scores[c] = max(scores.get(c, 0.0), score)
        return sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:5]

    def _pick(self, hits: list[tuple[str, str]], scope: str) -> tuple[list[str], float]:
        """Estate codes compatible with the parsed divisions, and the confidence of the name."""
        codes = sorted({c for c, _ in hits})
        near = [c for c in codes if c.startswith(scope)]
        conf = max(NAME_CONFIDENCE[how] for c, how in hits if not near or c in near)
        if near:
            return near, conf
        return codes, conf * rules.SCOPE_DISAGREES  # the divisions written disagree with the registry

    def _find_estate(self, estate: str | None, community: str | None, scope: str
                     ) -> tuple[str | None, float, tuple[str, list[dict[str, object]]] | None]:
        for spelling in (s for s in (estate, community) if s):
            hits, _rest = self._estate_hits(spelling)
            if not hits:
                continue
            reviewed = [h for h in hits if h[1] == "review"]
            codes, conf = self._pick(reviewed or hits, scope)
            if len(codes) == 1:
                return codes[0], conf, None
            return None, 0.0, (spelling, [{"estate_code": c, "name": self.estates[c].name,
                                           "score": round(conf, 3)} for c in codes])
        if estate:
            top = self._fuzzy(estate, scope[:9] if len(scope) >= 9 else scope)
            if top and top[0][1] >= rules.REVIEW_FLOOR:
                clear = len(top) == 1 or top[0][1] - top[1][1] >= rules.CLEAR_LEAD
                if clear and top[0][1] >= rules.ACCEPT_FUZZY:
                    return top[0][0], rules.FUZZY * top[0][1], None
                return None, 0.0, (estate, [{"estate_code": c, "name": self.estates[c].name,
                                             "score": round(s, 3)} for c, s in top])
        return None, 0.0, None

    # -- resolve ---------------------------------------------------------------------------------
    def plan(self, p: ParsedAddress) -> Plan:
        """The part of resolving `p` that does not depend on its numbers."""
        road = p.road
        if road and _GROUP.match(road) and p.community:
            road = p.community + road
        key = (p.estate, p.community, p.deepest_code() or "")
        found = self._estate_cache.get(key)
        if found is None:  # many addresses name the same estate
            found = self._estate_cache[key] = self._find_estate(*key)
        return Plan(_division_match(p), key[2], road, bool(p.estate), *found)

    def resolve(self, p: ParsedAddress, raw: str | None) -> Match:
        """The deepest unambiguous match for a parsed address."""
        return self.finish(self.plan(p), p.road_number, p.building, p.unit, p.room, raw, p.notes)

    def finish(self, plan: Plan, road_number: str | None, building: str | None,
               unit: str | None, room: str | None, raw: str | None,
               notes: tuple[str, ...] = ()) -> Match:
        """The deepest unambiguous match of a planned parse with these numbers."""
        scope = plan.scope
        door = (plan.road, road_number) if plan.road and road_number else None
        door_buildings = self.by_door.get(door, ()) if door else ()
        door_estates = self.estate_doors.get(door, ()) if door else ()
        near_buildings = [b for b in door_buildings if b.community_code.startswith(scope)]
        if len(near_buildings) == 1 and not plan.estate_written:
            return self._door_building(near_buildings[0], None)
        estate_code, conf, review = plan.estate_code, plan.estate_conf, plan.review
        if estate_code is None and door_estates:
            near = sorted(c for c in door_estates if c.startswith(scope)) or sorted(door_estates)
            if len(near) == 1 and not (plan.estate_written and review):
                estate_code = near[0]
                conf = rules.DOOR_ESTATE_NAMED if plan.estate_written else rules.DOOR_ESTATE
        elif estate_code and door_estates and estate_code in door_estates:
            conf = min(1.0, conf + rules.DOOR_AGREES)  # road number and estate name agree
        if estate_code is not None:
            return self._within_estate(estate_code, conf, building, unit, room, review)
        if len(near_buildings) == 1:
            return self._door_building(near_buildings[0], review)
        d = plan.divisions
        level = d.match_level
        if plan.road in self.roads and level != "none":
            level = "road"
        return Match(d.district_code, d.street_code, d.community_code, None, None, None, None,
                     level, d.match_confidence,
                     unrecognised(raw, notes) if level == "none" else None, review)

    def _door_building(self, b: _Building, review: _Review | None) -> Match:
        """A street-front or rural building found by its door plate (one house, no rooms)."""
        house = self.houses.get((b.code, "", ""))
        return _located(b.community_code, b.code, house, b.lon, b.lat,
                        "house" if house else "building", rules.DOOR_BUILDING, review)

    def _within_estate(self, code: str, conf: float, building: str | None, unit: str | None,
                       room: str | None, review: _Review | None) -> Match:
        e = self.estates[code]
        b = self.by_label.get((code, building or ""))
        if b is None:
            return _located(e.community_code, None, None, e.lon, e.lat, "estate", conf, review)
        house = None
        if room:
            house = self.houses.get((b.code, unit or "", room))
            if house is None and unit is None:
                same = self.rooms.get((b.code, room), [])
                if len(same) == 1:
                    house, conf = same[0], conf * rules.SAME_ROOM
        elif unit is None:
            house = self.houses.get((b.code, "", ""))
        if house is None and (derived := self._derived_house(b.code, code, unit, room)):
            return _located(e.community_code, b.code, derived, b.lon, b.lat, "house",
                            conf * rules.DERIVED, review, derived_reason(b.code))
        return _located(e.community_code, b.code, house, b.lon, b.lat,
                        "house" if house else "building", conf, review)

    def _derived_house(self, building: str, estate: str, unit: str | None, room: str | None
                       ) -> str | None:
        """The house code of a room in a building only the footprints know (no door plate lists
        its houses), when the room fits the estate's door-plate layout (units written or not, no
        higher unit or room on its floor than the door plates use) and its floor exists: the
        literal unit/room segments are the code a door plate for it would be given."""
        layout = self.layouts.get(estate)
        if building not in self.planned or layout is None or not room or len(room) < 3 \
                or not room.isdigit():  # 302-1: no door plate layout numbers it
            return None
        floors, floor, on_floor = self.planned[building], int(room[:-2]), int(room[-2:])
        if (unit is not None) != layout.units_written or not 1 <= on_floor <= layout.rooms:
            return None
        if not 1 <= floor <= (floors or layout.floors) or int(unit or 0) > layout.units:
            return None
        segment = room_segment(unit, room)
        return building + segment if segment else None


def derived_reason(building_code: str) -> str:
    """Why a match carries a derived house code."""
    return (f"house code derived from building {building_code} (known from 规划 footprints) and "
            "the unit and room as written; no door plate lists this house yet")


# What `Matcher.finish` reads of a parse besides its plan; a floor number changes no match.
_NUMBERS = ("road_number", "building", "unit", "room")
_FREE = ("floor",)
_Reader = Callable[[str], tuple[Any, ...]]


def match_texts(texts: list[str | None], matcher: Matcher | None = None) -> list[Match]:
    """Resolve each string with `matcher` (None: divisions only); never raises: a string that
    cannot be read gets a Match saying why. The batch is normalized at once and planned once
    per shape; only the numbers are read string by string."""
    try:
        return _match_batch(texts, matcher)
    except Exception as exc:  # noqa: BLE001 - a bad string must never stop a load
        if len(texts) > 1:  # find the bad one: the others still match
            return [m for t in texts for m in match_texts([t], matcher)]
        return [Match(reason=f"address could not be read ({type(exc).__name__}: {exc})")]


def _match_batch(texts: list[str | None], matcher: Matcher | None) -> list[Match]:
    batch = shapes.shaped_texts(texts, DEFAULT_PREFER)
    if matcher is None:
        return [match_divisions(shapes.parsed(x, DEFAULT_PREFER), t)
                for x, t in zip(batch, texts, strict=True)]
    plans: dict[shapes.Template, tuple[Plan, _Reader] | None] = {}
    out = []
    finish = matcher.finish
    for x, text in zip(batch, texts, strict=True):
        if x is not None and x.template is not None:
            t = x.template
            planned = plans[t] if t in plans else _planned(x, t, matcher, plans)
            if planned is not None:
                plan, read = planned
                number, building, unit, room = read(x.normalized)
                # notes only explain a match that found nothing
                notes = x.all_notes if plan.divisions.match_level == "none" else ()
                out.append(finish(plan, number, building, unit, room, text, notes))
                continue
        out.append(matcher.resolve(shapes.parsed(x, DEFAULT_PREFER), text))
    return out


def _planned(x: shapes.Shaped, t: shapes.Template, matcher: Matcher,
             plans: dict[shapes.Template, tuple[Plan, _Reader] | None]
             ) -> tuple[Plan, _Reader] | None:
    """The plan of a shape and how to read its numbers, once per shape (None: resolve directly)."""
    read = shapes.reader(t, _NUMBERS, _FREE)
    plans[t] = None if read is None else (matcher.plan(shapes.parsed(x, DEFAULT_PREFER)), read)
    return plans[t]


def reason_of(m: Match) -> str | None:
    """The reason column of a match: why nothing was found, and any review it was queued for."""
    if not m.review:
        return m.reason
    note = (f"estate '{m.review[0]}' is ambiguous or uncertain; queued for review with "
            f"{len(m.review[1])} candidate(s)")
    return f"{m.reason}; {note}" if m.reason else note
