"""The load ledger: one row per load (a run of one feed) with its status and row counts, and one
row per landed file keyed by its sha256, which is what makes landing the same bytes a no-op."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from control.db import engine, metadata

loads = Table(
    "loads",
    metadata,
    Column("load_id", String(40), primary_key=True),
    Column("dataset", String(80), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # see LoadStatus
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("files", Integer, nullable=False, default=0),
    Column("bytes", BigInteger, nullable=False, default=0),
    Column("encoding", String(20)),
    Column("rows_in", BigInteger),
    Column("rows_published", BigInteger),
    Column("rows_quarantined", BigInteger),
    Column("blank_lines", BigInteger, default=0),
    Column("files_rejected", Integer, default=0),  # files refused whole; the others still loaded
    Column("snapshot_id", String(40)),
    Column("reason", Text),  # why a load was rejected, or which of its files were
)

landed_files = Table(
    "landed_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("dataset", String(80), primary_key=True),
    Column("load_id", String(40), ForeignKey("loads.load_id"), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("landed_path", Text, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("landed_at", DateTime(timezone=True), nullable=False),
)


class LoadStatus:
    landed = "landed"
    staged = "staged"
    addressed = "addressed"
    validated = "validated"
    published = "published"
    rejected = "rejected"  # the input itself is bad: nothing of it is published
    failed = "failed"  # the machinery failed; retry may help
    noop = "noop"  # nothing new to load


class ConservationError(AssertionError):
    """A load's counts do not add up: some row was neither published nor quarantined."""

    def __init__(self, load_id: str, rows_in: int, rows_published: int, rows_quarantined: int):
        super().__init__(f"load {load_id}: rows_in={rows_in} != published {rows_published}"
                         f" + quarantined {rows_quarantined}")
        self.load_id = load_id


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_load_id(dataset: str) -> str:
    """A sortable, unique load id: <UTC timestamp>-<random>."""
    return f"{_now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def start_load(dataset: str) -> str:
    """Record a new load for `dataset` and return its id."""
    load_id = new_load_id(dataset)
    with engine().begin() as c:
        c.execute(
            insert(loads).values(
                load_id=load_id, dataset=dataset, status=LoadStatus.landed, started_at=_now(),
                files=0, bytes=0,
            )
        )
    return load_id


def known_sha256(dataset: str) -> set[str]:
    """Hashes of every file already landed for `dataset`."""
    with engine().connect() as c:
        rows = c.execute(select(landed_files.c.sha256).where(landed_files.c.dataset == dataset))
        return {r[0] for r in rows}


def record_landed(load_id: str, dataset: str, files: list[dict[str, Any]]) -> None:
    """Register the files landed by `load_id` (sha256, source, landed_path, bytes)."""
    now = _now()
    with engine().begin() as c:
        if files:
            c.execute(
                insert(landed_files),
                [{**f, "dataset": dataset, "load_id": load_id, "landed_at": now} for f in files],
            )
        c.execute(
            update(loads)
            .where(loads.c.load_id == load_id)
            .values(files=len(files), bytes=sum(f["bytes"] for f in files))
        )


def update_load(load_id: str, **values: Any) -> None:
    """Set columns of a load row (status, counts, reason, ...)."""
    if values.get("status") in {LoadStatus.published, LoadStatus.rejected, LoadStatus.noop,
                                LoadStatus.failed}:
        values.setdefault("finished_at", _now())
    with engine().begin() as c:
        c.execute(update(loads).where(loads.c.load_id == load_id).values(**values))


def get_load(load_id: str) -> dict[str, Any]:
    """One load row as a dict; KeyError if unknown."""
    with engine().connect() as c:
        row = c.execute(select(loads).where(loads.c.load_id == load_id)).mappings().first()
    if row is None:
        raise KeyError(f"no load {load_id!r}")
    return dict(row)


def list_loads(dataset: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Most recent loads first, optionally for one dataset."""
    q = select(loads).order_by(loads.c.started_at.desc()).limit(limit)
    if dataset:
        q = q.where(loads.c.dataset == dataset)
    with engine().connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def assert_conserved(load_id: str) -> None:
    """Raise ConservationError unless rows_in == rows_published + rows_quarantined."""
    row = get_load(load_id)
    rin, pub, qua = row["rows_in"] or 0, row["rows_published"] or 0, row["rows_quarantined"] or 0
    if rin != pub + qua:
        raise ConservationError(load_id, rin, pub, qua)
