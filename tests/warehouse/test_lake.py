"""The table format: an upsert writes the increment and a delete file, never the dataset again;
old snapshots stay readable by their manifests (time travel) until retention lets them go; the
catalog works on PostgreSQL with writers in several processes at once; a home made before the lake
is migrated with its rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from foundation.files import sha256_file
from tests.conftest import postgres_url
from warehouse import lake
from warehouse.manifest import Manifest, ManifestFields, dataset_dir, read_manifest
from warehouse.migrate import migrate_home
from warehouse.snapshots import Query, publish_snapshot
from warehouse.views import VIEWS_TABLE, warehouse_file

FIELDS = ManifestFields(dataset="lake_probe", kind="feed", title="probe", tier="district", owner="区数据局",
                        category="事件/网格事件", grade="L2", sharing="有条件共享", opening="受限开放",
                        update_frequency="daily", primary_key=["id"])


def _rows(ids: range | list[int], tag: str) -> pa.Table:
    ids = list(ids)
    return pa.table({"id": ids, "v": [f"{tag}{i}" for i in ids]})


def _live(m: Manifest) -> dict[int, str]:
    return dict(duckdb.sql(f"SELECT id, v FROM {m.relation()}").fetchall())


def test_an_upsert_writes_the_increment_not_the_dataset(home: Path) -> None:
    first = publish_snapshot(FIELDS, _rows(range(1000), "a"), key=["id"]).manifest
    second = publish_snapshot(FIELDS, _rows([*range(0, 20, 2), *range(1000, 1010)], "b"), key=["id"]).manifest
    assert (first.rows, second.rows) == (1000, 1010)
    base, added = second.files
    assert base.model_dump(exclude={"deletes"}) == first.files[0].model_dump(exclude={"deletes"})  # not rewritten
    assert base.deletes is not None and base.deletes.rows == 10 and added.rows == 20
    live = _live(second)
    assert len(live) == 1010 and live[2] == "b2" and live[3] == "a3" and live[1005] == "b1005"
    assert _live(read_manifest(FIELDS.dataset, snapshot_id=first.snapshot_id)) == {i: f"a{i}" for i in range(1000)}


def test_a_column_the_dataset_gains_is_null_in_earlier_rows(home: Path) -> None:
    publish_snapshot(FIELDS, _rows(range(3), "a"), key=["id"])
    grown = _rows([2, 3], "b").append_column("w", pa.array([1.5, 2.5]))
    m = publish_snapshot(FIELDS, grown, key=["id"]).manifest
    got = duckdb.sql(f"SELECT id, v, w FROM {m.relation()} ORDER BY id").fetchall()
    assert got == [(0, "a0", None), (1, "a1", None), (2, "b2", 1.5), (3, "b3", 2.5)]
    assert [c.name for c in m.columns] == ["id", "v", "w"]


def test_without_a_key_the_rows_replace_the_dataset(home: Path) -> None:
    publish_snapshot(FIELDS, _rows(range(5), "a"), key=["id"])
    m = publish_snapshot(FIELDS, _rows([7], "z")).manifest
    assert _live(m) == {7: "z7"} and all(f.deletes is None for f in m.files)


def test_an_old_snapshot_is_readable_until_retention_lets_it_go(home: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_KEEP_SNAPSHOTS", "2")
    ms = [publish_snapshot(FIELDS, _rows(range(100), t), key=["id"]).manifest for t in "abc"]
    assert _live(read_manifest(FIELDS.dataset, snapshot_id=ms[1].snapshot_id))[0] == "b0"
    assert not (dataset_dir(FIELDS.dataset) / "snapshots" / f"{ms[0].snapshot_id}.json").exists()
    assert not any(p.exists() for p in ms[0].paths())  # its files went with it
    assert _live(read_manifest(FIELDS.dataset))[99] == "c99"


def test_kept_snapshots_read_as_before_when_later_upserts_delete_from_the_same_file(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # each delete from the base file makes the lake write a new delete file and retire the old one
    monkeypatch.setenv("SHUCANG_KEEP_SNAPSHOTS", "3")
    ms = [publish_snapshot(FIELDS, _rows(range(100), "a"), key=["id"]).manifest]
    ms += [publish_snapshot(FIELDS, _rows([i], f"u{i}-"), key=["id"]).manifest for i in range(5)]
    for kept in ms[-3:]:
        assert _live(read_manifest(FIELDS.dataset, snapshot_id=kept.snapshot_id)) == _live(kept)
        assert kept.files[0].deletes is not None and kept.files[0].deletes.path.startswith("deletes/")
    links = {p.name for p in (dataset_dir(FIELDS.dataset) / "deletes").iterdir()}
    assert links == {Path(m.files[0].deletes.path).name for m in ms[-3:]}  # older ones went


def test_a_file_query_and_a_query_on_another_connection_publish_alike(home: Path) -> None:
    data = home / "in.parquet"
    duckdb.sql(f"COPY (SELECT range AS id, 'f' || range AS v FROM range(4)) TO '{data}'")
    by_file = publish_snapshot(FIELDS, data, key=["id"]).manifest
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range + 2 AS id, 'q' || (range + 2) AS v FROM range(4)")
    by_query = publish_snapshot(FIELDS, Query(con, "SELECT * FROM t"), key=["id"]).manifest
    assert _live(by_file) == {i: f"f{i}" for i in range(4)}
    assert _live(by_query) == {0: "f0", 1: "f1", 2: "q2", 3: "q3", 4: "q4", 5: "q5"}


@pytest.fixture
def pg_catalog(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A DuckLake catalog in its own PostgreSQL database (dropped afterwards)."""
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL on 127.0.0.1:5432 is not running")
    import psycopg

    name = f"lake_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    monkeypatch.setenv("SHUCANG_LAKE_CATALOG", f"postgres:host=127.0.0.1 port=5432 user=postgres dbname={name}")
    try:
        yield name
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


