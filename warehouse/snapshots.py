"""The one snapshot writer: fed loads, derived models and the audit log all publish through
`publish_snapshot`. The rows go into the dataset's DuckLake table (`warehouse.lake`): an increment
upserted by primary key (fed loads), or the whole table replaced (models, the audit log). The lake
commit is named after the snapshot id; the files of that lake version, hashed once each (a file
keeps the hash the previous manifest gave it), become the manifest, which is kept as
snapshots/<id>.json and swapped in atomically as manifest.json (the commit point); then the
warehouse views are brought in line and SHUCANG_KEEP_SNAPSHOTS snapshots per dataset are kept.

Order, and what a crash after each step leaves (`STEPS`; each is the fault point
`publish.<step>` of foundation.faults, where the crash tests kill the process): `written` - an
uncommitted lake transaction (rolled back; its files are removed by the next prune); `placed` - a
lake version no manifest names (a retry of the same snapshot id finds it by its commit and does
not write again); `swapped` - the new snapshot is current, the view may still show the old one
(the next sync repoints it); `synced`, `pruned` - done. Readers go through the manifest, so they
see the old snapshot or the new one, never a mix; the files an old manifest names stay until it is pruned."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeAlias

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from contracts.schema import SchemaColumn
from foundation import faults
from foundation.clock import utcnow
from foundation.duck import one_row
from foundation.files import sha256_file
from foundation.settings import number, settings
from foundation.sql import ident, path
from warehouse import lake
from warehouse.manifest import (
    DeleteFile,
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
DELETES = "deletes"  # exports/<dataset>/deletes/: the delete files kept manifests name


class SnapshotError(ValueError):
    """A snapshot cannot be written as asked (bad id, declared columns missing from the data)."""


@dataclass(frozen=True)
class Query:
    """The rows of a SELECT on an open DuckDB connection (it may read that connection's views),
    or, with `con` None, a SELECT that reads only files and runs where the rows are written."""

    con: duckdb.DuckDBPyConnection | None
    sql: str


@dataclass(frozen=True)
class Compaction:
    """The rows the current snapshot holds, with the data files at `paths` (as its manifest names
    them) rewritten into one."""

    paths: frozenset[str]


# What a snapshot is written from: an Arrow table, a query, a Parquet file (staged or a model's
# output), or the current snapshot's own rows in fewer files.
Rows: TypeAlias = pa.Table | Query | Path | Compaction


@dataclass(frozen=True)
class Publication:
    """A published snapshot, and why the warehouse views do not show it yet (None: they do)."""

    manifest: Manifest
    view_pending: str | None




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


def _source(con: duckdb.DuckDBPyConnection, rows: Rows, passes: int) -> str:
    """A SELECT of `rows` on the lake connection, readable `passes` times."""
    if isinstance(rows, Path):
        return f"SELECT * FROM read_parquet({path(rows)})"
    if isinstance(rows, Query):
        if rows.con is None:
            return rows.sql
        con.register("snapshot_rows", rows.con.execute(rows.sql).to_arrow_reader())
    else:
        con.register("snapshot_rows", rows)
    if passes > 1 and not isinstance(rows, pa.Table):  # a stream is read once: keep it
        con.execute("CREATE TEMP TABLE snapshot_rows_kept AS FROM snapshot_rows")
        return "SELECT * FROM snapshot_rows_kept"
    return "SELECT * FROM snapshot_rows"


def _link(source: Path, target: Path) -> Path:
    """Hard-link `source` as `target` (a copy across filesystems), replacing what is there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)  # left by a publish killed before its commit
    try:
        os.link(source, target)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        shutil.copyfile(source, target)
    return target


def _adopt(rows: Path, dataset: str, sid: str, exports: Path | None) -> Path:
    """Hard-link a Parquet file into the lake's data folder of `dataset`, so the lake can take it
    as a data file without rewriting it."""
    return _link(rows, lake.location(exports).data / "main" / dataset / f"adopted-{sid}.parquet")


