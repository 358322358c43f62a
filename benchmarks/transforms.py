"""Benchmark: derived-dataset models run through transforms.runner (views over the published
snapshot, run, output checks, Parquet snapshot + manifest) against a bare DuckDB COPY of the same
SQL over the same Parquet to a Parquet file, in the same process. Optionally the same models on
Spark (sqlglot-transpiled, local mode). Prints figures, ratios and machine facts.

    uv run python benchmarks/transforms.py --rows 10000000 [--spark]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from contracts.contract import load_contracts  # noqa: E402
from contracts.schema import published_schema  # noqa: E402
from transforms.duckdb_engine import connect_inputs  # noqa: E402
from transforms.model import load_models  # noqa: E402
from transforms.runner import execute, run_model  # noqa: E402
from warehouse.manifest import contract_fields, current_relation  # noqa: E402
from warehouse.snapshots import Query, publish_snapshot  # noqa: E402

MODELS = ("parking_berth_index", "parking_tidal_spare")
LOTS = 2000


def publish_file(dataset: str, sql: str, exports: Path) -> None:
    """Write `sql`'s result as the dataset's snapshot through the one snapshot writer, as a feed."""
    contract = load_contracts()[dataset]
    with duckdb.connect() as con:
        publish_snapshot(contract_fields(contract), Query(con, sql), declared=published_schema(contract),
                         exports=exports)


def make_inputs(rows: int, exports: Path) -> None:
    """parking_lot (LOTS lots over 500 communities) and `rows` 15-minute occupancy snapshots."""
    publish_file(
        "parking_lot",
        f"""
        SELECT printf('P%08d', i) AS lot_id, 'lot ' || i AS lot_name, 'addr ' || i AS address,
               (50 + i % 300)::BIGINT AS capacity,
               ['公共停车场', '道路泊位', '小区停车场', '单位停车场'][1 + i % 4] AS lot_kind,
               'x' AS _load_id, '330106' AS district_code,
               printf('330106%03d', i % 20) AS street_code,
               printf('330106%03d%03d', i % 20, i % 500) AS community_code,
               NULL::VARCHAR AS building_code, NULL::VARCHAR AS house_code,
               120.0 + (i % 500) * 0.002 + (i % 7) * 0.0003 AS lon,
               30.2 + (i % 500) * 0.001 + (i % 5) * 0.0003 AS lat,
               'community' AS match_level, 1.0 AS match_confidence
        FROM range({LOTS}) t(i)""",
        exports,
    )
    publish_file(
        "parking_berth_occupancy",
        f"""
        SELECT printf('P%08d', i % {LOTS}) AS lot_id,
               TIMESTAMP '2026-11-01' + INTERVAL 15 MINUTE * (i // {LOTS}) AS observed_at,
               ((50 + (i % {LOTS}) % 300) * (0.2 + 0.6 * random()))::BIGINT AS occupied,
               (50 + (i % {LOTS}) % 300)::BIGINT AS capacity, 'x' AS _load_id
        FROM range({rows}) t(i)""",
        exports,
    )


def bare(model_id: str, exports: Path, out: Path) -> float:
    """The same SQL as one bare DuckDB COPY to Parquet."""
    model = load_models()[model_id]
    con = connect_inputs({i: current_relation(i, exports) for i in model.inputs})
    start = time.perf_counter()
    con.execute(f"COPY ({model.sql}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    took = time.perf_counter() - start
    con.close()
    return took


def machine() -> str:
    import pyarrow
    import sqlglot

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.python_version()}, duckdb "
        f"{duckdb.__version__}, pyarrow {pyarrow.__version__}, sqlglot {sqlglot.__version__}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000, help="occupancy snapshots")
    ap.add_argument("--spark", action="store_true", help="also run each model on Spark")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        exports = Path(tmp) / "exports"
        t = time.perf_counter()
        make_inputs(args.rows, exports)
        print(f"inputs: {args.rows:,} occupancy rows, {LOTS} lots ({time.perf_counter() - t:.1f} s)")
        for mid in MODELS:
            base = bare(mid, exports, Path(tmp) / f"{mid}.parquet")
            r = run_model(mid, exports=exports)
            print(
                f"{mid:<22} runner {r.seconds:7.2f} s  bare DuckDB {base:7.2f} s"
                f"  ratio {r.seconds / base:5.2f}  ({r.rows:,} rows out)"
            )
        if args.spark:
            from foundation.spark import spark_session

            t = time.perf_counter()
            spark_session()
            print(f"spark session start {time.perf_counter() - t:.1f} s")
            for mid in MODELS:
                base = bare(mid, exports, Path(tmp) / f"{mid}.b.parquet")
                t = time.perf_counter()
                out = execute(load_models()[mid], "spark", exports)
                took = time.perf_counter() - t
                print(
                    f"{mid:<22} spark  {took:7.2f} s  bare DuckDB {base:7.2f} s"
                    f"  ratio {took / base:5.2f}  ({out.num_rows:,} rows out)"
                )


if __name__ == "__main__":
    main()
