"""Control-plane tables of quality: one row per validated load (score, verdict, where GX stored
the result), its per-load metrics (row count, null rates, distinct keys) that later gates compare
against, its gate results and its findings per column and severity (validate keeps them row by row as
Parquet). Same code on SQLite and PostgreSQL through control.db.

It owns these four tables and their queries; it never touches the ledger's tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)

from control.db import engine, metadata

quality_loads = Table(
    "quality_loads",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("dataset", String(80), nullable=False, index=True),
    Column("validated_at", DateTime(timezone=True), nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("failing_rows", BigInteger, nullable=False),
    Column("failures", BigInteger, nullable=False),
    Column("score", Float, nullable=False),
    Column("passed", Boolean, nullable=False),  # no blocking gate failed
    Column("suite", String(120), nullable=False),
    Column("result_path", Text, nullable=False),  # the GX validation result JSON
)

quality_metrics = Table(
    "quality_metrics",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("metric", String(40), primary_key=True),  # row_count | null_rate | distinct_keys
    Column("column_name", String(80), primary_key=True),  # '' for table-level metrics
    Column("dataset", String(80), nullable=False, index=True),
    Column("value", Float, nullable=False),
)

quality_findings = Table(
    "quality_findings",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("column_name", String(80), primary_key=True),
    Column("reason_code", String(80), primary_key=True),
    Column("severity", String(10), primary_key=True),  # error (quarantined) | warn (published)
    Column("dataset", String(80), nullable=False, index=True),
    Column("rows", BigInteger, nullable=False),
)

quality_gates = Table(
    "quality_gates",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("name", String(80), primary_key=True),
    Column("dataset", String(80), nullable=False, index=True),
    Column("passed", Boolean, nullable=False),
    Column("observed", Text),
    Column("expected", Text),
    Column("message", Text, nullable=False),
)


def finding_counts(findings: pa.Table) -> list[dict[str, Any]]:
    """Rows with findings per (column, reason code, severity), for quality_findings."""
    if not findings.num_rows:
        return []
    grouped = findings.group_by(["column", "reason_code", "severity"]).aggregate([("_row", "count_distinct")])
    return [{"column_name": r["column"], "reason_code": r["reason_code"], "severity": r["severity"],
             "rows": r["_row_count_distinct"]} for r in grouped.to_pylist()]


def record_validation(load: dict[str, Any], metrics: Iterable[tuple[str, str, float]],
                      gates: Iterable[dict[str, Any]], findings: Iterable[dict[str, Any]] = ()) -> None:
    """Store (replacing any earlier run of the same load) a validation, its metrics, gates and
    finding counts (see finding_counts)."""
    load_id, dataset = load["load_id"], load["dataset"]
    with engine().begin() as c:
        for table in (quality_findings, quality_gates, quality_metrics, quality_loads):
            c.execute(delete(table).where(table.c.load_id == load_id))
        at = load.get("validated_at") or dt.datetime.now(dt.UTC)
        c.execute(insert(quality_loads).values({**load, "validated_at": at}))
        rows = [{"load_id": load_id, "dataset": dataset, "metric": m, "column_name": col,
                 "value": float(v)} for m, col, v in metrics]
        if rows:
            c.execute(insert(quality_metrics), rows)
        grows = [{**g, "load_id": load_id, "dataset": dataset} for g in gates]
        if grows:
            c.execute(insert(quality_gates), grows)
        frows = [{**f, "load_id": load_id, "dataset": dataset} for f in findings]
        if frows:
            c.execute(insert(quality_findings), frows)


def metric_history(dataset: str, metric: str, load_ids: list[str]) -> dict[str, dict[str, float]]:
    """{load_id: {column: value}} of `metric` for the given earlier loads of `dataset`."""
    if not load_ids:
        return {}
    q = select(quality_metrics.c.load_id, quality_metrics.c.column_name, quality_metrics.c.value).where(
        quality_metrics.c.dataset == dataset, quality_metrics.c.metric == metric,
        quality_metrics.c.load_id.in_(load_ids))
    out: dict[str, dict[str, float]] = {}
    with engine().connect() as c:
        for load_id, col, value in c.execute(q):
            out.setdefault(load_id, {})[col] = value
    return out


def latest_scores() -> dict[str, float]:
    """The quality score of each dataset's most recently validated load."""
    latest = (
        select(quality_loads.c.dataset, func.max(quality_loads.c.validated_at).label("at"))
        .group_by(quality_loads.c.dataset).subquery()
    )
    q = select(quality_loads.c.dataset, quality_loads.c.score).join(
        latest, (quality_loads.c.dataset == latest.c.dataset)
        & (quality_loads.c.validated_at == latest.c.at))
    with engine().connect() as c:
        return {d: s for d, s in c.execute(q)}


def load_quality(load_id: str) -> dict[str, Any] | None:
    """The stored validation of one load, with its gates and finding counts, or None."""
    with engine().connect() as c:
        row = c.execute(select(quality_loads).where(quality_loads.c.load_id == load_id)).mappings().first()
        if row is None:
            return None
        gates = c.execute(select(quality_gates).where(quality_gates.c.load_id == load_id)).mappings()
        f = quality_findings.c
        findings = c.execute(select(quality_findings).where(f.load_id == load_id)
                             .order_by(f.severity, f.column_name)).mappings()
        return {**dict(row), "gates": [dict(g) for g in gates], "findings": [dict(f) for f in findings]}
