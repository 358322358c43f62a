"""The tables behind the weekly catalog report, one function per chart: datasets per category and
tier, freshness against declared frequency, quality trend, quarantine reasons, grants and usage,
address match rate. Plain pandas frames built from catalog entries, live facts and the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from catalog.entry import CatalogEntry
from catalog.facts import Facts, as_utc
from contracts.wording import MATCH_LEVEL_ZH, TIER_ZH, TIMELINESS_ZH, reason_zh
from foundation.clock import in_beijing

USAGE_ZH = {"grants": "授权数", "queries": "查询次数", "downloads": "下载次数",
            "streets": "申请街道（社区）数"}


def beijing(moment: dt.datetime | None) -> str | None:
    """A moment as Beijing time to the second: 2026-11-22 20:00:00."""
    return in_beijing(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else None


def datasets_table(entries: list[CatalogEntry], facts: list[Facts],
                   use: dict[str, dict[str, Any]] | None = None) -> pd.DataFrame:
    """One row per dataset with its classification, live facts and usage (also written as CSV;
    codes stay codes there, times are Beijing time to the second)."""
    by_id = {f.dataset: f for f in facts}
    rows = []
    for e in entries:
        f = by_id[e.id]
        u = (use or {}).get(e.id, {})
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
                "last_publish": beijing(f.last_publish),
                "age_hours": round(f.age_seconds / 3600, 2) if f.age_seconds is not None else None,
                "declared_hours": round(f.declared_seconds / 3600, 2) if f.declared_seconds else None,
                "actual_hours": round(f.actual_seconds / 3600, 2) if f.actual_seconds else None,
                "timeliness": f.timeliness,
                "loads": f.loads,
                "quality_score": f.quality_score,
                "active_grants": f.active_grants,
                "queries": f.queries,
                "grants": u.get("grants", 0) if use is not None else None,
                "downloads": u.get("downloads", 0) if use is not None else None,
                "requesting_streets": "、".join(u.get("streets", [])),
                "match_rate": f.match_rate,
            }
        )
    df = pd.DataFrame(rows)
    # Counts stay integers in the CSV even where some datasets have none (nullable Int64).
    for col in ("rows", "loads", "active_grants", "queries", "grants", "downloads"):
        df[col] = df[col].astype("Int64")
    return df


def per_category_tier(table: pd.DataFrame) -> pd.DataFrame:
    """Datasets counted per first-level category and tier."""
    df = table.assign(tier_zh=table["tier"].map(TIER_ZH).fillna("其他"))
    return df.groupby(["category_top", "tier_zh"], as_index=False).size().rename(columns={"size": "datasets"})


def freshness(table: pd.DataFrame) -> pd.DataFrame:
    """Published datasets: age of the last publish as a multiple of the declared interval."""
    df = table[table["age_hours"].notna() & table["declared_hours"].notna()].copy()
    df["age_ratio"] = (df["age_hours"] / df["declared_hours"]).round(2)
    df["timeliness_zh"] = df["timeliness"].map(TIMELINESS_ZH).fillna("未知")
    return df[
        [
            "dataset",
            "title",
            "age_hours",
            "declared_hours",
            "actual_hours",
            "age_ratio",
            "timeliness",
            "timeliness_zh",
        ]
    ]


def quality_trend(
    load_rows: list[dict[str, Any]], scores: list[tuple[str, dt.datetime, float]],
    titles: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One point per load, so the first week already shows a line: the share of the load's rows
    that were published (ledger, in %) and the load's quality score (quality, 0-100), as long rows
    (at, dataset, title, measure, value); `at` is Beijing time."""
    titles = titles or {}
    out = []
    for r in load_rows:
        finished = as_utc(r.get("finished_at"))
        if not r.get("rows_in") or finished is None:
            continue
        ds = r.get("dataset") or ""
        out.append({"at": in_beijing(finished), "dataset": ds, "title": titles.get(ds, ds),
                    "measure": "入库率（%）",
                    "value": round(100 * (r["rows_published"] or 0) / r["rows_in"], 2)})
    out += [{"at": in_beijing(at), "dataset": ds, "title": titles.get(ds, ds), "measure": "质量分",
             "value": round(score, 2)} for ds, at, score in scores]
    df = pd.DataFrame(out, columns=["at", "dataset", "title", "measure", "value"])
    df["at"] = pd.to_datetime(df["at"]).dt.tz_localize(None) if len(df) else df["at"]
    return df.sort_values(["measure", "dataset", "at"]).reset_index(drop=True)


def quarantine(reasons: list[tuple[str, str, int]],
               titles: dict[str, str] | None = None) -> pd.DataFrame:
    """Quarantined rows per reason code (kept for machines) and its Chinese (for people), per
    dataset."""
    titles = titles or {}
    df = pd.DataFrame(reasons, columns=["dataset", "reason_code", "rows"])
    df.insert(2, "reason", df["reason_code"].map(reason_zh))
    df.insert(1, "title", df["dataset"].map(lambda d: titles.get(d, d)))
    return df


def usage(table: pd.DataFrame) -> pd.DataFrame:
    """Per dataset: grants, queries, downloads and requesting streets, where the access package
    reports them; datasets nobody used are left out."""
    df = table[table["grants"].notna()].copy()
    df["streets"] = df["requesting_streets"].fillna("").map(lambda s: len(s.split("、")) if s else 0)
    measures = list(USAGE_ZH)
    df[measures] = df[measures].fillna(0).astype(int)
    df = df[df[measures].sum(axis=1) > 0]
    long = df.melt(id_vars=["dataset", "title"], value_vars=measures, var_name="measure",
                   value_name="count")
    long["measure_zh"] = long["measure"].map(USAGE_ZH)
    return long


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
                    "level_zh": MATCH_LEVEL_ZH.get(level, "其他"),
                    "order": LEVEL_ORDER.index(level) if level in LEVEL_ORDER else 99,
                    "rows": n,
                    "share": round(n / total, 4),
                    "match_rate": f.match_rate,
                }
            )
    return pd.DataFrame(rows, columns=["dataset", "title", "level", "level_zh", "order", "rows", "share",
                                       "match_rate"])


def week_label(now: dt.datetime) -> str:
    """ISO week of `now`, e.g. 2026-W47: the report's folder name."""
    iso = now.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"
