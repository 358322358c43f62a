"""The DuckDB warehouse file: one view per published dataset over the files its manifest names,
derived from the manifests and nothing else. The manifests are the truth; the views are an
analyst's convenience brought in line with them by `sync_views` (after every publish, and by
`shucang warehouse sync`). `shucang.views` in the file records which snapshot each view shows.
When another process holds the file (an analyst's DuckDB CLI), a sync gives up after a short wait
and says so; the publish it follows is complete without it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from foundation.settings import number, settings
from foundation.sql import ident, literal
from warehouse.manifest import Manifest, ManifestError, published_datasets, read_manifest

log = logging.getLogger(__name__)
VIEWS_TABLE = "shucang.views"


class WarehouseBusyError(RuntimeError):
    """Another process holds warehouse.duckdb (DuckDB allows one writing process per file)."""


@dataclass(frozen=True)
class ViewSync:
    """What one sync did: views repointed or dropped, and why it stopped short, if it did."""

    repointed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    pending: str | None = None  # None: every view shows its dataset's current snapshot


def warehouse_file(exports: Path | None = None) -> Path:
    """The warehouse file of an export tree: SHUCANG_HOME/warehouse.duckdb beside exports/."""
    return settings().warehouse if exports is None else exports.parent / settings().warehouse.name


def connect_warehouse(read_only: bool = False, wait: float | None = None,
                      exports: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, waiting up to `wait` seconds (default SHUCANG_WAREHOUSE_WAIT) while
    another process holds it; WarehouseBusyError after that."""
    path = warehouse_file(exports)
    path.parent.mkdir(parents=True, exist_ok=True)
    if read_only and not path.exists():
        duckdb.connect(str(path)).close()
    if wait is None:
        wait = number("SHUCANG_WAREHOUSE_WAIT") or 0.0
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"{path} is held by another process ({e}); close it, then run"
                    " `shucang warehouse sync`") from None
            time.sleep(0.25)


def _repoint(con: duckdb.DuckDBPyConnection, m: Manifest, exports: Path | None) -> None:
    con.execute("BEGIN")
    con.execute(f"CREATE OR REPLACE VIEW {ident(m.dataset)} AS"
                f" SELECT * FROM {m.relation(exports)}")
    con.execute(f"COMMENT ON VIEW {ident(m.dataset)} IS"
                f" {literal(f'{m.title}: {m.grade} {m.sharing} {m.opening}, snapshot {m.snapshot_id}')}")
    con.execute(f"INSERT OR REPLACE INTO {VIEWS_TABLE} VALUES (?, ?, now())", [m.dataset, m.snapshot_id])
    con.execute("COMMIT")


def _drop(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    con.execute("BEGIN")
    con.execute(f"DROP VIEW IF EXISTS {ident(dataset)}")
    con.execute(f"DELETE FROM {VIEWS_TABLE} WHERE dataset = ?", [dataset])
    con.execute("COMMIT")


def sync_views(exports: Path | None = None, wait: float | None = None) -> ViewSync:
    """Make the view of every published dataset show the snapshot its manifest names, and drop the
    views of datasets without a manifest. Views already in line are left alone."""
    try:
        con = connect_warehouse(wait=wait, exports=exports)
    except WarehouseBusyError as e:
        log.warning("warehouse view sync pending: %s", e)
        return ViewSync(pending=str(e))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS shucang")
        con.execute(f"CREATE TABLE IF NOT EXISTS {VIEWS_TABLE} (dataset VARCHAR PRIMARY KEY,"
                    " snapshot_id VARCHAR NOT NULL, synced_at TIMESTAMPTZ NOT NULL)")
        shown = dict(con.execute(
            f"SELECT v.dataset, v.snapshot_id FROM {VIEWS_TABLE} v JOIN duckdb_views() d"
            " ON d.view_name = v.dataset AND d.schema_name = 'main'").fetchall())
        recorded = {r[0] for r in con.execute(f"SELECT dataset FROM {VIEWS_TABLE}").fetchall()}
        published = published_datasets(exports)
        current, failed = {}, []
        for d in published:
            try:
                current[d] = read_manifest(d, exports)
            except ManifestError as e:  # its view stays as it is until the manifest is mended
                failed.append(str(e))
        repointed = []
        for d, m in current.items():
            if shown.get(d) != m.snapshot_id:
                try:
                    _repoint(con, m, exports)
                    repointed.append(d)
                except duckdb.Error as e:  # e.g. a file of the snapshot went missing
                    con.execute("ROLLBACK")
                    failed.append(f"view {d}: {e}")
        dropped = sorted(recorded - set(published))
        for d in dropped:
            _drop(con, d)
    finally:
        con.close()
    if failed:
        log.warning("warehouse view sync incomplete: %s", "; ".join(failed))
    return ViewSync(repointed, dropped, "; ".join(failed) or None)