def _commit(con: duckdb.DuckDBPyConnection, sid: str, statements: Sequence[str]) -> None:
    """Run `statements` in one lake transaction committed as the lake snapshot of `sid`."""
    con.execute("BEGIN")
    try:
        for sql in statements:
            con.execute(sql)
        lake.mark_commit(con, sid)
        faults.point("publish.written")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _write(con: duckdb.DuckDBPyConnection, dataset: str, rows: Rows, key: Sequence[str], sid: str,
           exports: Path | None, before: Manifest | None) -> None:
    """Upsert `rows` by `key` into the dataset's table (replace the table when there is no key
    or no table yet), committed as the lake snapshot of `sid`. A Parquet file that becomes the
    whole table is taken in as it is (a first load, a model's output). A dataset published
    before the lake (`before` without a lake version) gets its rows into the table first."""
    if isinstance(rows, Compaction):
        base = dataset_dir(dataset, exports)
        files = [f.data for f in lake.files_at(con, dataset, _version(con))
                 if _relative(f.data, base) in rows.paths]
        _commit(con, sid, lake.compact_sql(dataset, files))
        return
    seed = before.relation(exports) if key and before and before.lake_version is None else None
    upsert = bool(key) and (seed is not None or lake.exists(con, dataset))
    adopted = _adopt(rows, dataset, sid, exports) if isinstance(rows, Path) and not upsert else None
    source = _source(con, adopted or rows, 2 if upsert else 1)
    statements = []
    if seed is not None:
        statements += lake.replace_sql(dataset, f"SELECT * FROM {seed}")
    if upsert:
        described = con.execute(f"DESCRIBE SELECT * FROM {seed}").fetchall() if seed else \
            lake.columns_at(con, dataset, _version(con))
        have = {r[0] for r in described}
        # a column the contract gained: earlier rows have it NULL
        statements += [f"ALTER TABLE {lake.table(dataset)} ADD COLUMN {ident(r[0])} {r[1]}"
                       for r in con.execute(f"DESCRIBE {source}").fetchall() if r[0] not in have]
        statements += lake.upsert_sql(dataset, source, key)
    elif adopted is not None:
        statements += lake.adopt_sql(dataset, adopted)
    else:
        statements += lake.replace_sql(dataset, source)
    _commit(con, sid, statements)


def _version(con: duckdb.DuckDBPyConnection) -> int:
    return int(one_row(con, f"SELECT max(snapshot_id) FROM {lake.ALIAS}.snapshots()")[0])


def _relative(p: Path, base: Path) -> str:
    return Path(os.path.relpath(p, base)).as_posix()


def _file(p: Path, base: Path, known: dict[str, SnapshotFile | DeleteFile]) -> dict[str, object]:
    """A data or delete file's manifest entry; a file the previous manifest listed keeps its
    entry (lake files are immutable), so only new files are read and hashed."""
    rel = _relative(p, base)
    if rel in known:
        return known[rel].model_dump(exclude={"deletes"})
    return {"path": rel, "rows": pq.ParquetFile(p).metadata.num_rows, "bytes": p.stat().st_size,
            "sha256": sha256_file(p)}


def _kept_deletes(live: Path, base: Path) -> Path:
    """The manifest's own link to a delete file of the lake, exports/<dataset>/deletes/<name>. The
    lake retires a data file's delete file when a later delete writes the next one (which holds
    every delete, each tagged with its snapshot) and removes it on the next cleanup, while a kept
    manifest still names it: the link keeps its bytes until no kept manifest names it."""
    kept = base / DELETES / live.name
    return kept if kept.exists() else _link(live, kept)


def _files(con: duckdb.DuckDBPyConnection, dataset: str, version: int, base: Path,
           previous: Manifest | None) -> list[SnapshotFile]:
    known: dict[str, SnapshotFile | DeleteFile] = {}
    for f in previous.files if previous else []:
        known[f.path] = f
        if f.deletes:
            known[f.deletes.path] = f.deletes
    return [SnapshotFile.model_validate({
        **_file(live.data, base, known),
        "deletes": _file(_kept_deletes(live.deletes, base), base, known) if live.deletes else None,
    }) for live in lake.files_at(con, dataset, version)]


