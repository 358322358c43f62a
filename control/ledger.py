"""The load ledger: one row per load (a run of one feed) with its status and row counts, and one
row per landed file keyed by its sha256, which is what makes landing the same bytes a no-op. Beside
them, `source_stats` remembers what each source file looked like (size, mtime, ctime, inode) when
its bytes were last hashed, so landing skips an unchanged file without reading it; the sha256 rows
stay the truth of what was landed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    delete,
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
    Column("step", String(20)),  # the last step completed (a LoadStatus of STEPS); resumed after it
    Column("error", Text),  # why the machinery last failed on this load (it stays resumable)
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

source_stats = Table(
    "source_stats",
    metadata,
    Column("dataset", String(80), primary_key=True),
    Column("source", Text, primary_key=True),
    Column("bytes", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("ctime_ns", BigInteger, nullable=False),
    Column("inode", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("seen_ns", BigInteger, nullable=False),  # when the file was stat'ed, before it was read
)

# A file modified this close to when it was stat'ed may change again within the same mtime tick
# (coarse clocks on network filesystems), so its stat is not trusted (git's "racily clean" rule).
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class SourceStat:
    """What one source file looked like when its bytes (`sha256`) were read, at `seen_ns`."""

    source: str
    bytes: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str
    seen_ns: int

    def unchanged(self, now: SourceStat) -> bool:
        """Whether `now` (a fresh stat of the same source) shows the same bytes without reading
        them: size, mtime, ctime and inode all equal, and the recorded stat was not racy."""
        same = (self.bytes, self.mtime_ns, self.ctime_ns, self.inode) == (
            now.bytes, now.mtime_ns, now.ctime_ns, now.inode)
        return same and self.mtime_ns < self.seen_ns - RACY_NS


class LoadStatus:
    landed = "landed"
    staged = "staged"
    addressed = "addressed"
    validated = "validated"
    published = "published"
    rejected = "rejected"  # the input itself is bad: nothing of it is published
    failed = "failed"  # the machinery failed; retry may help
    noop = "noop"  # nothing new to load


# The steps of a load in order, each named by the status it leaves the load in.
STEPS = (LoadStatus.landed, LoadStatus.staged, LoadStatus.addressed, LoadStatus.validated,
         LoadStatus.published)
# A load in one of these states is finished; any other is resumed by the next run of its dataset.
TERMINAL = frozenset({LoadStatus.published, LoadStatus.rejected, LoadStatus.noop})


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


def start_load(dataset: str, files: Sequence[dict[str, Any]] = (), load_id: str | None = None) -> str:
    """Record a new landed load for `dataset` with the files it landed (sha256, source,
    landed_path, bytes) in one transaction, and return its id: a load exists with all its files
    or not at all."""
    load_id = load_id or new_load_id(dataset)
    now = _now()
    with engine().begin() as c:
        c.execute(
            insert(loads).values(
                load_id=load_id, dataset=dataset, status=LoadStatus.landed, step=LoadStatus.landed,
                started_at=now, files=len(files), bytes=sum(f["bytes"] for f in files),
            )
        )
        if files:
            c.execute(
                insert(landed_files),
                [{**f, "dataset": dataset, "load_id": load_id, "landed_at": now} for f in files],
            )
    return load_id


def known_sha256(dataset: str) -> set[str]:
    """Hashes of every file already landed for `dataset`."""
    with engine().connect() as c:
        rows = c.execute(select(landed_files.c.sha256).where(landed_files.c.dataset == dataset))
        return {r[0] for r in rows}


def known_stats(dataset: str) -> dict[str, SourceStat]:
    """The last recorded stat of each source file of `dataset`, by source."""
    cols = [source_stats.c[name] for name in SourceStat.__dataclass_fields__]
    with engine().connect() as c:
        rows = c.execute(select(*cols).where(source_stats.c.dataset == dataset))
        return {r[0]: SourceStat(*r) for r in rows}


def record_stats(dataset: str, stats: Iterable[SourceStat]) -> None:
    """Remember the stats of source files whose bytes were just hashed (replacing older ones)."""
    rows = [{"dataset": dataset, **vars(st)} for st in stats]
    if not rows:
        return
    with engine().begin() as c:
        c.execute(delete(source_stats).where(source_stats.c.dataset == dataset,
                                             source_stats.c.source.in_([r["source"] for r in rows])))
        c.execute(insert(source_stats), rows)


def load_ids(dataset: str) -> set[str]:
    """The id of every load of `dataset`."""
    with engine().connect() as c:
        return {r[0] for r in c.execute(select(loads.c.load_id).where(loads.c.dataset == dataset))}


def update_load(load_id: str, **values: Any) -> None:
    """Set columns of a load row (status, counts, reason, ...)."""
    if values.get("status") in TERMINAL | {LoadStatus.failed}:
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


def unfinished_loads(dataset: str | None = None) -> list[dict[str, Any]]:
    """Loads not in a terminal state (stopped by a crash or failed), oldest first."""
    q = select(loads).where(loads.c.status.not_in(sorted(TERMINAL))).order_by(loads.c.started_at)
    if dataset:
        q = q.where(loads.c.dataset == dataset)
    with engine().connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def progress(load: dict[str, Any]) -> int:
    """How many of STEPS `load` has completed (1: landed ... 5: published). A load recorded before
    `step` existed says it by its status; a failed one of those had at least landed."""
    done = load.get("step") or load["status"]
    return STEPS.index(done) + 1 if done in STEPS else 1


def assert_conserved(load_id: str) -> None:
    """Raise ConservationError unless rows_in == rows_published + rows_quarantined."""
    row = get_load(load_id)
    rin, pub, qua = row["rows_in"] or 0, row["rows_published"] or 0, row["rows_quarantined"] or 0
    if rin != pub + qua:
        raise ConservationError(load_id, rin, pub, qua)
