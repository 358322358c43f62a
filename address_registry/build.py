"""Merge the three address sources into one registry (estates/roads, buildings, houses) with the
source of every attribute, explicit conflict rules and stable codes from the ledger.

Conflict rules (first source that has the attribute wins; the losers are kept in `conflicts`):
- estate name: 民政 standard name > 公安 door-plate spelling (the other spellings become aliases)
- community of an estate: 公安 door plates (majority of its houses) > 民政 place name
- road + number of an estate: 公安 door plates (majority) > 民政 place name
- coordinates and floors of a building: 规划 footprints (the only source that has them)
It owns merging; it reads sources through `sources.py` and codes through `codes.py`."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from address_registry import rules
from address_registry.codes import SEGMENT_KIND, CodeLedger, room_segment
from address_registry.shapes import parse
from address_registry.similarity import best_match
from address_registry.sources import Doorplate, Footprint, Placename

_PHASE = re.compile(rf"(?:[{rules.PHASE_NUMERALS}\d]+{rules.PHASE}|[{rules.QUARTER_SIDES}]{rules.QUARTER})$")
_GENERIC = (rules.GENERIC,)
_VILLAGE_GROUP = re.compile(r"^(?P<village>.+?)(?P<group>\d+组)$")


def name_key(name: str) -> str:
    """The comparable form of an estate name: generic 小区 and planning phases (一期) removed."""
    key = _PHASE.sub("", name)
    for suffix in _GENERIC:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
    return key


@dataclass
class Estate:
    """A merged estate, tower, park or village."""

    names: dict[str, str]  # spelling -> how it is known (standard|alias|former|doorplate|planning)
    community_code: str
    kind: str
    name: str
    road: str | None = None
    road_number: str | None = None
    placename_id: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # attribute -> source
    code: str = ""


@dataclass
class Building:
    """A merged building: an estate's 幢, a tower, a street-front doorplate or a rural house."""

    segment: str  # natural key of its estate/road/village segment
    label: str  # building number as written ('3', 'A'), '' for a tower or a doorplate building
    community_code: str
    estate: Estate | None
    road: str | None
    road_number: str | None
    lon: float | None = None
    lat: float | None = None
    floors: int | None = None
    footprint_id: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    code: str = ""


@dataclass
class House:
    """A merged house: one door-plate record (duplicates folded in, their ids kept)."""

    building: Building
    unit: str | None
    room: str | None
    road: str | None
    road_number: str | None
    doorplate_ids: list[str]
    code: str = ""


@dataclass
class Registry:
    """The merged registry of one build, before it is written."""

    estates: list[Estate]
    buildings: list[Building]
    houses: list[House]
    conflicts: list[dict[str, str | None]]


@functools.lru_cache(maxsize=4096)
def _community_code(text: str) -> str | None:
    return parse(text).community_code


def _community(district: str, street: str, community: str, where: str,
               conflicts: list[dict[str, str | None]]) -> str | None:
    code = _community_code(f"{district}{street}{community}")
    if code is None:
        conflicts.append({"entity": where, "attribute": "community", "chosen": None,
                          "chosen_source": None, "other": f"{district}/{street}/{community}",
                          "other_source": where.split(":")[0],
                          "rule": "division names not found in the NBS list; record skipped"})
    return code


