"""Live facts per dataset: rows and last publish (manifest), declared vs actual update interval
(timeliness, from the ledger's published loads), quality score, grants and queries (from the
access package's tables), quarantine reasons and address match rate (from the Parquet files, read
with in-memory DuckDB). Sources that are not part of this installation yet are reported as absent,
never filled with numbers. It reads only; it never opens warehouse.duckdb."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from access import audit
from access.orgs import list_orgs
from access.workflow import list_grants, list_requests
from catalog.entry import CatalogEntry
from contracts.contract import FREQUENCY_SECONDS
from control.db import engine
from control.ledger import LoadStatus, loads
from foundation.settings import settings
from foundation.sql import paths as sql_paths
from quality.store import latest_scores, quality_loads
from warehouse.manifest import current_relation

# A dataset is on time while its last publish is younger than GRACE x its declared interval.
GRACE = 1.5
LATE = 3.0


@dataclass(frozen=True)
class Facts:
    """The live facts of one dataset."""

    dataset: str
    rows: int | None
    last_publish: dt.datetime | None
    declared_seconds: int | None
    actual_seconds: float | None  # median interval between published loads; None if < 2
    age_seconds: float | None
    timeliness: str  # on_time | late | stale | unpublished
    loads: int
    quality_score: float | None
    active_grants: int
    queries: int  # successful queries, exports and downloads through its grants
    match_rate: float | None  # matched to a community / rows that reached the address stage
    address_levels: dict[str, int] | None  # rows per match level, `unresolved` = quarantined


def as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """`value` (datetime or ISO text) as an aware UTC datetime; naive values are taken as UTC."""
    if value is None:
        return None
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def timeliness(age: float | None, declared: int | None) -> str:
    """on_time / late / stale from the age of the last publish and the declared interval."""
    if age is None:
        return "unpublished"
    if not declared:
        return "on_time"
    if age <= GRACE * declared:
        return "on_time"
    return "late" if age <= LATE * declared else "stale"


def published_loads() -> dict[str, list[dict[str, Any]]]:
    """Published loads per dataset from the ledger, oldest first."""
    q = select(loads).where(loads.c.status == LoadStatus.published).order_by(loads.c.finished_at)
    out: dict[str, list[dict[str, Any]]] = {}
    with engine().connect() as c:
        for r in c.execute(q).mappings():
            out.setdefault(r["dataset"], []).append(dict(r))
    return out


def all_loads() -> list[dict[str, Any]]:
    """Every load in the ledger, oldest first."""
    with engine().connect() as c:
        return [dict(r) for r in c.execute(select(loads).order_by(loads.c.started_at)).mappings()]


def _median_interval(rows: list[dict[str, Any]]) -> float | None:
    times = [t for t in (as_utc(r["finished_at"]) for r in rows) if t]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    return statistics.median(gaps) if gaps else None


def quality_scores() -> dict[str, float]:
    """Latest quality score per dataset (quality's store)."""
    out = {}
    for ds, value in dict(latest_scores()).items():
        score = value.get("score") if isinstance(value, dict) else value
        if score is not None:
            out[ds] = float(score)
    return out


def quality_history() -> list[tuple[str, dt.datetime, float]]:
    """(dataset, validated_at, score) of every validated load, from quality's `quality_loads`."""
    table = quality_loads
    q = select(table.c.dataset, table.c.validated_at, table.c.score).order_by(table.c.validated_at)
    with engine().connect() as c:
        return [(d, as_utc(at), float(score)) for d, at, score in c.execute(q)]  # type: ignore[misc]


def grants_by_dataset() -> tuple[dict[str, int], dict[str, list[str]]]:
    """Active grants per dataset, and the datasets of every grant (for attributing queries)."""
    active: dict[str, int] = {}
    datasets_of: dict[str, list[str]] = {}
    for g in list_grants():
        names = sorted((g.get("granted") or {}).get("datasets", {}))
        datasets_of[g["grant_id"]] = names
        if g["status"] == "active":
            for ds in names:
                active[ds] = active.get(ds, 0) + 1
    return active, datasets_of


def audit_events() -> list[dict[str, Any]]:
    """Every audit event (query, export, download, refusal) of the access package."""
    return list(audit.events())


def queries_by_dataset(events: list[dict[str, Any]], datasets_of: dict[str, list[str]]) -> dict[str, int]:
    """Successful queries/exports/downloads per dataset, attributed through their grant."""
    out: dict[str, int] = {}
    for ev in events:
        if ev.get("outcome") != "ok" or not ev.get("grant_id"):
            continue
        for ds in datasets_of.get(ev["grant_id"], []):
            out[ds] = out.get(ds, 0) + 1
    return out


USAGE_ACTIONS = {"query": "queries", "export": "downloads", "download": "downloads"}


def usage_by_dataset(events: list[dict[str, Any]], datasets_of: dict[str, list[str]]
                     ) -> dict[str, dict[str, Any]]:
    """Per dataset, as the seeds' 场景应用评价 asks: grants ever opened, successful queries,
    downloads (CSV and Parquet), and the streets and communities that requested it (names)."""
    out: dict[str, dict[str, Any]] = {}

    def of(ds: str) -> dict[str, Any]:
        return out.setdefault(ds, {"grants": 0, "queries": 0, "downloads": 0, "streets": set()})

    for names in datasets_of.values():
        for ds in names:
            of(ds)["grants"] += 1
    for ev in events:
        kind = USAGE_ACTIONS.get(ev.get("action") or "")
        if ev.get("outcome") == "ok" and kind and ev.get("grant_id"):
            for ds in datasets_of.get(ev["grant_id"], []):
                of(ds)[kind] += 1
    kinds = {o["org_id"]: o for o in list_orgs()}
    for r in list_requests():
        org = kinds.get(r["org_id"])
        if org and org["kind"] in ("street", "community"):
            for ds in (r.get("requested") or {}).get("datasets", {}):
                of(ds)["streets"].add(org["name"])
    return {ds: {**u, "streets": sorted(u["streets"])} for ds, u in out.items()}


UNRESOLVED = "unresolved"


def address_levels(
    entry: CatalogEntry, exports: Path | None = None, quarantine_root: Path | None = None
) -> dict[str, int] | None:
    """Rows of the current snapshot per match level (house, building, estate, community, ...)
    plus `unresolved`: rows of the snapshot's loads quarantined as address_unresolved. None for
    datasets without addresses and for derived datasets."""
    names = {c.name for c in entry.data_items}
    if not entry.manifest or entry.kind == "derived" or not {"match_level", "community_code"} <= names:
        return None
    con = duckdb.connect()
    try:
        levels = dict(
            con.execute(
                "SELECT CASE WHEN community_code IS NULL THEN 'unmatched'"
                "            ELSE coalesce(match_level, 'matched') END, count(*)"
                f" FROM {current_relation(entry.id, exports)} GROUP BY ALL"
            ).fetchall()
        )
        root = (quarantine_root or settings().quarantine) / entry.id
        files = [root / f"{lid}.parquet" for lid in entry.manifest.load_ids]
        files = [f for f in files if f.exists()]
        if files:
            got = con.execute(
                f"SELECT count(*) FROM read_parquet({sql_paths(files)}, union_by_name = true)"
                " WHERE reason_code = 'address_unresolved'"
            ).fetchone()
            if got and got[0]:
                levels[UNRESOLVED] = int(got[0])
    finally:
        con.close()
    return {str(k): int(v) for k, v in levels.items()}


def match_rate(levels: dict[str, int] | None) -> float | None:
    """Rows matched to a community code / rows that reached the address stage."""
    if not levels:
        return None
    total = sum(levels.values())
    unmatched = levels.get("unmatched", 0) + levels.get(UNRESOLVED, 0)
    return round((total - unmatched) / total, 4)


def gather(
    entries: list[CatalogEntry], now: dt.datetime | None = None, exports: Path | None = None
) -> list[Facts]:
    """Live facts of every entry."""
    now = now or dt.datetime.now(dt.UTC)
    by_ds = published_loads()
    scores = quality_scores()
    active, datasets_of = grants_by_dataset()
    queries = queries_by_dataset(audit_events(), datasets_of)
    out = []
    for e in entries:
        last = as_utc(e.publish_date)
        age = (now - last).total_seconds() if last else None
        declared = FREQUENCY_SECONDS.get(e.update_frequency)
        manifest_score = e.manifest.quality_score if e.manifest else None
        out.append(
            Facts(
                e.id,
                e.rows,
                last,
                declared,
                _median_interval(by_ds.get(e.id, [])),
                age,
                timeliness(age, declared),
                len(by_ds.get(e.id, [])),
                scores.get(e.id, manifest_score),
                active.get(e.id, 0),
                queries.get(e.id, 0),
                match_rate(levels := address_levels(e, exports)),
                levels,
            )
        )
    return out


def quarantine_reasons(root: Path | None = None) -> list[tuple[str, str, int]]:
    """(dataset, reason_code, rows) over every quarantine file, most frequent first."""
    root = root or settings().quarantine
    files = sorted(root.glob("*/*.parquet"))
    if not files:
        return []
    con = duckdb.connect()
    try:
        return [
            tuple(r)
            for r in con.execute(  # type: ignore[misc]
                "SELECT dataset, reason_code, count(*) AS n"
                f" FROM read_parquet({sql_paths(files)}, union_by_name = true)"
                " GROUP BY ALL ORDER BY n DESC, dataset, reason_code"
            ).fetchall()
        ]
    finally:
        con.close()
