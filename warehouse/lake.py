"""The table format behind published datasets: one DuckLake table per dataset (Parquet data files,
positional delete files, snapshots in a catalog). An upsert deletes the rows whose key comes again
(a small delete file) and inserts the increment (a small data file), so a publish costs the
increment, not the dataset. The catalog is a local DuckDB file by default and PostgreSQL in
production (`SHUCANG_LAKE_CATALOG`), the data files live under `SHUCANG_LAKE_DATA`; the extensions
load from their PyPI packages, nothing is downloaded at run time. Only `warehouse.snapshots` writes
through here; readers read the files a manifest lists."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import duckdb_extension_ducklake
import duckdb_extension_postgres_scanner

from foundation.duck import load_config, one_row
from foundation.settings import settings, value
from foundation.sql import ident, literal, literal_list, path

ALIAS = "lake"
POSTGRES = "postgres:"
# How the lake writes its Parquet files, as warehouse.snapshots.SNAPSHOT_PARQUET does other files.
PARQUET_OPTIONS = {"parquet_compression": "zstd", "parquet_compression_level": "1", "parquet_version": "2"}


class LakeError(RuntimeError):
    """The DuckLake catalog cannot be opened or written as asked."""


def _extension(package: object, name: str) -> Path:
    """The extension binary shipped inside a `duckdb-extension-<name>` package for this DuckDB."""
    root = Path(str(getattr(package, "__file__", ""))).parent / "extensions" / f"v{duckdb.__version__}"
    found = root / f"{name}.duckdb_extension"
    if not found.exists():
        raise LakeError(f"{found} is missing: duckdb-extension-{name.replace('_', '-')} must match"
                        f" duckdb {duckdb.__version__} (see pyproject.toml)")
    return found


@dataclass(frozen=True)
class Location:
    """Where a lake's catalog and data files are."""

    catalog: str  # a file path, or postgres:<conninfo>
    data: Path

    @property
    def on_postgres(self) -> bool:
        return self.catalog.startswith(POSTGRES)


def location(exports: Path | None = None) -> Location:
    """The lake of an export tree: SHUCANG_LAKE_CATALOG / SHUCANG_LAKE_DATA, else beside exports/
    (SHUCANG_HOME/lake.ducklake and SHUCANG_HOME/lake/)."""
    home = settings().home if exports is None else exports.parent
    data = value("SHUCANG_LAKE_DATA")
    return Location(value("SHUCANG_LAKE_CATALOG") or str(home / "lake.ducklake"),
                    Path(data) if data else home / "lake")


_instance: duckdb.DuckDBPyConnection | None = None
_instance_lock = threading.Lock()


def _loaded() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB instance with the extensions loaded (loading DuckLake takes about
    half a second, attaching a catalog milliseconds), bounded as a load's connections are and
    spilling to the staging folder's spill/ (an instance keeps its first spill folder)."""
    global _instance
    if _instance is None:
        con = duckdb.connect(config=load_config(settings().staging / "spill"))
        con.execute(f"LOAD {path(_extension(duckdb_extension_ducklake, 'ducklake'))}")
        con.execute(f"LOAD {path(_extension(duckdb_extension_postgres_scanner, 'postgres_scanner'))}")
        _instance = con
    return _instance