def _drop_unnamed_deletes(dataset: str, exports: Path | None) -> None:
    """Remove the delete-file links no kept manifest of `dataset` names."""
    base = dataset_dir(dataset, exports)
    named = {f.deletes.path for p in (base / "snapshots").glob("*.json")
             for f in read_manifest(dataset, exports, p.stem).files if f.deletes}
    for link in (base / DELETES).glob("*.parquet"):
        if _relative(link, base) not in named:
            link.unlink()


def _load_ids(con: duckdb.DuckDBPyConnection, dataset: str, version: int,
              described: list[tuple[str, str]]) -> list[str]:
    if not any(name == "_load_id" for name, _ in described):
        return []
    return lake.values_at(con, dataset, version, "_load_id")


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


def kept_versions(exports: Path | None = None) -> set[int]:
    """The lake versions some kept snapshot manifest of any dataset names."""
    root = exports or settings().exports
    kept = set()
    for p in root.glob("*/snapshots/*.json"):
        try:
            version = read_manifest(p.parent.parent.name, exports, p.stem).lake_version
        except (NotPublishedError, ValueError):
            continue
        if version is not None:
            kept.add(version)
    return kept


def prune_snapshots(dataset: str, exports: Path | None = None, keep: int | None = None,
                    con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Forget all but the newest `keep` (default SHUCANG_KEEP_SNAPSHOTS) snapshots of `dataset`,
    never the current one, expire the lake versions no kept snapshot names and delete the files
    only those used; return the snapshot ids that went. `con`: a lake connection to use."""
    keep = keep or keep_snapshots()
    root = dataset_dir(dataset, exports) / "snapshots"
    with publisher_lock():
        current = read_manifest(dataset, exports).snapshot_id
        kept = sorted(p for p in root.glob("*.json") if SNAPSHOT_ID.fullmatch(p.stem))
        gone = [p for p in kept[:-keep] if p.stem != current]
        for p in gone:
            p.unlink()
        _drop_unnamed_deletes(dataset, exports)
        shared = lake.location(exports).on_postgres
        if con is None:
            with lake.connect(exports) as own:
                lake.expire(own, kept_versions(exports), shared)
        else:
            lake.expire(con, kept_versions(exports), shared)
    return [p.stem for p in gone]


def publish_snapshot(fields: ManifestFields, rows: Rows, *, declared: Sequence[SchemaColumn] = (),
                     key: Sequence[str] = (), snapshot_id: str | None = None,
                     exports: Path | None = None) -> Publication:
    """Write `rows` as a new snapshot of `fields.dataset` and make it current: with a `key` they
    are an increment upserted by it, else the whole dataset. `declared` gives the classification
    of the columns; a `snapshot_id` that is already current is not written again."""
    sid = snapshot_id or new_snapshot_id()
    if not SNAPSHOT_ID.fullmatch(sid):
        raise SnapshotError(f"snapshot id {sid!r} is not <UTC %Y%m%dT%H%M%S%f>-<8 hex>")
    base = dataset_dir(fields.dataset, exports)
    with publisher_lock():
        try:
            current = read_manifest(fields.dataset, exports)
        except NotPublishedError:
            current = None
        if current is not None and current.snapshot_id == sid:  # a retry of a finished publish
            return Publication(current, sync_views(exports).pending)
        with lake.connect(exports) as con:
            version = lake.committed(con, sid)
            if version is None:  # else a publish killed after its lake commit: not written again
                _write(con, fields.dataset, rows, key, sid, exports, current)
                version = lake.committed(con, sid)
                assert version is not None
            faults.point("publish.placed")
            described = lake.columns_at(con, fields.dataset, version)
            files = _files(con, fields.dataset, version, base, current)
            load_ids = _load_ids(con, fields.dataset, version, described)
            manifest = Manifest.model_validate({
                **fields.model_dump(), "snapshot_id": sid, "published_at": utcnow(),
                "lake_version": version, "rows": sum(f.live_rows for f in files), "files": files,
                "schema": _columns(fields, declared, described), "load_ids": load_ids,
            })
            swap_manifest(manifest, exports)
            faults.point("publish.swapped")
            views = sync_views(exports)
            faults.point("publish.synced")
            prune_snapshots(fields.dataset, exports, con=con)
            faults.point("publish.pruned")
    return Publication(manifest, views.pending)
