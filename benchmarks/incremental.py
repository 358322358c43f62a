"""Incremental benchmark: a 1,000-row load (half updates of existing keys, half new keys) published
into a dataset of N rows, and landed when the feed folder also holds the N-row file already
landed. Each figure is printed beside a bare DuckDB baseline in the same process: the publish
beside rewriting the upserted dataset into one Parquet file (what a publish cost before the
lake), the landing beside hashing the big file once (what every landing paid before it looked
first). Prints the load average with each size and the peak memory of the process.

    uv run python benchmarks/incremental.py --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ingest import CONTRACT, machine, make_feed  # noqa: E402

INCREMENT = 1_000


def _readings(rows: int, first: int, step: int, tag: str) -> str:
    """A SELECT of `rows` readings with ids first, first + step, ... (the staged shape)."""
    return f"""SELECT 'R' || lpad((i * {step} + {first})::VARCHAR, 10, '0') AS reading_id,
        'S' || lpad((i % 50000)::VARCHAR, 6, '0') AS sensor_id,
        TIMESTAMP '2026-01-01' + to_seconds(i) AS observed_at, round((i * 7919 % 100000) / 100.0, 2) AS value,
        {tag!r} AS status, (i % 1000)::INTEGER AS level, '文三路' || (i % 500)::VARCHAR || '号' AS location,
        md5(i::VARCHAR) AS payload, i + 1 AS _row, 'readings.csv' AS _file, i + 2 AS _line,
        {tag!r} AS _load_id FROM range({rows}) t(i)"""


def _increment(path: Path, size: int, n: int) -> None:
    """Half updates spread over the whole key range, half keys past the end."""
    half = INCREMENT // 2
    step = max(1, size // half)
    sql = (f"({_readings(half, n, step, f'inc{n}')}) UNION ALL"
           f" ({_readings(half, size + n * half, 1, f'inc{n}')})")
    duckdb.sql(f"COPY ({sql}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")


def _rewrite_baseline(base: Path, inc: Path, out: Path) -> float:
    """The increment upserted into the dataset and written as one new Parquet file, bare DuckDB."""
    start = time.perf_counter()
    duckdb.sql(f"COPY (SELECT * FROM read_parquet('{inc}') UNION ALL BY NAME SELECT b.* FROM"
               f" read_parquet('{base}') b ANTI JOIN read_parquet('{inc}') n USING (reading_id))"
               f" TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    return time.perf_counter() - start


def _publish(size: int, tmp: Path, repeat: int) -> tuple[list[float], list[float]]:
    from contracts.contract import Contract
    from contracts.schema import published_schema
    from warehouse.manifest import contract_fields
    from warehouse.snapshots import publish_snapshot

    contract = Contract.model_validate(CONTRACT)
    fields, declared = contract_fields(contract), published_schema(contract)
    base = tmp / "base.parquet"
    duckdb.sql(f"COPY ({_readings(size, 0, 1, 'base')}) TO '{base}' (FORMAT parquet, COMPRESSION zstd)")
    publish_snapshot(fields, base, declared=declared, key=contract.primary_key)
    ours, bare = [], []
    for n in range(repeat):
        inc = tmp / f"inc{n}.parquet"
        _increment(inc, size, n)
        bare.append(_rewrite_baseline(base, inc, tmp / "rewritten.parquet"))
        start = time.perf_counter()
        m = publish_snapshot(fields, inc, declared=declared, key=contract.primary_key).manifest
        ours.append(time.perf_counter() - start)
        assert m.rows == size + (n + 1) * INCREMENT // 2, m.rows
    return ours, bare


def _land(size: int, tmp: Path) -> tuple[float, float]:
    from contracts.contract import Contract
    from feeds.land import land
    from foundation.files import sha256_file

    contract = Contract.model_validate(CONTRACT)
    folder = tmp / "feeds" / "bench"
    folder.mkdir(parents=True)
    big = folder / "readings.csv"
    make_feed(big, size)
    old = time.time() - 3600  # written an hour ago, as a landed feed file is
    os.utime(big, (old, old))
    assert land(contract) is not None
    make_feed(folder / "readings-inc.csv", INCREMENT)
    start = time.perf_counter()
    sha256_file(big)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    assert land(contract) is not None
    return time.perf_counter() - start, bare


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=3, help="increments published per size; the median counts")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    medians = {}
    for size in args.sizes:
        tmp = Path(tempfile.mkdtemp(prefix="shucang-incremental-"))
        os.environ["SHUCANG_HOME"] = str(tmp / "home")
        os.environ["SHUCANG_FEEDS"] = str(tmp / "feeds")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        try:
            ours, bare = _publish(size, tmp, args.repeat)
            landed, hashed = _land(size, tmp)
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
        medians[size] = statistics.median(ours)
        print(f"{size:,} rows (load average {load}): publish of {INCREMENT:,} rows (half updates)"
              f" median {medians[size]:.3f} s [{', '.join(f'{t:.3f}' for t in ours)}]; bare DuckDB rewrite"
              f" median {statistics.median(bare):.2f} s; ratio {medians[size] / statistics.median(bare):.3f}."
              f" land of {INCREMENT:,} new rows beside the landed file {landed:.3f} s; bare sha256 of"
              f" that file {hashed:.2f} s; ratio {landed / hashed:.3f}")
    smallest = min(medians)
    for size in sorted(medians):
        print(f"publish at {size:,} / at {smallest:,}: {medians[size] / medians[smallest]:.2f}")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