class _Merger:
    def __init__(self, doorplates: list[Doorplate], placenames: list[Placename],
                 footprints: list[Footprint]) -> None:
        self.doorplates, self.placenames, self.footprints = doorplates, placenames, footprints
        self.conflicts: list[dict[str, str | None]] = []
        self.estates: list[Estate] = []
        self.by_name: dict[str, list[Estate]] = defaultdict(list)

    def conflict(self, entity: str, attribute: str, chosen: str | None, chosen_source: str,
                 other: str | None, other_source: str, rule: str) -> None:
        self.conflicts.append({"entity": entity, "attribute": attribute, "chosen": chosen,
                               "chosen_source": chosen_source, "other": other,
                               "other_source": other_source, "rule": rule})

    def _index(self, estate: Estate, spelling: str, how: str) -> None:
        estate.names.setdefault(spelling, how)
        key = name_key(spelling)
        if estate not in self.by_name[key]:
            self.by_name[key].append(estate)

    def placename_estates(self) -> None:
        for pn in sorted(self.placenames, key=lambda p: p.record_id):
            code = _community(pn.district, pn.street, pn.community, f"placename:{pn.record_id}",
                              self.conflicts)
            if code is None:
                continue
            kind = "village" if pn.kind == "村" else "estate"
            e = Estate({}, code, kind, pn.name, pn.road, pn.road_number, pn.record_id,
                       {"name": "民政", "community": "民政", "road": "民政" if pn.road else ""})
            self._index(e, pn.name, "standard")
            for a in pn.aliases:
                self._index(e, a, "alias")
            for a in pn.former_names:
                self._index(e, a, "former")
            self.estates.append(e)

    def find_estate(self, spelling: str, community_code: str) -> Estate | None:
        """The estate a spelling names near `community_code` (same street first)."""
        candidates = self.by_name.get(name_key(spelling), [])
        for width in (12, 9, 6, 4):
            near = [e for e in candidates if e.community_code[:width] == community_code[:width]]
            if len(near) == 1:
                return near[0]
            if len(near) > 1:
                return None
        return None

    def doorplate_estates(self, plates: list[tuple[Doorplate, str]]) -> dict[str, Estate]:
        """Link each door-plate estate spelling to a place-name estate or create one; apply the
        community and road rules from the door plates' majority."""
        groups: dict[tuple[str, str], list[Doorplate]] = defaultdict(list)
        for d, code in plates:
            if d.estate and not _is_village_road(d):
                groups[(d.estate, code)].append(d)
        linked: dict[str, Estate] = {}
        for (spelling, code), rows in sorted(groups.items()):
            e = self.find_estate(spelling, code)
            if e is None:
                e = Estate({}, code, "estate", spelling,
                           sources={"name": "公安", "community": "公安"})
                self.estates.append(e)
            self._index(e, spelling, "doorplate")
            linked[f"{spelling}|{code}"] = e
            if e.community_code != code and e.sources.get("community") == "民政":
                self.conflict(e.name, "community", code, "公安", e.community_code, "民政",
                              "community of an estate: 公安 door plates > 民政 place name")
                e.community_code, e.sources["community"] = code, "公安"
            doors = Counter((d.road, d.road_number) for d in rows if d.road and d.road_number)
            if doors:
                (road, number), _ = doors.most_common(1)[0]
                differs = (e.road, e.road_number) != (road, number)
                if e.road and differs and e.sources["road"] == "民政":
                    self.conflict(e.name, "road", f"{road}{number}号", "公安",
                                  f"{e.road}{e.road_number}号", "民政",
                                  "road + number of an estate: 公安 door plates > 民政 place name")
                if e.sources.get("road") != "公安":
                    e.road, e.road_number, e.sources["road"] = road, number, "公安"
        return linked

    def buildings_and_houses(self) -> tuple[list[Building], list[House]]:
        plates = []
        for d in sorted(self.doorplates, key=lambda d: d.record_id):
            code = _community(d.district, d.street, d.community, f"doorplate:{d.record_id}",
                              self.conflicts)
            if code is not None:
                plates.append((d, code))
        linked = self.doorplate_estates(plates)
        buildings: dict[str, Building] = {}
        houses: dict[tuple[str, str | None, str | None], House] = {}
        for d, code in plates:
            b = self._building_for(d, code, linked, buildings)
            key = (b.segment + "|" + b.label, d.unit, d.room)
            if key in houses:
                houses[key].doorplate_ids.append(d.record_id)
                continue
            houses[key] = House(b, d.unit, d.room, d.road, d.road_number, [d.record_id])
        return list(buildings.values()), list(houses.values())

    def _building_for(self, d: Doorplate, code: str, linked: dict[str, Estate],
                      buildings: dict[str, Building]) -> Building:
        estate = linked.get(f"{d.estate}|{code}") if d.estate else None
        village = _VILLAGE_GROUP.match(d.road or "") if _is_village_road(d) else None
        if estate is not None:
            segment, label = f"E|{id(estate)}", d.building or ""
        elif village:
            segment, label = f"V|{code}|{d.road}", d.road_number or ""
        else:
            segment, label = f"R|{code}|{d.road}", d.road_number or ""
        key = f"{segment}|{label}"
        b = buildings.get(key)
        if b is None:
            b = buildings[key] = Building(segment, label, estate.community_code if estate else code,
                                          estate, d.road, d.road_number,
                                          sources={"identity": "公安"})
        return b

    def _footprint_estate(self, f: Footprint, names: dict[str, list[Estate]],
                          estate_doors: dict[tuple[str, str], list[Estate]]) -> Estate | None:
        """The estate a footprint belongs to: by its (planning) name, else by its door plate."""
        if f.estate:
            estates = self.by_name.get(name_key(f.estate))
            if not estates:
                found = best_match(name_key(f.estate), list(names), 0.75)
                estates = names[found[0]] if found else None
            if estates and len(estates) == 1:
                self._index(estates[0], f.estate, "planning")
                return estates[0]
        if f.road and f.road_number:
            hits = estate_doors.get((f.road, f.road_number), [])
            return hits[0] if len(hits) == 1 else None
        return None

    def attach_footprints(self, buildings: list[Building]) -> None:
        """Give buildings the coordinates and floors of their footprint; a footprint of an
        estate building the door plates lack becomes a building of its own (source 规划)."""
        by_door: dict[tuple[str, str], list[Building]] = defaultdict(list)
        by_estate: dict[tuple[int, str], Building] = {}
        estate_doors: dict[tuple[str, str], list[Estate]] = defaultdict(list)
        for e in self.estates:
            if e.road and e.road_number:
                estate_doors[(e.road, e.road_number)].append(e)
        for b in buildings:
            if b.estate:
                by_estate[(id(b.estate), b.label)] = b
            elif b.road and b.road_number:
                by_door[(b.road, b.road_number)].append(b)
        names = {k: v for k, v in self.by_name.items() if len(v) == 1}
        for f in sorted(self.footprints, key=lambda f: f.record_id):
            target = None
            estate = self._footprint_estate(f, names, estate_doors)
            if estate is not None:
                label = f.building or ""
                target = by_estate.get((id(estate), label))
                if target is None:
                    target = Building(f"E|{id(estate)}", label, estate.community_code, estate,
                                      estate.road, estate.road_number,
                                      sources={"identity": "规划"})
                    by_estate[(id(estate), label)] = target
                    buildings.append(target)
                    self.conflict(f"{estate.name}{label}", "building", label, "规划", None, "公安",
                                  "building only in the footprints: added from 规划, no houses")
            elif f.road and f.road_number:
                hits = by_door.get((f.road, f.road_number), [])
                target = hits[0] if len(hits) == 1 else None
            if target is None:
                self.conflict(f"footprint:{f.record_id}", "building", None, "规划",
                              f"{f.estate or ''}{f.building or ''} {f.road or ''}"
                              f"{f.road_number or ''}", "规划",
                              "footprint matches no door-plate building; not in the registry")
                continue
            if target.footprint_id is not None:
                self.conflict(f"footprint:{f.record_id}", "building", target.footprint_id, "规划",
                              f.record_id, "规划", "two footprints for one building: first id kept")
                continue
            target.lon, target.lat, target.floors = f.lon, f.lat, f.floors
            target.footprint_id = f.record_id
            target.sources.update({"lonlat": "规划", "floors": "规划"})


