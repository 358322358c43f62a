"""The sql source kind against real databases (SQLite, and the local PostgreSQL and MariaDB when
they answer): a contract and no code, batches read through a server-side cursor, rows conserved,
incremental resumption after new rows, a cursor tie at the boundary, credentials from the
environment or the secrets file only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from control import ledger
from feeds.errors import LoadRejected
from feeds.land import landed_files
from shucang.pipeline import run_feed
from sources.base import SourceError
from sources.sql import SqlSource, database_url
from tests.support.source_servers import contract, write_contract
from warehouse.manifest import current_relation, read_manifest

DATASET = "sql_allowance"
T0 = dt.datetime(2026, 11, 20, 8, 0, 0)
META = sa.MetaData()
ALLOWANCE = sa.Table("allowance", META,
                     sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("name", sa.String(40)),
                     sa.Column("amount", sa.Numeric(10, 2)),
                     sa.Column("updated_at", sa.DateTime))
COLUMNS = [
    {"name": "person_id", "title": "编号", "source": "id", "type": "integer", "required": True},
    {"name": "person_name", "title": "姓名", "source": "name", "type": "string", "required": True},
    {"name": "amount", "title": "补贴金额", "source": "amount", "type": "double", "required": True},
    {"name": "updated_at", "title": "更新时间", "source": "updated_at", "type": "timestamp", "required": True},
]


def _rows(ids: range, minute: int | None = None) -> list[dict]:
    return [{"id": i, "name": f"居民{i}", "amount": Decimal(f"{100 + i}.50"),
             "updated_at": T0 + dt.timedelta(minutes=minute if minute is not None else i // 3)}
            for i in ids]


@pytest.fixture
def allowance(department_db: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """The department table, named by `connection: civil_affairs` through the environment, and a
    contract folder holding only the dataset's contract."""
    engine = sa.create_engine(department_db)
    META.create_all(engine)
    monkeypatch.setenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL", department_db)
    source = {"kind": "sql", "format": "parquet", "connection": "civil_affairs",
              "location": "allowance", "schedule": "@hourly", "batch_rows": 100}
    folder = write_contract(home / "contracts", contract(DATASET, source, COLUMNS, ["person_id"], "updated_at"))
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))
    yield engine
    engine.dispose()


def _published() -> dict[int, tuple]:
    with duckdb.connect() as con:
        got = con.execute("SELECT person_id, person_name, amount, updated_at"
                          f" FROM {current_relation(DATASET)}").fetchall()
    return {r[0]: r for r in got}


def _conserved(load_id: str) -> dict:
    load = ledger.get_load(load_id)
    assert load["status"] == "published", load
    assert load["rows_in"] == load["rows_published"] + load["rows_quarantined"]
    return load


def test_a_table_lands_in_batches_and_resumes_from_the_cursor(allowance: sa.Engine) -> None:
    with allowance.begin() as c:
        c.execute(ALLOWANCE.insert(), _rows(range(250)))
    first = run_feed(DATASET)
    assert first is not None
    load = _conserved(first["load_id"])
    assert load["rows_in"] == 250
    assert len(landed_files(DATASET, first["load_id"])) == 3  # 100 + 100 + 50: batches, not one read
    got = _published()
    assert len(got) == 250
    assert got[7] == (7, "居民7", 107.5, T0 + dt.timedelta(minutes=2))

    assert run_feed(DATASET) is None  # unchanged table: the boundary rows are not landed again
    assert len(ledger.list_loads(DATASET)) == 1

    top = T0 + dt.timedelta(minutes=249 // 3)
    with allowance.begin() as c:
        # a tie: a row written later with the boundary's cursor value; new rows; a changed row
        c.execute(ALLOWANCE.insert(), _rows(range(1000, 1001), minute=249 // 3))
        c.execute(ALLOWANCE.insert(), _rows(range(250, 260)))
        c.execute(ALLOWANCE.update().where(ALLOWANCE.c.id == 5)
                  .values(amount=Decimal("999.00"), updated_at=top + dt.timedelta(minutes=30)))
    second = run_feed(DATASET)
    assert second is not None
    assert _conserved(second["load_id"])["rows_in"] == 12
    got = _published()
    assert len(got) == 261
    assert got[1000][3] == top and got[5][2] == 999.0
    assert read_manifest(DATASET).rows == 261
    assert run_feed(DATASET) is None


def test_a_query_source_and_its_types(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    engine = sa.create_engine(url)
    META.create_all(engine)
    with engine.begin() as c:
        c.execute(ALLOWANCE.insert(), _rows(range(20)))
    monkeypatch.setenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL", url)
    source = {"kind": "sql", "format": "parquet", "connection": "civil_affairs", "schedule": "@daily",
              "query": "SELECT id, name, amount, updated_at FROM allowance WHERE amount >= 110;"}
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(write_contract(
        home / "contracts", contract(DATASET, source, COLUMNS, ["person_id"], "updated_at"))))
    ref = run_feed(DATASET)
    assert ref is not None and _conserved(ref["load_id"])["rows_in"] == 10
    assert sorted(_published()) == list(range(10, 20))


def test_credentials_never_come_from_the_contract(tmp_path: Path, home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUCANG_SQL_HEALTH_URL", raising=False)
    monkeypatch.delenv("SHUCANG_SECRETS_FILE", raising=False)
    with pytest.raises(SourceError, match="SHUCANG_SQL_HEALTH_URL or \\[sql.health\\] url"):
        database_url("health")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[sql.health]\nurl = "postgresql+psycopg://u:pw@db/health"\n', encoding="utf-8")
    monkeypatch.setenv("SHUCANG_SECRETS_FILE", str(secrets))
    assert database_url("health") == "postgresql+psycopg://u:pw@db/health"
    embedded = home / "feeds" / "sql" / "archive.sqlite"
    embedded.parent.mkdir(parents=True)
    sa.create_engine(f"sqlite:///{embedded}").connect().close()
    assert database_url("archive") == f"sqlite:///{embedded}"
    with pytest.raises(ValueError, match="pattern"):
        SqlSource(connection="postgresql://u:pw@db/x", location="t", schedule="@daily")
    with pytest.raises(ValueError, match="not both or neither"):
        SqlSource(connection="health", location="t", query="SELECT 1", schedule="@daily")


def test_a_renamed_column_refuses_the_batch_with_its_rows_counted(tmp_path: Path, home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE allowance (id INTEGER, full_name TEXT, amount NUMERIC, updated_at TEXT)"))
        c.execute(sa.text("INSERT INTO allowance VALUES (1, '甲', 1.5, '2026-11-20 08:00:00'),"
                          " (2, '乙', 2.5, '2026-11-20 08:01:00')"))
    monkeypatch.setenv("SHUCANG_SQL_CIVIL_AFFAIRS_URL", url)
    source = {"kind": "sql", "connection": "civil_affairs", "location": "allowance", "schedule": "@daily"}
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(write_contract(
        home / "contracts", contract(DATASET, source, COLUMNS, ["person_id"], "updated_at"))))
    with pytest.raises(LoadRejected, match="column 'name' \\(person_name\\) is missing"):
        run_feed(DATASET)
    (load,) = ledger.list_loads(DATASET)
    assert (load["status"], load["rows_in"], load["rows_quarantined"]) == ("rejected", 2, 2)