@contextmanager
def connect(exports: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with the lake attached as `lake` (the default database), detached
    again afterwards so no other process is kept from the catalog; one user at a time per process."""
    where = location(exports)
    where.data.mkdir(parents=True, exist_ok=True)
    if not where.on_postgres:
        Path(where.catalog).parent.mkdir(parents=True, exist_ok=True)
    with _instance_lock:
        con = _loaded().cursor()
        try:
            # rows stay in Parquet files (never inlined into the catalog): readers need only the files
            con.execute(f"ATTACH {literal('ducklake:' + where.catalog)} AS {ALIAS}"
                        f" (DATA_PATH {literal(str(where.data) + '/')}, OVERRIDE_DATA_PATH true,"
                        " DATA_INLINING_ROW_LIMIT 0)")
            try:
                con.execute(f"USE {ALIAS}")
                have = {r[0] for r in con.execute(f"SELECT option_name FROM {ALIAS}.options()").fetchall()}
                for name, setting in PARQUET_OPTIONS.items():
                    if name not in have:
                        con.execute(f"CALL {ALIAS}.set_option({literal(name)}, {literal(setting)})")
                yield con
            finally:
                con.execute("USE memory")
                con.execute(f"DETACH {ALIAS}")
        finally:
            con.close()


def table(dataset: str) -> str:
    """The qualified name of a dataset's table."""
    return f"{ALIAS}.main.{ident(dataset)}"


def exists(con: duckdb.DuckDBPyConnection, dataset: str) -> bool:
    """Whether the dataset has a table in the lake."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
                       [ALIAS, dataset]).fetchone() == (1,)


def committed(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> int | None:
    """The lake version a publish of `snapshot_id` committed, if it did (a retry finds it)."""
    row = con.execute(f"SELECT max(snapshot_id) FROM {ALIAS}.snapshots() WHERE commit_extra_info = ?",
                      [json.dumps({"snapshot_id": snapshot_id})]).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def mark_commit(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> None:
    """Name the open transaction's lake snapshot after the shucang snapshot it publishes."""
    con.execute(f"CALL {ALIAS}.set_commit_message('shucang', 'publish',"
                f" extra_info => {literal(json.dumps({'snapshot_id': snapshot_id}))})")


@dataclass(frozen=True)
class LiveFile:
    """A data file of a table at a version and the delete file that hides some of its rows."""

    data: Path
    deletes: Path | None


def files_at(con: duckdb.DuckDBPyConnection, dataset: str, version: int) -> list[LiveFile]:
    """The files that make up `dataset` at lake `version`, in the lake's order."""
    rows = con.execute(f"SELECT data_file, delete_file FROM ducklake_list_files({literal(ALIAS)},"
                       f" {literal(dataset)}, snapshot_version => {int(version)})").fetchall()
    return [LiveFile(Path(d), Path(x) if x else None) for d, x in rows]


def _alive(alias: str, version: int) -> str:
    """SQL: the catalog row `alias` is in effect at lake `version`."""
    return (f"{alias}.begin_snapshot <= {version}"
            f" AND ({alias}.end_snapshot IS NULL OR {alias}.end_snapshot > {version})")


def values_at(con: duckdb.DuckDBPyConnection, dataset: str, version: int, column: str) -> list[str]:
    """The distinct values of `column` in the live rows of `dataset` at `version`, its newest (the
    catalog keeps only the newest delete count of a file). A data file whose catalog statistics
    give the column one value (min = max; a load's file) and that has live rows names it without
    being read; only the files holding several values (a compaction's) are scanned."""
    meta, v = f"__ducklake_metadata_{ALIAS}", int(version)
    files = con.execute(
        f"SELECT f.path, s.min_value, s.max_value FROM {meta}.ducklake_data_file f"
        f" JOIN {meta}.ducklake_table t ON t.table_id = f.table_id"
        f" JOIN {meta}.ducklake_column c ON c.table_id = f.table_id AND c.column_name = ?"
        f" LEFT JOIN {meta}.ducklake_file_column_stats s"
        f"  ON s.data_file_id = f.data_file_id AND s.column_id = c.column_id"
        f" LEFT JOIN {meta}.ducklake_delete_file d ON d.data_file_id = f.data_file_id AND {_alive('d', v)}"
        f" WHERE t.table_name = ? AND {_alive('t', v)} AND {_alive('c', v)} AND {_alive('f', v)}"
        " AND f.record_count > coalesce(d.delete_count, 0)", [column, dataset]).fetchall()
    one = {lo for _, lo, hi in files if lo is not None and lo == hi}
    mixed = {Path(p).name for p, lo, hi in files if lo is None or lo != hi}
    if mixed:
        paths = [str(f.data) for f in files_at(con, dataset, v) if f.data.name in mixed]
        one |= {r[0] for r in con.execute(
            f"SELECT DISTINCT {ident(column)} FROM {table(dataset)} AT (VERSION => {v})"
            f" WHERE filename IN ({', '.join(literal(p) for p in paths)})").fetchall() if r[0] is not None}
    return sorted(one)


def columns_at(con: duckdb.DuckDBPyConnection, dataset: str, version: int) -> list[tuple[str, str]]:
    """(column, DuckDB type) of `dataset` at lake `version`."""
    return [(r[0], r[1]) for r in con.execute(
        f"DESCRIBE SELECT * FROM {table(dataset)} AT (VERSION => {int(version)})").fetchall()]


def expire(con: duckdb.DuckDBPyConnection, keep: set[int], shared: bool) -> list[int]:
    """Expire every lake snapshot but the newest that no kept manifest names, then delete the
    files only expired snapshots used and those of killed writes; return the versions expired.
    On a `shared` catalog other writers may be writing right now, so only versions older than an
    hour are expired and only files orphaned for a day deleted."""
    # on a shared catalog a writer may not have listed the files of its fresh commit yet
    recent = " WHERE snapshot_time < now() - INTERVAL 1 HOUR" if shared else ""
    newest = one_row(con, f"SELECT max(snapshot_id) FROM {ALIAS}.snapshots()")[0]
    versions = [r[0] for r in con.execute(f"SELECT snapshot_id FROM {ALIAS}.snapshots(){recent}"
                                          " ORDER BY snapshot_id").fetchall()]
    gone = [v for v in versions if v not in keep and v != newest]
    if gone:
        con.execute(f"CALL ducklake_expire_snapshots({literal(ALIAS)}, versions => {literal_list(gone)})")
    con.execute(f"CALL ducklake_cleanup_old_files({literal(ALIAS)}, cleanup_all => true)")
    orphans = "older_than => now() - INTERVAL 1 DAY" if shared else "cleanup_all => true"
    con.execute(f"CALL ducklake_delete_orphaned_files({literal(ALIAS)}, {orphans})")
    return gone


def upsert_sql(dataset: str, source: str, key: Sequence[str]) -> list[str]:
    """The statements that upsert the rows of the SELECT `source` into `dataset` by `key`."""
    on = " AND ".join(f"t.{ident(k)} = n.{ident(k)}" for k in key)
    return [f"DELETE FROM {table(dataset)} t USING ({source}) n WHERE {on}",
            f"INSERT INTO {table(dataset)} BY NAME {source}"]


def adopt_sql(dataset: str, data: Path) -> list[str]:
    """The statements that make the Parquet file `data` (under the lake's data folder) the whole
    of `dataset`, taken in as a data file without being rewritten."""
    return [f"CREATE OR REPLACE TABLE {table(dataset)} AS SELECT * FROM read_parquet({path(data)}) LIMIT 0",
            f"CALL ducklake_add_data_files({literal(ALIAS)}, {literal(dataset)}, {path(data)})"]


def replace_sql(dataset: str, source: str) -> list[str]:
    """The statements that make the rows of the SELECT `source` the whole of `dataset`."""
    return [f"CREATE OR REPLACE TABLE {table(dataset)} AS {source}"]


def compact_sql(dataset: str, files: Sequence[Path]) -> list[str]:
    """The statements that move the live rows of the data `files` of `dataset` into one new data
    file (their deletes applied): the files leave the table at this version and stay in the
    versions before it, so time travel to those is unchanged."""
    of = f"{table(dataset)} WHERE filename IN ({', '.join(literal(str(f)) for f in files)})"
    return [f"CREATE OR REPLACE TEMP TABLE compacted AS SELECT * FROM {of}",
            f"DELETE FROM {of}",
            f"INSERT INTO {table(dataset)} SELECT * FROM compacted",
            "DROP TABLE compacted"]