def _is_village_road(d: Doorplate) -> bool:
    return bool(d.road and _VILLAGE_GROUP.match(d.road))


def merge(doorplates: list[Doorplate], placenames: list[Placename],
          footprints: list[Footprint]) -> Registry:
    """Merge the sources into one registry (no codes yet)."""
    m = _Merger(doorplates, placenames, footprints)
    m.placename_estates()
    buildings, houses = m.buildings_and_houses()
    m.attach_footprints(buildings)
    used = {id(b.estate) for b in buildings if b.estate} | {
        id(e) for e in m.estates if e.kind == "village"}
    estates = [e for e in m.estates if id(e) in used or e.placename_id]
    return Registry(estates, buildings, houses, m.conflicts)


def assign_codes(reg: Registry, ledger: CodeLedger, version: int) -> None:
    """Give every estate/road segment, building and house its stable code (mutates `reg`)."""
    segments: dict[str, tuple[str, list[str]]] = {}
    for e in reg.estates:
        keys = [f"{e.community_code}|E|{e.name}"] + [
            f"{e.community_code}|E|{n}" for n in sorted(e.names) if n != e.name]
        if e.placename_id:
            keys.append(f"PN|{e.placename_id}")
        segments[f"E|{id(e)}"] = (e.community_code + SEGMENT_KIND[e.kind], keys)
    for b in reg.buildings:
        if b.segment not in segments:
            kind = "village" if b.segment.startswith("V|") else "road"
            segments[b.segment] = (b.community_code + SEGMENT_KIND[kind],
                                   [f"{b.community_code}|{b.segment[0]}|{b.road}"])
    seg_ids = sorted(segments)
    seg_codes = dict(zip(seg_ids, ledger.assign("segment", [segments[s] for s in seg_ids],
                                                 version), strict=True))
    for e in reg.estates:
        e.code = seg_codes.get(f"E|{id(e)}", "")
    items = []
    for b in reg.buildings:
        seg = seg_codes[b.segment]
        keys = [f"{seg}|{b.label}"]
        if b.road and b.road_number and not b.estate:
            keys.append(f"D|{b.road}|{b.road_number}")
        if b.footprint_id:
            keys.append(f"F|{b.footprint_id}")
        items.append((seg, keys))
    for b, code in zip(reg.buildings, ledger.assign("building", items, version), strict=True):
        b.code = code
    odd = [(h.building.code + "99", [f"{h.building.code}|{h.unit}|{h.room}"])
           for h in reg.houses if room_segment(h.unit, h.room) is None]
    odd_codes = iter(ledger.assign("room", odd, version))
    for h in reg.houses:
        literal = room_segment(h.unit, h.room)
        h.code = h.building.code + literal if literal else next(odd_codes)
