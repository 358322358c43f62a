"""Benchmark: the great_expectations suite of a contract, run through quality's DuckDB execution
path, against the same checks written as ONE bare DuckDB query, on the same Parquet, in the same
process. Prints both figures, their ratio, peak memory and machine facts.

    uv run python benchmarks/quality.py --rows 10000000

The contract (bench_people) has 13 expectations: required x4, a regex, resident ID (GB 11643),
mobile, credit code (GB 32100), in_set, between, not_future, after, primary-key uniqueness.
About 0.1% of rows break some check so every expectation has offending rows to report.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from contracts.contract import Contract  # noqa: E402
from quality import identifiers as ids  # noqa: E402

CONTRACT = {
    "id": "bench_people", "title": "benchmark", "tier": "district", "owner": "bench",
    "category": "人口/户籍人口",
    "source": {"kind": "file", "format": "csv", "location": "x/*.csv", "schedule": "@daily"},
    "primary_key": ["record_id"],
    "columns": [
        {"name": "record_id", "title": "r", "type": "string", "required": True,
         "checks": [{"regex": r"^RK\d{10}$"}]},
        {"name": "resident_id", "title": "i", "type": "string", "required": True,
         "checks": ["resident_id"]},
        {"name": "phone", "title": "p", "type": "string", "checks": ["mobile"]},
        {"name": "employer_code", "title": "c", "type": "string", "checks": ["credit_code"]},
        {"name": "sex", "title": "s", "type": "string", "required": True,
         "checks": [{"in_set": ["男", "女"]}]},
        {"name": "age", "title": "a", "type": "integer", "checks": [{"between": [0, 120]}]},
        {"name": "registered_at", "title": "g", "type": "timestamp", "required": True,
         "checks": ["not_future"]},
        {"name": "updated_at", "title": "u", "type": "timestamp",
         "checks": [{"after": "registered_at"}]},
    ],
    "grade": "L1", "sharing": "无条件共享", "opening": "无条件开放", "update_frequency": "daily",
}


def _check_sql(first17: str, weights: tuple[int, ...], alphabet_sql: str, mod: int) -> str:
    return " + ".join(f"{w} * {alphabet_sql.format(c=f'substr({first17}, {i}, 1)')}"
                      for i, w in enumerate(weights, 1)) + f" % {mod}"


def make_data(path: Path, rows: int) -> None:
    """Write `rows` synthetic rows (about 0.1% broken) as Parquet, in DuckDB."""
    rid17 = "rid17"
    rid_sum = " + ".join(f"{w} * CAST(substr({rid17}, {i}, 1) AS INTEGER)"
                         for i, w in enumerate(ids.RESIDENT_ID_WEIGHTS, 1))
    cc_sum = " + ".join(f"{w} * (strpos('{ids.CREDIT_CODE_ALPHABET}', substr(cc17, {i}, 1)) - 1)"
                        for i, w in enumerate(ids.CREDIT_CODE_WEIGHTS, 1))
    sql = f"""
    COPY (
      WITH base AS (
        SELECT i,
          '330106' || strftime(DATE '1950-01-01' + CAST(i % 25000 AS INTEGER), '%Y%m%d')
            || lpad(CAST(i % 1000 AS VARCHAR), 3, '0') AS rid17,
          '91330106' || lpad(CAST(i % 1000000000 AS VARCHAR), 9, '0') AS cc17
        FROM range(1, {rows} + 1) t(i)
      )
      SELECT
        CASE WHEN i % 5003 = 0 THEN 'RK' || CAST(i AS VARCHAR) || 'X'
             ELSE 'RK' || lpad(CAST(i AS VARCHAR), 10, '0') END AS record_id,
        CASE WHEN i % 4001 = 0 THEN {rid17} || 'Y'
             ELSE {rid17} || substr('{ids.RESIDENT_ID_CHECK}', ({rid_sum}) % 11 + 1, 1) END
          AS resident_id,
        CASE WHEN i % 7 = 0 THEN NULL WHEN i % 6007 = 0 THEN '12345678901'
             ELSE '13' || lpad(CAST(i % 1000000000 AS VARCHAR), 9, '0') END AS phone,
        CASE WHEN i % 7001 = 0 THEN cc17 || 'I'
             ELSE cc17 || substr('{ids.CREDIT_CODE_ALPHABET}',
                                 (31 - ({cc_sum}) % 31) % 31 + 1, 1) END AS employer_code,
        CASE WHEN i % 8009 = 0 THEN '未知' WHEN i % 2 = 0 THEN '男' ELSE '女' END AS sex,
        CAST(CASE WHEN i % 9001 = 0 THEN 150 ELSE i % 100 END AS BIGINT) AS age,
        CASE WHEN i % 10007 = 0 THEN TIMESTAMP '2099-01-01'
             ELSE TIMESTAMP '2020-01-01' + to_seconds(CAST(i % 100000000 AS BIGINT)) END
          AS registered_at,
        CASE WHEN i % 11003 = 0 THEN TIMESTAMP '2000-01-01'
             ELSE TIMESTAMP '2020-01-01' + to_seconds(CAST(i % 100000000 + 3600 AS BIGINT)) END
          AS updated_at,
        CAST(i AS BIGINT) AS _row, 'bench.csv' AS _file, CAST(i + 1 AS BIGINT) AS _line
      FROM base
    ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 122880)
    """
    with duckdb.connect() as con:
        con.execute(sql)


def baseline_sql(contract: Contract, path: Path) -> str:
    """The same checks as the suite, as one DuckDB query returning each check's offending count."""
    from quality.expectations import FUTURE_TOLERANCE, now_in_china

    limit = (now_in_china() + FUTURE_TOLERANCE).isoformat(sep=" ")
    checks = [
        "count(*)",
        "count(*) - count(record_id)", "count(*) - count(resident_id)", "count(*) - count(sex)",
        "count(*) - count(registered_at)",
        "count_if(NOT regexp_matches(record_id, '^RK\\d{10}$'))",
        f"count_if(({ids.resident_id_problem_sql('resident_id')}) IS NOT NULL)",
        f"count_if(({ids.mobile_problem_sql('phone')}) IS NOT NULL)",
        f"count_if(({ids.credit_code_problem_sql('employer_code')}) IS NOT NULL)",
        "count_if(sex NOT IN ('男', '女'))",
        "count_if(age NOT BETWEEN 0 AND 120)",
        f"count_if(registered_at > TIMESTAMP '{limit}')",
        "count_if(updated_at < registered_at)",
        "count(*) - count(DISTINCT record_id)",
    ]
    return f"SELECT {', '.join(checks)} FROM read_parquet('{path}')"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each side; the best is kept")
    ap.add_argument("--keep", action="store_true", help="keep the generated data and GX stores")
    args = ap.parse_args()

    import great_expectations as gx_pkg

    work = Path(tempfile.mkdtemp(prefix="shucang-bench-quality-"))
    os.environ["SHUCANG_HOME"] = str(work / "home")
    data = work / "staged.parquet"
    t = time.perf_counter()
    make_data(data, args.rows)
    print(f"data: {args.rows:,} rows, {data.stat().st_size / 1e6:.0f} MB Parquet "
          f"(made in {time.perf_counter() - t:.1f} s)")
    rss_before = peak_rss_mb()

    contract = Contract.model_validate(CONTRACT)
    from quality.failures import failure_rows
    from quality.run import run_suite
    from quality.suite import expectations_for

    n_exp = len(expectations_for(contract))
    base_times, gx_times, fail_times = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        with duckdb.connect() as con:
            counts = con.execute(baseline_sql(contract, data)).fetchone()
        base_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        run = run_suite(contract, data, load_id=f"bench{len(gx_times)}")
        gx_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        failures = failure_rows(run.result, data)
        fail_times.append(time.perf_counter() - t)

    assert counts is not None
    gx_counts = [r.result.get("unexpected_count") for r in run.result.results
                 if "unexpected_count" in r.result]
    base, gxt, ft = min(base_times), min(gx_times), min(fail_times)
    print(f"expectations in the suite: {n_exp}")
    print(f"offending counts, DuckDB query: {list(counts[1:])}")
    print(f"offending counts, GX suite:     {gx_counts}")
    print(f"failure rows for the quarantine: {failures.num_rows:,}")
    print(f"bare DuckDB query:              {base:7.2f} s")
    print(f"GX suite on DuckDB path:        {gxt:7.2f} s   ratio {gxt / base:.2f}")
    print(f"  + every offending row (GX unexpected_index_query): {ft:.2f} s   "
          f"ratio incl. failures {(gxt + ft) / base:.2f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (after data generation: {rss_before:.0f} MB)")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.platform()}, "
          f"Python {platform.python_version()}, duckdb {duckdb.__version__}, "
          f"great_expectations {gx_pkg.__version__}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
