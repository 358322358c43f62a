"""Match free-text addresses onto the registry: each distinct string is parsed once, then resolved
exact -> normalized -> fuzzy (blocked by division) to a house, building, estate/road or division.
Owns `match_many`, the seam the pipeline calls; it never writes the registry."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from address_registry.parse import ParsedAddress, parse

LEVEL_ORDER = ("none", "district", "street", "community", "road", "estate", "building", "house")

SCHEMA = pa.schema([
    ("address", pa.string()),
    ("district_code", pa.string()),
    ("street_code", pa.string()),
    ("community_code", pa.string()),
    ("building_code", pa.string()),
    ("house_code", pa.string()),
    ("lon", pa.float64()),
    ("lat", pa.float64()),
    ("match_level", pa.string()),
    ("match_confidence", pa.float64()),
    ("reason", pa.string()),
])


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


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def match_divisions(p: ParsedAddress, raw: str | None) -> Match:
    """The division-level match of a parsed address (what is known without the registry)."""
    m = Match(district_code=p.district_code, street_code=p.street_code,
              community_code=p.community_code)
    if p.community_code:
        m.match_level = "community"
    elif p.street_code:
        m.match_level = "street"
    elif p.district_code:
        m.match_level = "district"
    else:
        shown = _excerpt(raw or "")
        m.reason = f"no district, street or community recognised in '{shown}'"
        if p.notes:
            m.reason += f" ({'; '.join(p.notes)})"
        return m
    m.match_confidence = 0.95 if p.division_exact else 0.85
    return m


def match_one(text: str | None) -> Match:
    """Resolve one address string as far as the available registry allows; never raises."""
    try:
        from address_registry.registry import current_matcher

        matcher = current_matcher()
        p = parse(text)
        if matcher is not None:
            return matcher.resolve(p, text)
        return match_divisions(p, text)
    except Exception as exc:  # noqa: BLE001 - a bad string must never stop a load
        return Match(reason=f"address could not be read ({type(exc).__name__}: {exc})")


def _distinct(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> list[str | None]:
    if isinstance(texts, pa.ChunkedArray | pa.Array):
        import pyarrow.compute as pc

        return pc.unique(texts).to_pylist()
    return list(dict.fromkeys(texts))


def match_many(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Table:
    """One row per distinct input string: codes, lon/lat, match_level, confidence and reason."""
    distinct = _distinct(texts)
    results = [match_one(t) for t in distinct]
    cols: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    cols["address"] = list(distinct)
    for name in SCHEMA.names[1:]:
        cols[name] = [getattr(r, name) for r in results]
    return pa.table(cols, schema=SCHEMA)
