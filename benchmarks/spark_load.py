"""Spark load benchmark: the same CSV feed (benchmarks/ingest.py's sensor readings, with its
location matched as an address) loaded end to end by the real pipeline steps on the DuckDB path and
on the Spark path (local mode, SHUCANG_SPARK_MASTER), each in a process and a home of its own,
against a bare DuckDB `COPY (FROM read_csv(...)) TO '...parquet'` of the same files. Prints each
step's time, the ratio of each path to the baseline, the peak memory of each (the driver's RSS; for
Spark also the JVM's and its Python workers', sampled), the machine and its load average, and checks
parity: the published rows (a hash of every column but `_load_id`) and the quarantine by reason.

    uv run python benchmarks/spark_load.py --rows 10000000 --files 4
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.ingest import CONTRACT, machine, make_feed  # noqa: E402

STEPS = ("land", "stage", "address", "validate", "publish")
DATASET = str(CONTRACT["id"])


class PeakMemory:
    """Samples, every 0.2 s while in use, the RSS of this process and of all its descendants (the
    JVM and Spark's Python workers); keeps the peak of each."""

    def __init__(self) -> None:
        self.driver = self.children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            self.driver = max(self.driver, me.memory_info().rss)
            rss = 0
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # a worker that just ended
                    rss += child.memory_info().rss
            self.children = max(self.children, rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_engine(tmp: Path, engine: str, out: Any) -> None:
    """In a child process: load the feed under tmp/feeds on `engine` into a fresh home; send the
    step times, peak memory, counts and the parity fingerprint to `out`."""
    home = tmp / f"home-{engine}"
    os.environ.update({"SHUCANG_HOME": str(home), "SHUCANG_FEEDS": str(tmp / "feeds"),
                       "SHUCANG_CONTRACTS": str(tmp / "contracts")})
    if engine == "spark":
        os.environ["SHUCANG_SPARK_MIN_BYTES"] = "0"
    from control import ledger
    from shucang import pipeline
    from warehouse import quarantine
    from warehouse.query import query

    times: dict[str, float] = {}
    with PeakMemory() as peak:
        if engine == "spark":
            from foundation.spark import spark_session

            t = time.perf_counter()
            spark_session()
            times["session"] = time.perf_counter() - t
        ref: Any = pipeline.land_step(DATASET)
        for name, step in zip(STEPS[1:], (pipeline.stage_step, pipeline.address_step,
                                           pipeline.validate_step, pipeline.publish_step), strict=True):
            t = time.perf_counter()
            ref = step(ref)
            times[name] = time.perf_counter() - t
    load = ledger.get_load(ref["load_id"])
    columns = [c for c in query(f"SELECT * FROM {DATASET} LIMIT 0")[0] if c != "_load_id"]
    fingerprint = query(f"SELECT count(*), bit_xor(hash({', '.join(columns)})) FROM {DATASET}")[1][0]
    reasons = quarantine.read(DATASET).group_by("reason_code").aggregate([("line", "count")])
    out.put({"times": times, "driver": peak.driver, "children": peak.children,
             "counts": (load["rows_in"], load["rows_published"], load["rows_quarantined"]),
             "fingerprint": fingerprint, "reasons": sorted(zip(*reasons.to_pydict().values(), strict=True))})


def baseline(files: list[Path], out: Path) -> float:
    """Seconds for DuckDB alone to turn the CSV files into one Parquet file."""
    start = time.perf_counter()
    duckdb.connect().execute(f"COPY (FROM read_csv({[str(f) for f in files]})) TO '{out}' (FORMAT parquet)")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=4, help="CSV files the rows are split into")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shucang-spark-bench-"))
    try:
        feeds = tmp / "feeds" / "bench"
        feeds.mkdir(parents=True)
        (tmp / "contracts").mkdir()
        address = {"column": "location", "granularity": "street", "min_match_rate": 0}
        (tmp / "contracts" / f"{DATASET}.yaml").write_text(
            yaml.safe_dump({**CONTRACT, "address": address}, allow_unicode=True))
        per = -(-args.rows // args.files)
        files = []
        for i in range(args.files):
            files.append(feeds / f"readings-{i:02d}.csv")
            make_feed(files[-1], min(per, args.rows - i * per), start=i * per)
        size = sum(f.stat().st_size for f in files)
        print(f"machine: {machine()}")
        print(f"feed: {args.rows:,} rows in {args.files} CSV files, {size / 2**20:,.0f} MiB;"
              f" Spark master {os.environ.get('SHUCANG_SPARK_MASTER', 'local[*]')}")
        base = baseline(files, tmp / "baseline.parquet")
        print(f"baseline DuckDB COPY csv->parquet: {base:.2f} s (load average"
              f" {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
        results = {}
        ctx = multiprocessing.get_context("spawn")
        for engine in ("duckdb", "spark"):
            queue = ctx.Queue()
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            child = ctx.Process(target=run_engine, args=(tmp, engine, queue))
            child.start()
            r = results[engine] = queue.get()
            child.join()
            total = sum(r["times"][s] for s in STEPS[1:])
            steps = " + ".join(f"{s} {r['times'][s]:.2f}" for s in STEPS[1:])
            session = r["times"].get("session")
            session = f" (session start {session:.1f} s apart)" if session else ""
            print(f"{engine} (load average {load}): {steps} = {total:.2f} s{session}; ratio to baseline"
                  f" {total / base:.2f}; rows in/published/quarantined {r['counts']};"
                  f" peak RSS driver {r['driver'] / 2**20:,.0f} MiB,"
                  f" JVM and workers {r['children'] / 2**20:,.0f} MiB")
        duck, spark = results["duckdb"], results["spark"]
        same = all(duck[k] == spark[k] for k in ("counts", "fingerprint", "reasons"))
        ratio = sum(spark["times"][s] for s in STEPS[1:]) / sum(duck["times"][s] for s in STEPS[1:])
        print(f"parity: {'same' if same else 'DIFFERENT'} published rows and quarantine"
              f" ({duck['reasons'] or 'nothing quarantined'}); Spark/DuckDB time {ratio:.2f}")
        if not same:
            sys.exit(f"parity failed: duckdb {duck} / spark {spark}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
