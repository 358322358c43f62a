"""The bypass corpus: hostile statements against a live grant of household_register (西溪街道
rows, masked). Each is refused with QueryRefused, or answered without one byte beyond the grant:
no raw identifier, name, birth date, household number or street address, and no row of another
street appears in the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from access import artifacts, audit, gateway
from access.errors import QueryFailed, QueryRefused
from tests.support.access_world import (
    BEISHAN,
    BEISHAN_COMMUNITY,
    build_city,
    grant_through,
    household_rows,
    household_scope,
    shared_home,
)

RAW = "{home}/exports/household_register/snapshots/S1/part-0.parquet"

REFUSED = [
    # several statements, or not a SELECT
    "SELECT * FROM household_register; SELECT 1",
    "SELECT 1; DROP TABLE household_register",
    "FROM household_register; FROM household_register",
    "SELECT * FROM household_register /* ; */ ; SELECT 1",
    "SELECT 1 -- harmless\n; ATTACH 'x.db'",
    "DROP TABLE household_register",
    "INSERT INTO household_register (sex) VALUES ('男')",
    "CREATE VIEW v AS SELECT 1",
    "ATTACH '{home}/control.db' AS ctl",
    "COPY (SELECT * FROM household_register) TO '{home}/leak.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "PRAGMA version",
    "DESCRIBE household_register",
    "SUMMARIZE household_register",
    "EXPLAIN SELECT * FROM household_register",
    "SELECT * INTO copy_of FROM household_register",
    # table functions and bare paths
    f"SELECT * FROM read_parquet('{RAW}')",
    f"SELECT * FROM '{RAW}'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM query('SELECT 1')",
    "SELECT * FROM query_table('household_register')",
    f"SELECT * FROM parquet_metadata('{RAW}')",
    "SELECT * FROM range(10)",
    "SELECT * FROM unnest([1, 2])",
    "SELECT * FROM household_register, LATERAL (SELECT 1)",
    "SELECT * FROM duckdb_settings()",
    "SELECT current_setting('allowed_paths')",
    "SELECT getvariable('x')",
    # relations outside the grant
    "SELECT * FROM grid_event",
    "SELECT * FROM main.household_register",
    "SELECT * FROM memory.main.household_register",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM household_register_raw",
    # struct-of-row and COLUMNS()
    "SELECT household_register FROM household_register",
    "SELECT h FROM household_register h",
    "SELECT struct_pack(h.*) FROM household_register h",
    "SELECT row(h.*) FROM household_register h",
    "SELECT to_json(h) FROM household_register h",
    "SELECT COLUMNS('.*') FROM household_register",
    "SELECT COLUMNS(*) FROM household_register",
    "SELECT count(h.*) FROM household_register h",
    "SELECT (SELECT h) FROM household_register h",
    "SELECT list(h) FROM household_register h",
    "SELECT h::VARCHAR FROM household_register h",
    "SELECT count(*) FROM household_register h GROUP BY h",
    "SELECT [h.*] FROM household_register h",
    "SELECT hr FROM (SELECT * FROM household_register) hr",
    "WITH q AS (SELECT * FROM household_register) SELECT q FROM q",
    # name clashes
    "WITH household_register AS (SELECT 1 AS x) SELECT * FROM household_register",
    "WITH a AS (SELECT 1 AS x), a AS (SELECT 2 AS x) SELECT * FROM a",
    "SELECT * FROM (SELECT 1 AS x) AS household_register",
    # columns outside the grant (the row-scope column is filtered on, never shown)
    "SELECT street_code FROM household_register",
    "SELECT phone FROM household_register",
    "SELECT house_code FROM household_register",
    # parameters, recursion, quoting and Unicode tricks
    "SELECT * FROM household_register WHERE name = $1",
    "SELECT * FROM household_register WHERE name = ?",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
    'SELECT * FROM "household_register""; SELECT 1"',
    "SELECT * FROM ｈｏｕｓｅｈｏｌｄ_register",
    "SELECT * FROM household_register\x00; SELECT 1",
    "SELECT * FROM household_register\u2028; SELECT 1",
    "SELECT * FROM household_register AT (VERSION => 1)",
    "",
    "   ",
    # relations reached from inside subqueries and set operations
    "SELECT * FROM household_register h, grid_event g",
    "SELECT name FROM household_register WHERE name IN (SELECT name FROM duckdb_tables())",
    "SELECT * FROM household_register WHERE exists(SELECT * FROM information_schema.columns)",
    "SELECT sex FROM household_register UNION SELECT category FROM grid_event",
    "SELECT query('SELECT 1')",
    "SELECT typeof(name), current_setting('threads') FROM household_register",
    "PIVOT household_register ON sex USING count(*)",
    "SELECT * FROM household_register --\r\n; SELECT 1",
    # nesting and size beyond what the parsers read without exhausting the stack
    "SELECT " + "(" * 60 + "1" + ")" * 60,
    "SELECT " + "NOT " * 200 + "true",
    "SELECT " + "CASE WHEN true THEN " * 80 + "1" + " END" * 80,
    "SELECT " + "(SELECT " * 80 + "1" + ")" * 80,
    "SELECT " + "+".join(["1"] * 900),
    "SELECT name FROM household_register WHERE " + " OR ".join(f"name = '{i}'" for i in range(300)),
    "SELECT '" + "x" * 30_000 + "'",
    # CTE names resolve by scope: one defined inside a subquery is not visible outside it
    f'SELECT * FROM (WITH "{RAW}" AS (SELECT 1 AS x) SELECT x FROM "{RAW}"), "{RAW}"',
    'SELECT * FROM (WITH q AS (SELECT sex FROM household_register) SELECT * FROM q) a, q',
    # sizes of built values are bounded constants
    "SELECT max(length(repeat(resident_id, 100000000))) FROM household_register",
    "SELECT list_sum(list_resize([1], 300000000, 1))",
    "SELECT levenshtein(repeat('a', 100000), repeat('b', 100000))",
    "SELECT repeat(name, length(address) * 1000) FROM household_register",
    "SELECT lpad(name, 50000000, '*') FROM household_register",
]

_ROWS = household_rows()
_LEAKS = sorted(
    {r["resident_id"] for r in _ROWS}
    | {r["name"] for r in _ROWS}
    | {r["household_id"] for r in _ROWS}
    | {r["birth_date"].isoformat() for r in _ROWS}
    | {"文一路", "3幢", "301室", BEISHAN, BEISHAN_COMMUNITY, "北山"}
)
XIXI_ROWS = sum(1 for r in _ROWS if r["street_code"] != BEISHAN)

ANSWERED = [
    # (statement, expected row count or None)
    ("SELECT * FROM household_register", XIXI_ROWS),
    ("select * from HOUSEHOLD_REGISTER", XIXI_ROWS),
    ('SELECT "NAME", "Resident_Id" FROM "Household_Register"', XIXI_ROWS),
    ("FROM household_register", XIXI_ROWS),
    ("SELECT * FROM household_register WHERE name = '张小明'", 0),
    ("SELECT * FROM household_register WHERE name LIKE '%小%'", 0),
    (f"SELECT * FROM household_register WHERE resident_id = '{_ROWS[1]['resident_id']}'", 0),
    ("SELECT * FROM household_register WHERE resident_id LIKE '3301061951%'", 0),
    ("SELECT * FROM household_register WHERE substr(resident_id, 7, 8) = '19510202'", 0),
    ("SELECT * FROM household_register WHERE household_id = 'HH00001'", 0),
    ("SELECT * FROM household_register WHERE address LIKE '%文一路%'", 0),
    (f"SELECT * FROM household_register WHERE community_code = '{BEISHAN_COMMUNITY}'", 0),
    ("SELECT * FROM household_register WHERE community_code LIKE '330106002%'", 0),
    ("SELECT * FROM household_register WHERE birth_date = 1951", None),
    ("WITH x AS (SELECT * FROM household_register) SELECT * FROM x", XIXI_ROWS),
    ("SELECT * FROM (SELECT * FROM household_register) AS grid_event", XIXI_ROWS),
    ("SELECT * FROM household_register UNION ALL SELECT * FROM household_register", 2 * XIXI_ROWS),
    (
        "SELECT a.name, b.name FROM household_register a JOIN household_register b"
        " ON a.household_id = b.household_id",
        None,
    ),
    ("SELECT * FROM household_register /* comment ; DROP */ WHERE 1 = 1 -- trailing", XIXI_ROWS),
    ("SELECT max(resident_id), min(name), string_agg(address, ',') FROM household_register", 1),
    ("SELECT * EXCLUDE (name) FROM household_register", XIXI_ROWS),
    ("SELECT h.* FROM household_register h", XIXI_ROWS),
    ("SELECT 1 AS x /* a /* nested */ SELECT * FROM grid_event */", 1),
    ("SELECT $$grid_event$$ AS x FROM household_register LIMIT 1", 1),
    ("SELECT #1, #2 FROM household_register", XIXI_ROWS),
    ("SELECT * FROM household_register POSITIONAL JOIN household_register", XIXI_ROWS),
    ("SELECT * REPLACE (name AS sex) FROM household_register", XIXI_ROWS),
    ("SELECT list(name), list(household_id), list(resident_id) FROM household_register", 1),
    ("SELECT name FROM household_register QUALIFY row_number() OVER () = 1", 1),
    (
        "SELECT count(*) FROM household_register WHERE household_id IN"
        " (SELECT household_id FROM household_register WHERE sex = '男')",
        1,
    ),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: Any) -> Iterator[tuple[str, Path]]:
    """One grant for the whole corpus (queries do not change it; each adds audit rows only)."""
    with shared_home(tmp_path_factory) as home:
        build_city()
        yield grant_through(household_scope()), home


@pytest.mark.parametrize("sql", REFUSED, ids=range(len(REFUSED)))
def test_refused(world: tuple[str, Path], sql: str) -> None:
    grant, home = world
    before = len(audit.events(grant))
    with pytest.raises(QueryRefused):
        gateway.query(grant, sql.replace("{home}", str(home)), "chen")
    [event] = audit.events(grant)[before:]  # exactly one audit row per attempt
    assert event["outcome"] == "refused" and event["reason"].startswith("refused: ")


@pytest.mark.parametrize(("sql", "rows"), ANSWERED, ids=range(len(ANSWERED)))
def test_answered_within_grant(world: tuple[str, Path], sql: str, rows: int | None) -> None:
    result = gateway.query(world[0], sql, "chen")
    if rows is not None:
        assert result.table.num_rows == rows
    text = repr(result.table.to_pylist())
    leaked = [v for v in _LEAKS if v in text]
    assert not leaked, f"{sql!r} leaked {leaked}"
    assert set(result.rewritten.relations) <= {"household_register"}
    assert ("READ_PARQUET" in result.rewritten.sql) == bool(result.rewritten.relations)


def test_corpus_is_large_enough() -> None:
    assert len(REFUSED) + len(ANSWERED) >= 40


def test_runaway_statement_is_interrupted(world: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_GATEWAY_TIMEOUT", "0.5")
    bomb = ("SELECT t0.sex FROM " + ", ".join(f"household_register t{i}" for i in range(7))
            + " WHERE t0.name || t6.name = 'x'")
    with pytest.raises(QueryFailed, match="longer than"):
        gateway.query(world[0], bomb, "chen")
    monkeypatch.setenv("SHUCANG_GATEWAY_TIMEOUT", "60")  # the killed worker is replaced
    assert gateway.query(world[0], "SELECT sex FROM household_register LIMIT 1", "chen").table.num_rows == 1


def test_a_statement_beyond_the_memory_limit_fails_in_its_worker(
    world: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's address space is limited by the OS; the statement fails there, the gateway
    (this process) stays up and answers the next query from a fresh worker."""
    monkeypatch.setenv("SHUCANG_GATEWAY_MEMORY", "256MB")
    monkeypatch.setenv("SHUCANG_GATEWAY_ADDRESS_SPACE", "1400MB")
    hog = ("SELECT repeat(a.name, 10000) || repeat(b.name, 10000) || repeat(c.name, 10000) AS v"
           " FROM household_register a, household_register b, household_register c ORDER BY v")
    with pytest.raises(QueryFailed, match="memory"):
        gateway.query(world[0], hog, "chen")
    assert gateway.query(world[0], "SELECT count(*) AS n FROM household_register", "chen").table.to_pylist() == [{"n": 40}]


