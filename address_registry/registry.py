"""Building a registry version from the sources (`build_registry`) and finding the one the matcher
uses (`current_matcher`: the latest version under SHUCANG_HOME/registry/, or None before the
first build, when matching falls back to divisions only)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pyarrow as pa

from address_registry import review, store
from address_registry.build import Registry, assign_codes, merge
from address_registry.matcher import Matcher
from address_registry.sources import read_doorplates, read_footprints, read_placenames
from foundation.files import sha256_file
from foundation.settings import settings
from warehouse import registry_files

SOURCE_FILES = {"doorplates": "doorplates.csv", "placenames": "placenames.csv",
                "footprints": "footprints.geojson"}


def sources_dir() -> Path:
    """Where the registry sources are read from: SHUCANG_FEEDS/registry/."""
    return settings().feeds / "registry"


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def registry_tables(reg: Registry) -> dict[str, pa.Table]:
    """The merged registry as Arrow tables (codes assigned), with per-attribute sources."""
    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    buildings = []
    for b in sorted(reg.buildings, key=lambda b: b.code):
        if b.lon is not None and b.lat is not None:
            coords[b.code[:16]].append((b.lon, b.lat))
        buildings.append({
            "building_code": b.code, "segment_code": b.code[:16], "label": b.label,
            "community_code": b.community_code, "estate_code": b.estate.code if b.estate else None,
            "road": b.road, "road_number": b.road_number, "lon": b.lon, "lat": b.lat,
            "floors": b.floors, "footprint_id": b.footprint_id,
            "identity_source": b.sources.get("identity"), "lonlat_source": b.sources.get("lonlat"),
        })
    estates, names = [], []
    for e in sorted(reg.estates, key=lambda e: e.code):
        pts = coords.get(e.code, [])
        estates.append({
            "estate_code": e.code, "name": e.name, "kind": e.kind,
            "community_code": e.community_code, "road": e.road, "road_number": e.road_number,
            "placename_id": e.placename_id, "lon": _mean([p[0] for p in pts]),
            "lat": _mean([p[1] for p in pts]), "name_source": e.sources.get("name"),
            "community_source": e.sources.get("community"), "road_source": e.sources.get("road"),
        })
        names += [{"name": n, "estate_code": e.code, "how": how}
                  for n, how in sorted(e.names.items())]
    houses = [{"house_code": h.code, "building_code": h.building.code, "unit": h.unit,
               "room": h.room, "road": h.road, "road_number": h.road_number,
               "doorplate_ids": "|".join(h.doorplate_ids)}
              for h in sorted(reg.houses, key=lambda h: h.code)]
    conflict_schema = pa.schema([(c, pa.string()) for c in ("entity", "attribute", "chosen",
                                 "chosen_source", "other", "other_source", "rule")])
    return {
        "estates": pa.Table.from_pylist(estates),
        "buildings": pa.Table.from_pylist(buildings),
        "houses": pa.Table.from_pylist(houses),
        "names": pa.Table.from_pylist(names),
        "conflicts": pa.Table.from_pylist(reg.conflicts, schema=conflict_schema),
    }


def build_registry(source: Path | None = None) -> tuple[int, dict[str, object]]:
    """Read the sources, merge them, assign stable codes and write a new version; returns
    (version, manifest)."""
    source = source or sources_dir()
    paths = {k: source / v for k, v in SOURCE_FILES.items()}
    doorplates = read_doorplates(paths["doorplates"])
    placenames = read_placenames(paths["placenames"])
    footprints = read_footprints(paths["footprints"])
    with store.build_lock():
        version = (registry_files.current_version() or 0) + 1
        ledger = store.load_ledger()
        reg = merge(doorplates, placenames, footprints)
        assign_codes(reg, ledger, version)
        tables = registry_tables(reg)
        manifest: dict[str, object] = {
            "version": version,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sources": {k: {"path": str(p), "sha256": sha256_file(p)} for k, p in paths.items()},
            "counts": {name: t.num_rows for name, t in tables.items()},
            "merged_codes": len(ledger.merged()),
        }
        store.write_version(version, tables, manifest, ledger)
    return version, manifest


_MATCHERS: dict[tuple[str, int, int], Matcher] = {}


def current_matcher() -> Matcher | None:
    """The matcher over the latest built registry and accepted aliases (cached per home, version
    and alias generation), or None before the first build."""
    base = registry_files.root()
    version = registry_files.current_version(base)
    if version is None:
        return None
    key = (str(base), version, review.alias_generation())
    matcher = _MATCHERS.get(key)
    if matcher is None:
        generation, accepted = review.aliases()
        key = (str(base), version, generation)
        _, tables, manifest = store.read_version(version, base)
        matcher = Matcher(version, tables, accepted)
        matcher.cache_key = (*key, manifest.get("built_at"))
        _MATCHERS.clear()
        _MATCHERS[key] = matcher
    return matcher


def clear_cache() -> None:
    """Forget the loaded matcher, so the next `current_matcher` reads its version afresh."""
    _MATCHERS.clear()
