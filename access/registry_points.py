"""The standard address registry's buildings with coordinates: the current registry version's
`buildings.parquet` (building_code, community_code, lon, lat), found through the registry's
layout (warehouse.registry_files), read with in-memory DuckDB. The map draws from these
coordinates only; nothing is fetched from outside. Reads files; writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from foundation.sql import literal, path
from warehouse.registry_files import current_table, root


@dataclass(frozen=True)
class Point:
    """A building of the registry with its coordinates."""

    building_code: str
    community_code: str
    lon: float
    lat: float


def buildings_within(division_code: str, home: Path | None = None) -> list[Point]:
    """Every registry building with coordinates whose community lies in `division_code` (a
    street's or a community's code), by building code."""
    source = current_table("buildings", root(home))
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