WRITER = """
import sys
import pyarrow as pa
from warehouse.manifest import ManifestFields
from warehouse.snapshots import publish_snapshot
fields = ManifestFields.model_validate_json(sys.argv[1]).model_copy(update={"dataset": sys.argv[2]})
for n in range(3):
    ids = list(range(n * 10, n * 10 + 50))
    publish_snapshot(fields, pa.table({"id": ids, "v": [f"{sys.argv[2]}{n}"] * 50}), key=["id"])
"""


def _writers(home: Path, datasets: list[str]) -> None:
    env = {**os.environ, "SHUCANG_LAKE_DATA": str(home / "lake")}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, FIELDS.model_dump_json(), d], env=env,
                              stderr=subprocess.PIPE, text=True) for d in datasets]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), errors
    for d in datasets:
        m = read_manifest(d)
        assert m.rows == 70 and _live(m)[69] == f"{d}2" and _live(m)[0] == f"{d}0"


def test_writers_in_several_processes_on_a_file_catalog(home: Path) -> None:
    _writers(home, ["lake_a", "lake_b", "lake_c"])


def test_writers_in_several_processes_on_a_postgresql_catalog(home: Path, pg_catalog: str) -> None:
    assert lake.location().on_postgres
    _writers(home, ["lake_a", "lake_b"])
    with lake.connect() as con:  # the tables are in PostgreSQL, the files under SHUCANG_LAKE_DATA
        assert lake.exists(con, "lake_a") and lake.exists(con, "lake_b")
    assert not (home / "lake.ducklake").exists()


def _main_home(home: Path) -> Manifest:
    """A dataset published the way shucang wrote it before the lake: one Parquet file in
    snapshots/<id>/ and a version-2 manifest naming it."""
    sid = "20261201T000000000000-0a1b2c3d"
    part = dataset_dir(FIELDS.dataset) / "snapshots" / sid / "part-0.parquet"
    part.parent.mkdir(parents=True)
    duckdb.sql(f"COPY (SELECT range AS id, 'm' || range AS v FROM range(50)) TO '{part}' (FORMAT parquet)")
    raw = {"schema_version": 2, **FIELDS.model_dump(mode="json"), "snapshot_id": sid,
           "published_at": "2026-12-01T00:00:00+00:00", "rows": 50,
           "files": [{"path": f"snapshots/{sid}/part-0.parquet", "rows": 50, "bytes": part.stat().st_size,
                      "sha256": sha256_file(part)}],
           "schema": [{"name": "id", "type": "BIGINT"}, {"name": "v", "type": "VARCHAR"}], "load_ids": []}
    raw["schema"] = [{**c, "title": c["name"], "grade": "L1", "pii": None, "mask": None,
                      "category": FIELDS.category, "tier": "district", "owner": FIELDS.owner,
                      "address_granularity": None, "update_frequency": "daily", "importance": "一般"}
                     for c in raw["schema"]]
    (dataset_dir(FIELDS.dataset) / "manifest.json").write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    return read_manifest(FIELDS.dataset)


def test_a_home_made_before_the_lake_is_migrated_with_its_rows(home: Path) -> None:
    old = _main_home(home)
    rows = _live(old)
    assert old.lake_version is None and rows == {i: f"m{i}" for i in range(50)}
    (moved,) = migrate_home()
    new = read_manifest(FIELDS.dataset)
    assert (moved.dataset, moved.rows, moved.replaced, moved.snapshot_id) == (
        FIELDS.dataset, 50, old.snapshot_id, new.snapshot_id)
    assert new.lake_version is not None and _live(new) == rows
    assert new.column("v").title == "v" and new.primary_key == ["id"]
    assert not (dataset_dir(FIELDS.dataset) / "snapshots" / old.snapshot_id).exists()
    with duckdb.connect(str(warehouse_file()), read_only=True) as con:
        assert con.execute(f"SELECT snapshot_id FROM {VIEWS_TABLE}").fetchall() == [(new.snapshot_id,)]
    assert migrate_home() == []  # already on the lake
    upserted = publish_snapshot(FIELDS, _rows([1, 99], "u"), key=["id"]).manifest
    assert upserted.rows == 51 and _live(upserted)[1] == "u1"


def test_an_upsert_into_a_dataset_published_before_the_lake_keeps_its_rows(home: Path) -> None:
    _main_home(home)
    m = publish_snapshot(FIELDS, _rows([0, 50], "u"), key=["id"]).manifest
    live = _live(m)
    assert m.rows == 51 and live[0] == "u0" and live[1] == "m1" and live[50] == "u50"
