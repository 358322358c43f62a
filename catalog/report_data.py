"""The tables behind the weekly catalog report, one function per chart: datasets per category and
tier, freshness against declared frequency, quality trend, quarantine reasons, grants and usage,
address match rate. Plain pandas frames built from catalog entries, live facts and the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from catalog.entry import CatalogEntry
from catalog.facts import Facts, as_utc

TIER_ZH = {"province": "省级", "city": "市级", "district": "区级", "community": "社区"}


def datasets_table(entries: list[CatalogEntry], facts: list[Facts]) -> pd.DataFrame:
    """One row per dataset with its classification and live facts (also written as CSV)."""
    by_id = {f.dataset: f for f in facts}
    rows = []
    for e in entries:
        f = by_id[e.id]
        rows.append(
            {
                "dataset": e.id,
                "title": e.title,
                "kind": e.kind,
                "resource_code": e.resource_code,
                "category": e.category,
                "category_top": e.category.partition("/")[0],
                "tier": e.tier,
                "provider": e.provider,
                "grade": e.grade,
                "importance": e.importance,
                "sharing": e.sharing,
                "opening": e.opening,
                "update_frequency": e.update_frequency,
                "address_granularity": e.address_granularity,
                "pii_kinds": " ".join(e.pii_kinds),
                "rows": f.rows,
                "last_publish": f.last_publish.isoformat() if f.last_publish else None,
                "age_hours": round(f.age_seconds / 3600, 2) if f.age_seconds is not None else None,
                "declared_hours": round(f.declared_seconds / 3600, 2) if f.declared_seconds else None,
                "actual_hours": round(f.actual_seconds / 3600, 2) if f.actual_seconds else None,
                "timeliness": f.timeliness,
                "loads": f.loads,
                "quality_score": f.quality_score,
                "active_grants": f.active_grants,
                "queries": f.queries,
                "match_rate": f.match_rate,
            }
        )
    df = pd.DataFrame(rows)
    # Counts stay integers in the CSV even where some datasets have none (nullable Int64).
    for col in ("rows", "loads", "active_grants", "queries"):
        df[col] = df[col].astype("Int64")
    return df


def per_category_tier(table: pd.DataFrame) -> pd.DataFrame:
    """Datasets counted per first-level category and tier."""
    df = table.assign(tier_zh=table["tier"].map(TIER_ZH).fillna(table["tier"]))
    return df.groupby(["category_top", "tier_zh"], as_index=False).size().rename(columns={"size": "datasets"})


def freshness(table: pd.DataFrame) -> pd.DataFrame:
    """Published datasets: age of the last publish as a multiple of the declared interval."""
    df = table[table["age_hours"].notna() & table["declared_hours"].notna()].copy()
    df["age_ratio"] = (df["age_hours"] / df["declared_hours"]).round(2)
    return df[
        [
            "dataset",
            "title",
            "age_hours",
            "declared_hours",
            "actual_hours",
            "age_ratio",
            "timeliness",
        ]
    ]


def quality_trend(
    load_rows: list[dict[str, Any]], scores: list[tuple[str, dt.datetime, float]]
) -> pd.DataFrame:
    """Per day: the share of received rows that were published (ledger) and the mean quality
    score of the loads validated that day (quality), as long rows (day, measure, value)."""
    out = []
    clean: dict[dt.date, list[int]] = {}
    for r in load_rows:
        finished = as_utc(r.get("finished_at"))
        if not r.get("rows_in") or finished is None:
            continue
        got = clean.setdefault(finished.date(), [0, 0])
        got[0] += r["rows_in"]
        got[1] += r["rows_published"] or 0
    out += [{"day": d, "measure": "入库率", "value": round(p / n, 4)} for d, (n, p) in clean.items()]
    per_day: dict[dt.date, list[float]] = {}
    for _ds, at, score in scores:
        per_day.setdefault(at.date(), []).append(score)
    # quality scores are 0-100; plotted as a share beside the published-row share
    out += [
        {"day": d, "measure": "质量分/100", "value": round(sum(v) / len(v) / 100, 4)}
        for d, v in per_day.items()
    ]
    df = pd.DataFrame(out, columns=["day", "measure", "value"])
    df["day"] = pd.to_datetime(df["day"])
    return df.sort_values(["measure", "day"]).reset_index(drop=True)


def quarantine(reasons: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Quarantined rows per reason code (and dataset)."""
    return pd.DataFrame(reasons, columns=["dataset", "reason_code", "rows"])


def usage(table: pd.DataFrame) -> pd.DataFrame:
    """Active grants and successful queries per dataset, where the access package reports them."""
    df = table[table["active_grants"].notna()][["dataset", "title", "active_grants", "queries"]]
    df = df[(df["active_grants"] > 0) | (df["queries"] > 0)]
    return df.melt(
        id_vars=["dataset", "title"],
        value_vars=["active_grants", "queries"],
        var_name="measure",
        value_name="count",
    )


LEVEL_ORDER = (
    "house",
    "building",
    "estate",
    "community",
    "street",
    "district",
    "matched",
    "unmatched",
    "unresolved",
)


def match_levels(entries: list[CatalogEntry], facts: list[Facts]) -> pd.DataFrame:
    """Per address dataset: the share of its rows at each match level, `unresolved` being the
    rows quarantined because no standard address was found."""
    titles = {e.id: e.title for e in entries}
    rows = []
    for f in facts:
        if not f.address_levels:
            continue
        total = sum(f.address_levels.values())
        for level, n in f.address_levels.items():
            rows.append(
                {
                    "dataset": f.dataset,
                    "title": titles[f.dataset],
                    "level": level,
                    "order": LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 99,
                    "rows": n,
                    "share": round(n / total, 4),
                    "match_rate": f.match_rate,
                }
            )
    return pd.DataFrame(rows, columns=["dataset", "title", "level", "order", "rows", "share", "match_rate"])


def week_label(now: dt.datetime) -> str:
    """ISO week of `now`, e.g. 2026-W47: the report's folder name."""
    iso = now.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"