LOCKED_SETTINGS = [
    ("enable_external_access", "false"),
    ("lock_configuration", "true"),
    ("autoload_known_extensions", "false"),
    ("autoinstall_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("python_enable_replacements", "false"),
]


@pytest.mark.parametrize(("name", "value"), LOCKED_SETTINGS)
def test_gateway_database_is_locked(world: tuple[str, Path], name: str, value: str) -> None:
    grant, _ = world
    files = [
        str(p) for p in artifacts.files_of(grant, artifacts.verified_manifest(grant), "household_register")
    ]
    con = gateway.locked_connection(files)
    row = con.execute("SELECT value FROM duckdb_settings() WHERE name = ?", [name]).fetchone()
    assert row is not None and row[0] == value
    assert con.execute("SELECT current_setting('allowed_paths')").fetchone() == (files,)
    [(spill,)] = con.execute("SELECT current_setting('allowed_directories')").fetchall()
    assert len(spill) == 1 and Path(spill[0]).parent == gateway.spill_root()
    assert list(Path(spill[0]).iterdir()) == []


ESCAPES = [
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET allowed_paths = ['/']",
    "SELECT * FROM read_parquet('{raw}')",
    "ATTACH '{home}/control.db' AS c",
    "COPY (SELECT 1) TO '{home}/out.csv'",
    "INSTALL httpfs",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_locked_database_resists_direct_statements(world: tuple[str, Path], sql: str) -> None:
    """Even a statement that got past the guard could not leave the grant's files."""
    grant, home = world
    files = [
        str(p) for p in artifacts.files_of(grant, artifacts.verified_manifest(grant), "household_register")
    ]
    con = gateway.locked_connection(files)
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(raw=RAW.format(home=home), home=home)).fetchall()


# (statement, {row key: expected figure}); a group of fewer than 5 records is not returned at all.
# 西溪街道 has two communities of 20 residents each (石灰桥 = the men, 下马塍 = the women); 4 are
# named 张 (all in 石灰桥, households HH00001...), 4 王 (all in 下马塍).
ZHANG = "FROM household_register WHERE name LIKE '张%'"
SUPPRESSION = [
    ("SELECT community_code AS k, count(*) AS n FROM household_register GROUP BY community_code",
     {"330106004053": 20, "330106004055": 20}),
    (f"SELECT community_code AS k, count(*) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, count(*) AS n {ZHANG} GROUP BY ALL", {}),
    ("SELECT address AS k, count(*) AS n FROM household_register WHERE sex = '男' GROUP BY address",
     {"西湖区西溪街道石灰桥社区": 20}),
    # every expression that computes the figure, not only a literal count(...)
    (f"SELECT community_code AS k, count(*) + 0 AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, CAST(count(*) AS INTEGER) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, count_star() AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, count_if(true) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, len(list(name)) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, list_count(list(name)) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, approx_count_distinct(name) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, sum(1) AS n {ZHANG} GROUP BY 1", {}),
    (f"SELECT community_code AS k, count(*) AS n {ZHANG} GROUP BY 1 HAVING count(*) = 4", {}),
    (f"SELECT 'all' AS k, count(*) AS n {ZHANG}", {}),
    (f"SELECT 'all' AS k, (SELECT count(*) {ZHANG}) AS n", {"all": None}),
    (f"SELECT sex AS k, count(*) AS n {ZHANG} GROUP BY sex", {}),  # any grouping, any level
    # renaming the community column in a subquery or CTE changes nothing
    ("SELECT k, n FROM (SELECT community_code AS k, count(DISTINCT household_id) AS n"
     " FROM household_register WHERE name LIKE '王%' GROUP BY 1)", {}),
    ("SELECT x AS k, count(*) AS n FROM (SELECT community_code AS x, name FROM household_register)"
     " WHERE name LIKE '张%' GROUP BY 1", {}),
    (f"WITH z AS (SELECT community_code AS c {ZHANG}) SELECT c AS k, count(*) AS n FROM z GROUP BY 1", {}),
    # windows: the partition is held to the threshold
    (f"SELECT DISTINCT community_code AS k, count(*) OVER (PARTITION BY community_code) AS n {ZHANG}", {}),
    ("SELECT DISTINCT community_code AS k, count(*) OVER (PARTITION BY community_code) AS n"
     " FROM household_register", {"330106004053": 20, "330106004055": 20}),
    # figures of groups that pass are shown, and aggregates of passing cells too
    ("SELECT 'max' AS k, max(n) AS n FROM (SELECT community_code, count(*) AS n"
     " FROM household_register GROUP BY 1)", {"max": 20}),
]


@pytest.mark.parametrize(("sql", "expected"), SUPPRESSION, ids=range(len(SUPPRESSION)))
def test_small_cell_suppression(world: tuple[str, Path], sql: str, expected: dict[str, int | None]) -> None:
    rows = gateway.query(world[0], sql, "chen").table.to_pylist()
    assert {r["k"]: r["n"] for r in rows} == expected


# Constructs that count a subset inside one group, or whose rows may repeat a record, are refused.
SUPPRESSION_REFUSED = [
    f"SELECT community_code, count(*) FILTER (WHERE true) {ZHANG} GROUP BY 1",
    "SELECT count(*) FILTER (WHERE name LIKE '张%') FROM household_register",
    "SELECT sum(CASE WHEN name LIKE '张%' THEN 1 ELSE 0 END) FROM household_register",
    "SELECT count_if(name LIKE '张%') FROM household_register",
    "SELECT count(nullif(community_code, '330106004053')) FROM household_register",
    "SELECT histogram(community_code) FROM household_register",
    "SELECT community_code, count(*) OVER (ORDER BY community_code) FROM household_register",
    "SELECT count(*) OVER (ORDER BY name ROWS BETWEEN CURRENT ROW AND CURRENT ROW) FROM household_register",
    # inflation: a self-join or a UNION ALL repeats each record
    "SELECT a.community_code, count(*) FROM household_register a JOIN household_register b"
    " ON a.community_code = b.community_code WHERE a.name LIKE '张%' GROUP BY 1",
    f"SELECT community_code, count(*) FROM (SELECT * {ZHANG} UNION ALL SELECT * {ZHANG}"
    f" UNION ALL SELECT * {ZHANG}) GROUP BY 1",
    "WITH j AS (SELECT a.community_code FROM household_register a, household_register b)"
    " SELECT community_code, count(*) FROM j GROUP BY 1",
]


@pytest.mark.parametrize("sql", SUPPRESSION_REFUSED, ids=range(len(SUPPRESSION_REFUSED)))
def test_suppression_refuses_what_it_cannot_hold(world: tuple[str, Path], sql: str) -> None:
    with pytest.raises(QueryRefused):
        gateway.query(world[0], sql, "chen")


# A grant whose purpose is statistics (统计) returns aggregate figures only.
STATISTICS = [
    ("SELECT community_code, count(*) AS n FROM household_register GROUP BY 1", 2),
    ("SELECT k, n FROM (SELECT community_code AS k, count(*) AS n FROM household_register GROUP BY 1)", 2),
    ("SELECT count(*) AS n FROM household_register", 1),
    ("SELECT * FROM household_register", None),
    ("SELECT DISTINCT community_code FROM household_register", None),
    ("SELECT community_code, list(name) FROM household_register GROUP BY 1", None),
    ("SELECT community_code, string_agg(name, ',') FROM household_register GROUP BY 1", None),
    ("SELECT name, count(*) OVER (PARTITION BY community_code) FROM household_register", None),
    ("SELECT name, (SELECT count(*) FROM household_register) FROM household_register", None),
]


@pytest.fixture(scope="module")
def statistics_grant(world: tuple[str, Path]) -> str:
    return grant_through(household_scope(), purpose="辖区人口统计")


@pytest.mark.parametrize(("sql", "rows"), STATISTICS, ids=range(len(STATISTICS)))
def test_statistics_grant_returns_aggregates_only(statistics_grant: str, sql: str, rows: int | None) -> None:
    if rows is None:
        with pytest.raises(QueryRefused, match="统计"):
            gateway.query(statistics_grant, sql, "chen")
    else:
        assert gateway.query(statistics_grant, sql, "chen").table.num_rows == rows


def test_concurrent_queries_share_the_locked_database(world: tuple[str, Path]) -> None:
    """The portal answers in a thread pool: queries on one grant at once all get their answer."""
    from concurrent.futures import ThreadPoolExecutor

    sql = "SELECT community_code, count(*) AS n FROM household_register GROUP BY 1 ORDER BY 1"
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: gateway.query(world[0], sql, "chen").table.to_pylist(), range(24)))
    assert all(a == answers[0] for a in answers) and [r["n"] for r in answers[0]] == [20, 20]
