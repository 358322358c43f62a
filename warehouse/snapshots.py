"""The one snapshot writer: fed loads, derived models and the audit log all publish through
`publish_snapshot`. It writes exports/<dataset>/snapshots/<snapshot_id>/part-0.parquet with one
Parquet setting, names snapshots with one id scheme, hashes the files, swaps the manifest in
atomically (the commit point), then brings the warehouse views in line with the manifests and
keeps SHUCANG_KEEP_SNAPSHOTS snapshots per dataset.

Order, and what a crash after each step leaves (`STEPS`): `written` - a `.tmp-<id>` folder
nobody reads (removed by the next publish); `placed` - a snapshot folder no manifest names
(replaced when the same snapshot id is published again); `swapped` - the new snapshot is current,
the view may still show the old one (the next sync repoints it); `synced`, `pruned` - done.
Readers go through the manifest, so they see the old snapshot or the new one, never a mix."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeAlias

import duckdb
import pyarrow as pa

from contracts.schema import SchemaColumn
from foundation import faults
from foundation.clock import utcnow
from foundation.duck import one_row
from foundation.files import sha256_file
from foundation.settings import number, settings
from foundation.sql import ident, path
from warehouse.manifest import (
    Manifest,
    ManifestFields,
    NotPublishedError,
    SnapshotFile,
    dataset_dir,
    read_manifest,
    swap_manifest,
)
from warehouse.views import sync_views

# How every file that can become a snapshot is written (staged, addressed, merged, model outputs,
# the audit log). Version 2 pages fall back from a dictionary to delta encodings, so a column with
# many distinct values (ids, addresses) stops trying a dictionary after a thousand entries; zstd at
# level 1 entropy-codes what is left. At 10M rows this took a quarter less CPU than DuckDB's
# defaults and wrote a file 3x smaller. pyarrow, DuckDB and Spark read it.
SNAPSHOT_PARQUET = ("FORMAT parquet, PARQUET_VERSION V2, DICTIONARY_SIZE_LIMIT 1000, COMPRESSION zstd,"
                    " COMPRESSION_LEVEL 1")
# <UTC time to the microsecond>-<8 hex>: sorts by time, unique across processes. Load ids have the
# same form, so a fed load's snapshot is named after its load.
SNAPSHOT_ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{8}")
STEPS = ("written", "placed", "swapped", "synced", "pruned")
PART = "part-0.parquet"


class SnapshotError(ValueError):
    """A snapshot cannot be written as asked (bad id, declared columns missing from the data)."""


@dataclass(frozen=True)
class Query:
    """The rows of a SELECT on an open DuckDB connection (it may read that connection's views)."""

    con: duckdb.DuckDBPyConnection
    sql: str


# What a snapshot is written from: an Arrow table, a query, or a Parquet file already written with
# SNAPSHOT_PARQUET (staged or model output), which is hard-linked in rather than rewritten.
Rows: TypeAlias = pa.Table | Query | Path


@dataclass(frozen=True)
class Publication:
    """A published snapshot, and why the warehouse views do not show it yet (None: they do)."""

    manifest: Manifest
    view_pending: str | None


def _no_hook(dataset: str, step: str) -> None:
    return None


# Called after each of STEPS with (dataset, step); the crash tests kill the process there.
after_step: Callable[[str, str], None] = _no_hook


def new_snapshot_id() -> str:
    """A fresh snapshot id in the one scheme (SNAPSHOT_ID)."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"


def keep_snapshots() -> int:
    """How many snapshots each dataset keeps, the current one included (SHUCANG_KEEP_SNAPSHOTS)."""
    return max(1, int(number("SHUCANG_KEEP_SNAPSHOTS") or 1))


_held = threading.local()


@contextmanager
def publisher_lock() -> Iterator[None]:
    """Exclusive lock held while publishing, across processes on this machine; a thread holding
    it may take it again (the fed publisher reads the current manifest under it, then writes)."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    lock = settings().home / ".publish.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            fcntl.flock(f, fcntl.LOCK_UN)


def _write(rows: Rows, part: Path) -> None:
    if isinstance(rows, Path):
        try:
            os.link(rows, part)
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
            shutil.copyfile(rows, part)  # staging on another filesystem: a copy, same bytes
    elif isinstance(rows, pa.Table):
        with duckdb.connect() as con:
            con.register("snapshot_rows", rows)
            con.execute(f"COPY snapshot_rows TO {path(part)} ({SNAPSHOT_PARQUET})")
    else:
        rows.con.execute(f"COPY ({rows.sql}) TO {path(part)} ({SNAPSHOT_PARQUET})")


def _described(part: Path) -> tuple[int, list[tuple[str, str]], list[str]]:
    """Rows, (column, DuckDB type) pairs, and the distinct `_load_id`s of a written part."""
    with duckdb.connect() as con:
        rel = f"read_parquet({path(part)})"
        described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
        rows = int(one_row(con, f"SELECT count(*) FROM {rel}")[0])
        load_ids = [r[0] for r in con.execute(
            f"SELECT DISTINCT {ident('_load_id')} FROM {rel} ORDER BY 1").fetchall()
        ] if any(name == "_load_id" for name, _ in described) else []
    return rows, described, load_ids


def _columns(fields: ManifestFields, declared: Sequence[SchemaColumn],
             described: list[tuple[str, str]]) -> list[SchemaColumn]:
    """The written columns in file order with their types; the classification is the declared one,
    or the dataset's tags for columns nobody declared (bookkeeping such as `_row`)."""
    by_name = {c.name: c for c in declared}
    missing = sorted(set(by_name) - {name for name, _ in described})
    if missing:
        raise SnapshotError(f"{fields.dataset}: the rows to publish lack declared columns {missing}")
    tags = fields.column_tags
    return [replace(by_name[n], type=t) if n in by_name else tags.column(n, t, n) for n, t in described]


def prune_snapshots(dataset: str, exports: Path | None = None, keep: int | None = None) -> list[str]:
    """Delete all but the newest `keep` (default SHUCANG_KEEP_SNAPSHOTS) snapshot folders of
    `dataset`, never the current one, and the debris of killed publishes; return what went."""
    keep = keep or keep_snapshots()
    root = dataset_dir(dataset, exports) / "snapshots"
    with publisher_lock():
        current = read_manifest(dataset, exports).snapshot_id
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        gone = [p for p in folders[:-keep] if p.name != current] + sorted(root.glob(".tmp-*"))
        for p in gone:
            shutil.rmtree(p)
    return [p.name for p in gone]


def publish_snapshot(fields: ManifestFields, rows: Rows, *, declared: Sequence[SchemaColumn] = (),
                     snapshot_id: str | None = None, exports: Path | None = None) -> Publication:
    """Write `rows` as a new snapshot of `fields.dataset` and make it current. `declared` gives the
    classification of the columns; a `snapshot_id` that is already current is not written again."""
    sid = snapshot_id or new_snapshot_id()
    if not SNAPSHOT_ID.fullmatch(sid):
        raise SnapshotError(f"snapshot id {sid!r} is not <UTC %Y%m%dT%H%M%S%f>-<8 hex>")
    root = dataset_dir(fields.dataset, exports) / "snapshots"
    tmp, final = root / f".tmp-{sid}", root / sid
    with publisher_lock():
        try:
            current = read_manifest(fields.dataset, exports)
        except NotPublishedError:
            current = None
        if current is not None and current.snapshot_id == sid:  # a retry of a finished publish
            return Publication(current, sync_views(exports).pending)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _write(rows, tmp / PART)
        count, described, load_ids = _described(tmp / PART)
        columns = _columns(fields, declared, described)
        after_step(fields.dataset, "written")
        faults.point("publish.merged")
        if final.exists():  # placed by a publish killed before its manifest swap; nobody reads it
            shutil.rmtree(final)
        tmp.rename(final)
        after_step(fields.dataset, "placed")
        faults.point("publish.snapshot_written")
        part = final / PART
        manifest = Manifest.model_validate({
            **fields.model_dump(), "snapshot_id": sid, "published_at": utcnow(), "rows": count,
            "files": [SnapshotFile(path=part.relative_to(root.parent).as_posix(), rows=count,
                                   bytes=part.stat().st_size, sha256=sha256_file(part))],
            "schema": columns, "load_ids": load_ids,
        })
        swap_manifest(manifest, exports)
        after_step(fields.dataset, "swapped")
        views = sync_views(exports)
        after_step(fields.dataset, "synced")
        prune_snapshots(fields.dataset, exports)
        after_step(fields.dataset, "pruned")
    return Publication(manifest, views.pending)
