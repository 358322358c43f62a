"""DuckLake delete benchmark: what a publish's DELETE of spread keys costs by key and by row id.
A lake table of N rows (11-character keys, the shape of benchmarks/incremental.py) in F data
files; 500 rows spread over the key range deleted once by a join on the key (what an upsert does
today) and once by `rowid IN (...)` (what a key -> row id index would let it do), each beside a
bare DuckDB read_parquet scan of the table's data files for those keys, in the same process.
Prints how many files and rows the row id delete's scan read: DuckLake 1.5.5 prunes no data file
by row id.

    uv run python benchmarks/lake_delete.py --rows 10000000 100000000
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ingest import machine  # noqa: E402

SPREAD = 500


def _fill(con: duckdb.DuckDBPyConnection, rows: int, files: int) -> None:
    """A lake table `t` of `rows` rows written in `files` inserts."""
    con.execute("CREATE TABLE t (k VARCHAR, p VARCHAR, v BIGINT)")
    for f in range(files):
        con.execute(f"INSERT INTO t SELECT 'R' || lpad(i::VARCHAR, 10, '0'), md5(i::VARCHAR), i"
                    f" FROM range({f * rows // files}, {(f + 1) * rows // files}) r(i)")


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    start = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - start


def _read(con: duckdb.DuckDBPyConnection, select: str) -> str:
    """Files and rows the scan of `select` read, from its profile."""
    plan = con.execute(f"EXPLAIN ANALYZE {select}").fetchall()[0][1]
    files = re.findall(r"Total Files Read: (\d+)", plan)
    scanned = max((int(n.replace(",", "")) for n in re.findall(r"([\d,]+) rows", plan)), default=0)
    return f"{files[0] if files else '?'} files, {scanned:,} rows"


def run(rows: int, files: int) -> None:
    from warehouse import lake

    tmp = Path(tempfile.mkdtemp(prefix="shucang-lake-delete-"))
    os.environ["SHUCANG_HOME"] = str(tmp)
    try:
        with lake.connect() as con:  # the publisher's own lake: catalog file, data under tmp
            _fill(con, rows, files)
            step = rows // SPREAD
            by_key = ", ".join(f"'R{i * step:010d}'" for i in range(SPREAD))
            data = tmp / "lake" / "**" / "*.parquet"
            bare = _timed(con, f"SELECT count(*) FROM read_parquet('{data}') WHERE k IN ({by_key})")
            ids = ", ".join(str(r[0]) for r in con.execute(
                f"SELECT rowid FROM t WHERE k IN ({by_key})").fetchall())
            read = _read(con, f"SELECT count(*) FROM t WHERE rowid IN ({ids})")
            rowid = _timed(con, f"DELETE FROM t WHERE rowid IN ({ids})")
            con.execute("CREATE TEMP TABLE inc AS SELECT 'R' || lpad((i * ? + 1)::VARCHAR, 10, '0') AS k"
                        f" FROM range({SPREAD}) r(i)", [step])
            key = _timed(con, "DELETE FROM t USING inc n WHERE t.k = n.k")
        print(f"{rows:,} rows in {files} files: delete of {SPREAD} spread rows by key {key:.3f} s,"
              f" by rowid {rowid:.3f} s (its scan read {read}); bare read_parquet scan"
              f" {bare:.3f} s; ratios by key {key / bare:.2f}, by rowid {rowid / bare:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000_000])
    ap.add_argument("--files", type=int, default=10, help="data files the table is written in")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    for rows in args.rows:
        run(rows, args.files)
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
