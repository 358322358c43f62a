"""Gateway benchmark: analyst queries through the access gateway (grant check, signed-manifest and
file-hash verification, sqlglot + DuckDB-parser guard, rewrite onto the grant's subquery with
small-cell suppression, a worker process of the pool running a locked DuckDB, audit row) against
the same queries run directly on the grant's artifact file by a bare DuckDB connection in the same
process. Also times compiling the grant artifact (masks included)
against a bare DuckDB COPY of the same rows and columns without masks. Goal: query ratio <= 1.2.

    uv run python benchmarks/gateway.py --rows 4000000 --streets 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = {
    "count by community": "SELECT community_code, count(*) AS n FROM household_register GROUP BY 1",
    "sex x birth year": "SELECT sex, birth_date, count(*) AS n FROM household_register"
                        " GROUP BY ALL ORDER BY 2, 1",
    "crowded birth years": "SELECT birth_date, count(*) AS n FROM household_register"
                           " GROUP BY 1 HAVING count(*) >= 5 ORDER BY 2 DESC, 1 LIMIT 20",
    "filtered rows": "SELECT * FROM household_register WHERE name LIKE '张%'"
                     " AND birth_date BETWEEN 1950 AND 1960 LIMIT 1000",
    "distinct households": "SELECT count(DISTINCT household_id) AS households, count(*) AS people"
                           " FROM household_register",
}
COLUMNS = {"resident_id": "resident_id", "name": "name", "sex": None, "birth_date": "date_year",
           "household_id": "pseudonym", "address": "address_community", "community_code": None}


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.machine()}, Python "
            f"{platform.python_version()}, duckdb {duckdb.__version__}, sqlglot {sqlglot.__version__}"
            f", load average {os.getloadavg()[0]:.1f}")


def publish_household(rows: int, streets: list[str]) -> Path:
    """A household_register snapshot of `rows` residents spread over `streets` (real NBS codes)."""
    from access import divisions
    from contracts.contract import load_contracts
    from contracts.schema import published_schema
    from foundation.sql import literal_list
    from warehouse.manifest import contract_fields
    from warehouse.snapshots import Query, publish_snapshot

    communities = [c for c in divisions.community_names() if c[:9] in streets]
    contract = load_contracts()["household_register"]
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP VIEW households AS
        WITH c AS (SELECT unnest({literal_list(communities)}::VARCHAR[]) AS community_code)
        SELECT '330106' || (1940 + i % 70)::VARCHAR || lpad((1 + i % 12)::VARCHAR, 2, '0')
                 || lpad((1 + i % 28)::VARCHAR, 2, '0') || lpad((i % 10000)::VARCHAR, 4, '0')
                 AS resident_id,
               (['张','王','李','赵','刘','陈','杨','黄','周','吴'])[1 + i % 10] || '某'
                 || (['明','红','华','强'])[1 + i % 4] AS name,
               (['男','女'])[1 + i % 2] AS sex,
               DATE '1940-01-01' + (i % 25000)::INTEGER AS birth_date,
               'HH' || lpad((i // 3)::VARCHAR, 8, '0') AS household_id,
               (['户主','配偶','子女'])[1 + i % 3] AS relation,
               '杭州市西湖区某街道文一路' || (i % 900)::VARCHAR || '号' || (i % 30)::VARCHAR || '幢'
                 AS address,
               TIMESTAMPTZ '2026-11-01 08:00:00+00' AS updated_at, 'L1' AS _load_id,
               '330106' AS district_code, left(cc.community_code, 9) AS street_code,
               cc.community_code, cc.community_code || lpad((i % 30)::VARCHAR, 4, '0')
                 AS building_code, NULL::VARCHAR AS house_code, 120.1 AS lon, 30.2 AS lat,
               'building' AS match_level, 0.95 AS match_confidence
        FROM range({rows}) t(i)
        JOIN (SELECT community_code, row_number() OVER (ORDER BY community_code) - 1 AS k
              FROM c) cc ON cc.k = i % {len(communities)}""")
    manifest = publish_snapshot(contract_fields(contract), Query(con, "SELECT * FROM households"),
                                declared=published_schema(contract)).manifest
    con.close()
    return manifest.paths()[0]


