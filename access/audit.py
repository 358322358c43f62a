"""The access audit log: one appended row per query, export, download or refusal (who, grant,
purpose, original and rewritten SQL, rows, duration, artifact hash), and its export as the
queryable dataset `access_audit` (Parquet snapshot + manifest under exports/access_audit/). Rows
are only ever inserted; nothing here updates or deletes them."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import insert, select

from access.clock import now
from access.db import engine
from access.models import audit
from warehouse.manifest import dataset_dir, write_manifest_atomically

DATASET = "access_audit"
ACTIONS = ("query", "export", "download")


def record(
    actor: str,
    action: str,
    outcome: str,
    *,
    grant_id: str | None = None,
    org_id: str | None = None,
    purpose: str | None = None,
    statement: str | None = None,
    rewritten: str | None = None,
    rows: int | None = None,
    duration_ms: float | None = None,
    artifact_sha256: str | None = None,
    reason: str | None = None,
) -> None:
    """Append one audit event."""
    with engine().begin() as c:
        c.execute(
            insert(audit).values(
                at=now(),
                actor=actor,
                org_id=org_id,
                grant_id=grant_id,
                purpose=purpose,
                action=action,
                outcome=outcome,
                statement=statement,
                rewritten=rewritten,
                rows=rows,
                duration_ms=duration_ms,
                artifact_sha256=artifact_sha256,
                reason=reason,
            )
        )


def events(grant_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Audit events in insertion order, optionally for one grant (the last `limit` if given)."""
    q = select(audit).order_by(audit.c.id)
    if grant_id:
        q = q.where(audit.c.grant_id == grant_id)
    with engine().connect() as c:
        rows = [dict(r) for r in c.execute(q).mappings()]
    return rows[-limit:] if limit else rows


_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("at", pa.timestamp("us", tz="UTC")),
        ("actor", pa.string()),
        ("org_id", pa.string()),
        ("grant_id", pa.string()),
        ("purpose", pa.string()),
        ("action", pa.string()),
        ("outcome", pa.string()),
        ("statement", pa.string()),
        ("rewritten", pa.string()),
        ("rows", pa.int64()),
        ("duration_ms", pa.float64()),
        ("artifact_sha256", pa.string()),
        ("reason", pa.string()),
    ]
)
_TITLES = {
    "id": "序号",
    "at": "时间",
    "actor": "操作人",
    "org_id": "单位",
    "grant_id": "授予编号",
    "purpose": "用途",
    "action": "操作",
    "outcome": "结果",
    "statement": "原始语句",
    "rewritten": "改写后语句",
    "rows": "返回行数",
    "duration_ms": "耗时(毫秒)",
    "artifact_sha256": "授予产物哈希",
    "reason": "拒绝原因",
}


def export_dataset() -> dict[str, Any]:
    """Publish the whole audit log as dataset `access_audit` and return its manifest."""
    rows = events()
    for r in rows:
        at = r["at"]
        r["at"] = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
    table = pa.Table.from_pylist(rows, schema=_SCHEMA)
    snapshot_id = f"{now():%Y%m%dT%H%M%S%f}"
    rel = f"snapshots/{snapshot_id}/part-0.parquet"
    path = dataset_dir(DATASET) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    types = {pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.string(): "VARCHAR"}
    manifest = {
        "dataset": DATASET,
        "title": "数据访问审计日志",
        "snapshot_id": snapshot_id,
        "published_at": now().isoformat(),
        "contract_version": 1,
        "tier": "city",
        "owner": "市数据资源管理局",
        "category": "数据治理/访问审计",
        "grade": "L3",
        "importance": "重要",
        "sharing": "不予共享",
        "opening": "禁止开放",
        "update_frequency": "hourly",
        "rows": table.num_rows,
        "files": [
            {
                "path": rel,
                "rows": table.num_rows,
                "bytes": path.stat().st_size,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
        ],
        "schema": [
            {
                "name": f.name,
                "type": types.get(f.type, "TIMESTAMP WITH TIME ZONE"),
                "title": _TITLES[f.name],
                "grade": "L3",
                "pii": None,
                "mask": None,
            }
            for f in _SCHEMA
        ],
        "load_ids": [],
        "quality_score": None,
    }
    write_manifest_atomically(DATASET, manifest)
    _prune(keep=snapshot_id)
    return manifest


def _prune(keep: str) -> None:
    # Earlier snapshots are the log's own past: the newest holds every row. The one before the
    # current stays so a reader that just opened it can finish.
    snapshots = sorted(p for p in (dataset_dir(DATASET) / "snapshots").iterdir()
                       if p.is_dir() and p.name != keep)
    for old in snapshots[:-1]:
        shutil.rmtree(old, ignore_errors=True)
