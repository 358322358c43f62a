"""Ingest benchmark: land + stage + publish of one large CSV feed through the real pipeline code,
against a bare DuckDB `COPY (FROM read_csv(...)) TO '...parquet'` of the same file in the same
process. Prints both times and the ratio (goal <= 1.3 at 10M rows) of each of `--repeat`
interleaved runs, the median ratio, the machine facts (a shared machine's load moves single runs
a lot) and the peak memory of the process.

    uv run python benchmarks/ingest.py --rows 10000000
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONTRACT = {
    "id": "bench_readings", "title": "基准读数", "tier": "city", "owner": "bench",
    "category": "物联感知/环境监测",
    "source": {"kind": "file", "format": "csv", "location": "bench/*.csv", "encoding": "utf-8",
               "schedule": "@daily"},
    "primary_key": ["reading_id"],
    "columns": [
        {"name": "reading_id", "title": "读数编号", "type": "string", "required": True},
        {"name": "sensor_id", "title": "传感器", "type": "string", "required": True},
        {"name": "observed_at", "title": "观测时间", "type": "timestamp", "required": True},
        {"name": "value", "title": "读数", "type": "double"},
        {"name": "status", "title": "状态", "type": "string"},
        {"name": "level", "title": "等级", "type": "integer"},
        {"name": "location", "title": "位置", "type": "string"},
        {"name": "payload", "title": "载荷", "type": "string"},
    ],
    "grade": "L1", "sharing": "无条件共享", "opening": "无条件开放", "update_frequency": "daily",
}


def make_feed(path: Path, rows: int, start: int = 0) -> None:
    """A CSV of `rows` sensor readings (about 140 bytes a row, numbered from `start`) written by
    DuckDB."""
    duckdb.connect().execute(f"""COPY (SELECT 'R' || lpad(i::VARCHAR, 10, '0') AS reading_id,
        'S' || lpad((i % 50000)::VARCHAR, 6, '0') AS sensor_id,
        strftime(TIMESTAMP '2026-01-01' + to_seconds(i), '%Y-%m-%d %H:%M:%S') AS observed_at,
        round((i * 7919 % 100000) / 100.0, 2) AS value,
        (['正常','告警','离线','维护'])[1 + i % 4] AS status, (i % 1000)::INTEGER AS level,
        '杭州市西湖区翠苑街道文三路' || (i % 500)::VARCHAR || '号' AS location, md5(i::VARCHAR) AS payload
        FROM range({start}, {start + rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')""")


def baseline(src: Path, out: Path) -> float:
    start = time.perf_counter()
    duckdb.connect().execute(f"COPY (FROM read_csv('{src}')) TO '{out}' (FORMAT parquet)")
    return time.perf_counter() - start


def shucang_ingest(home: Path) -> dict[str, float]:
    """Time the real land, stage and publish steps on the feed under home/feeds/bench/; the parts
    of the stage are keyed `stage:<part>`."""
    from contracts.contract import Contract
    from feeds.land import land, landed_files
    from feeds.stage import stage
    from warehouse.publish import publish

    contract = Contract.model_validate(CONTRACT)
    times: dict[str, float] = {}
    t = time.perf_counter()
    load_id = land(contract)
    times["land"] = time.perf_counter() - t
    assert load_id is not None
    t = time.perf_counter()
    result = stage(contract, load_id, landed_files(contract.id, load_id),
                   home / "staging" / contract.id / load_id)
    times["stage"] = time.perf_counter() - t
    times.update((f"stage:{part}", seconds) for part, seconds in result.seconds)
    t = time.perf_counter()
    published = publish(contract, load_id, result.staged)
    times["publish"] = time.perf_counter() - t
    assert result.rows_in == published.rows_published + result.rows_quarantined
    times["rows"] = published.rows_total
    return times


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.processor() or platform.machine()},"
            f" Python {platform.python_version()}, duckdb {duckdb.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3,
                    help="baseline/shucang pairs, interleaved; the median ratio is the figure")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--steps", action="store_true", help="print the seconds of each part of the stage")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shucang-bench-"))
    os.environ["SHUCANG_FEEDS"] = str(tmp / "feeds")
    src_dir = tmp / "feeds" / "bench"
    src_dir.mkdir(parents=True)
    src = src_dir / "readings.csv"
    try:
        make_feed(src, args.rows)
        size = src.stat().st_size
        with src.open("rb") as f:  # warm the page cache so neither side pays the first read
            while f.read(64 << 20):
                pass
        print(f"machine: {machine()}")
        print(f"feed: {args.rows:,} rows, {size / 2**20:,.0f} MiB CSV")
        ratios = []
        for run in range(1, args.repeat + 1):
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            base = baseline(src, tmp / "baseline.parquet")
            home = tmp / f"home{run}"  # a fresh warehouse: the same bytes would otherwise be a no-op
            os.environ["SHUCANG_HOME"] = str(home)
            ours = shucang_ingest(home)
            total = ours["land"] + ours["stage"] + ours["publish"]
            ratios.append(total / base)
            steps = " + ".join(f"{step} {ours[step]:.2f} s" for step in ("land", "stage", "publish"))
            print(f"run {run} (load average {load}): baseline DuckDB COPY csv->parquet {base:.2f} s; shucang"
                  f" {steps} = {total:.2f} s, {int(ours['rows']):,} rows published; ratio {total / base:.2f}")
            if args.steps:
                print("  stage: " + ", ".join(f"{step[6:]} {sec:.2f} s" for step, sec in ours.items()
                                              if step.startswith("stage:")))
            shutil.rmtree(home, ignore_errors=True)
        print(f"ratio shucang/baseline: median {statistics.median(ratios):.2f} of {args.repeat} runs"
              f" (min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 1.3 at 10M, <= 1.5 at 100M)")
        print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
