"""Where the standard address registry puts buildings: the current registry version's
`buildings.parquet` (building_code, community_code, lon, lat) under SHUCANG_HOME/registry, the
layout address_registry/store.py writes, read with in-memory DuckDB. The map draws from these
coordinates only; nothing is fetched from outside. Reads files; writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from foundation.settings import settings
from foundation.sql import literal, path


@dataclass(frozen=True)
class Point:
    """A building of the registry with its coordinates."""

    building_code: str
    community_code: str
    lon: float
    lat: float


def buildings_file(home: Path | None = None) -> Path | None:
    """The current registry version's buildings file, or None when no registry was built."""
    root = (home or settings().home) / "registry"
    try:
        version = int((root / "CURRENT").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    found = root / f"v{version:04d}" / "buildings.parquet"
    return found if found.exists() else None


def buildings_within(division_code: str, home: Path | None = None) -> list[Point]:
    """Every registry building with coordinates whose community lies in `division_code` (a
    street's or a community's code), by building code."""
    source = buildings_file(home)
    if source is None:
        return []
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT building_code, community_code, lon, lat FROM read_parquet(" + path(source) + ")"
            " WHERE lon IS NOT NULL AND lat IS NOT NULL"
            f" AND starts_with(community_code, {literal(division_code)}) ORDER BY building_code"
        ).fetchall()
    finally:
        con.close()
    return [Point(*r) for r in rows]