def paired(direct, gateway, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall times (ms) of `repeat` runs of each, after one warm-up each. The two are
    interleaved run by run so load from other processes falls on both alike."""
    direct(), gateway()
    d, g = [], []
    for _ in range(repeat):
        for fn, runs in ((direct, d), (gateway, g)):
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(d), statistics.median(g)


def profile_fixed_cost(run) -> None:  # type: ignore[no-untyped-def]
    """cProfile of 50 runs of `run`: the functions that take the fixed cost, by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(50):
        run()
    profiler.disable()
    print("\nwhere the fixed cost goes (50 trivial queries, cumulative ms per query):")
    stats = pstats.Stats(profiler)
    rows = []
    for (file, _line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "/access/" in file:
            rows.append((cumulative * 1000 / 50, f"{Path(file).parent.name}/{Path(file).name}:{name}"))
    for ms, where in sorted(rows, reverse=True)[:20]:
        print(f"  {ms:8.2f}  {where}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=4_000_000, help="residents published")
    ap.add_argument("--streets", type=int, default=2, help="streets they live in (the grant is one)")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--profile", action="store_true",
                    help="also print where the per-query fixed cost goes (cProfile of 50 trivial queries)")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="shucang-gateway-bench-"))
    os.environ["SHUCANG_HOME"] = str(home)
    os.environ.pop("SHUCANG_CONTROL_URL", None)
    from access import artifacts, divisions, gateway, orgs, workflow
    from access.artifacts import select_sql
    from access.scope import DatasetScope, Scope
    from foundation.sql import path
    from warehouse.manifest import current_relation

    streets = sorted({c[:9] for c in divisions.community_names() if c.startswith("330106")})
    streets = streets[: args.streets]
    start = time.perf_counter()
    publish_household(args.rows, streets)
    print(f"published {args.rows:,} residents over {len(streets)} streets in "
          f"{time.perf_counter() - start:.1f} s")

    orgs.create_org("bureau", "市数据资源管理局", "bureau")
    orgs.create_org("psb", "省公安厅", "department")
    orgs.create_org("street", divisions.division(streets[0]).name, "street", streets[0])
    orgs.create_user("wang", "wang", "bureau", "reviewer")
    orgs.create_user("li", "li", "psb", "reviewer")
    orgs.create_user("chen", "chen", "street", "analyst")
    scope = Scope(datasets={"household_register": DatasetScope(
        columns=COLUMNS, rows={"street_code": streets[0]})},
        start=dt.date.today(), end=dt.date.today() + dt.timedelta(days=30))
    rid = workflow.submit("chen", "基准测试", "基准", scope)
    workflow.bureau_review(rid, "wang", approve=True)
    start = time.perf_counter()
    workflow.decide(rid, "li", "approved")  # compiles the artifact
    build_ms = (time.perf_counter() - start) * 1000
    grant_id = workflow.show(rid)["grant"]["grant_id"]
    manifest = artifacts.verified_manifest(grant_id)
    granted_rows = manifest["datasets"]["household_register"]["rows"]

    plain = DatasetScope(columns={c: None for c in COLUMNS}, rows={"street_code": streets[0]})
    bare_sql = select_sql(plain, current_relation("household_register"), {"community_code"})
    out = home / "bare.parquet"
    start = time.perf_counter()
    duckdb.connect().execute(f"COPY ({bare_sql}) TO {path(out)} (FORMAT parquet, COMPRESSION zstd)")
    bare_build_ms = (time.perf_counter() - start) * 1000

    [artifact] = artifacts.files_of(grant_id, manifest, "household_register")
    direct = duckdb.connect()
    direct.execute(f"CREATE VIEW household_register AS SELECT * FROM read_parquet({path(artifact)})")

    print(f"\ngrant {grant_id}: {granted_rows:,} rows of street {streets[0]}, "
          f"{len(COLUMNS)} columns, 5 masks")
    print(f"artifact build: {build_ms:,.0f} ms (masked) vs bare COPY without masks "
          f"{bare_build_ms:,.0f} ms: ratio {build_ms / bare_build_ms:.2f}")
    print(f"\n{'query':<22}{'direct ms':>11}{'gateway ms':>12}{'ratio':>8}{'rows':>8}")
    total_direct = total_gateway = 0.0
    for label, sql in QUERIES.items():
        d, g = paired(lambda sql=sql: direct.sql(sql).to_arrow_table(),
                      lambda sql=sql: gateway.query(grant_id, sql, "chen"), args.repeat)
        rows = gateway.query(grant_id, sql, "chen").table.num_rows
        check = direct.sql(sql).to_arrow_table().num_rows
        assert rows == check, f"{label}: gateway {rows} rows, direct {check}"
        total_direct, total_gateway = total_direct + d, total_gateway + g
        print(f"{label:<22}{d:>11.1f}{g:>12.1f}{g / d:>8.2f}{rows:>8}")
    print(f"{'all queries':<22}{total_direct:>11.1f}{total_gateway:>12.1f}"
          f"{total_gateway / total_direct:>8.2f}   (goal <= 1.2)")
    trivial = "SELECT sex FROM household_register LIMIT 1"
    d, g = paired(lambda: direct.sql(trivial).to_arrow_table(),
                  lambda: gateway.query(grant_id, trivial, "chen"), args.repeat)
    print(f"per-query fixed cost (grant check, guard, worker round trip, audit row): {g - d:.1f} ms"
          f" ({trivial!r}: direct {d:.1f} ms, gateway {g:.1f} ms)")
    if args.profile:
        profile_fixed_cost(lambda: gateway.query(grant_id, trivial, "chen"))
    print(f"\nmachine: {machine()}")


if __name__ == "__main__":
    main()
