"""The access audit log: one appended row per query, export, download or refusal (who, grant,
purpose, original and rewritten SQL, rows, duration, artifact hash), and its export as the
queryable dataset `access_audit` (Parquet snapshot + manifest under exports/access_audit/). A row
is inserted per attempt; a gateway query's row is opened durably (outcome `started`) while its
statement runs and completed once when it ends. Nothing else updates a row; nothing deletes one."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, insert, select, update

from access.clock import now
from access.db import engine
from access.models import audit
from contracts.contract import Grade, Importance, Opening, Sharing, Tier
from warehouse.manifest import Manifest, ManifestFields
from warehouse.snapshots import publish_snapshot

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


STARTED = "started"  # the outcome of a query whose row is open (its process died, if it stays)


def begin(actor: str, action: str, *, grant_id: str, org_id: str | None, purpose: str | None,
          statement: str, rewritten: str | None) -> int:
    """Durably record that `actor` is running `statement` (outcome `started`); the row's id,
    for `finish`. Committed before any result is delivered."""
    with engine().begin() as c:
        key = c.execute(insert(audit).values(
            at=now(), actor=actor, org_id=org_id, grant_id=grant_id, purpose=purpose,
            action=action, outcome=STARTED, statement=statement, rewritten=rewritten,
        )).inserted_primary_key
    assert key is not None  # an INSERT always has one
    return int(key[0])


@contextlib.contextmanager
def _lazy_commit(c: Connection) -> Iterator[None]:
    """Commit without waiting for the disk: the row `begin` made durable already says who ran
    what; a power loss can only leave it `started`. SQLite in WAL mode with synchronous=NORMAL
    survives a crashed process; PostgreSQL's asynchronous commit is the same promise."""
    if c.dialect.name == "sqlite":
        before = c.exec_driver_sql("PRAGMA synchronous").scalar()
        c.exec_driver_sql("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            c.exec_driver_sql(f"PRAGMA synchronous={int(before or 2)}")
        return
    if c.dialect.name == "postgresql":
        c.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    yield


def finish(event_id: int, outcome: str, *, org_id: str | None, purpose: str | None,
           rewritten: str | None, rows: int | None, duration_ms: float,
           artifact_sha256: str | None, reason: str | None) -> None:
    """Complete the row `begin` opened with the attempt's outcome."""
    with engine().connect() as c, _lazy_commit(c):
        c.execute(update(audit).where(audit.c.id == event_id, audit.c.outcome == STARTED).values(
            outcome=outcome, org_id=org_id, purpose=purpose, rewritten=rewritten, rows=rows,
            duration_ms=duration_ms, artifact_sha256=artifact_sha256, reason=reason))
        c.commit()


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


# The dataset's identity and classification: access records of named staff are 较敏感 and stay
# inside the bureau.
FIELDS = ManifestFields(
    dataset=DATASET, kind="log", title="数据访问审计日志", tier=Tier.city, owner="市数据资源管理局",
    category="数据治理/访问审计", grade=Grade.L3, importance=Importance.important, sharing=Sharing.none,
    opening=Opening.forbidden, update_frequency="hourly", primary_key=["id"],
)
COLUMNS = [FIELDS.column_tags.column(f.name, "", _TITLES[f.name], Grade.L3) for f in _SCHEMA]


def export_dataset() -> Manifest:
    """Publish the whole audit log as dataset `access_audit` and return its manifest. Each snapshot
    holds every row, so the older ones are only kept for readers that opened them."""
    rows = events()
    for r in rows:
        at = r["at"]
        r["at"] = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
    return publish_snapshot(FIELDS, pa.Table.from_pylist(rows, schema=_SCHEMA), declared=COLUMNS).manifest
