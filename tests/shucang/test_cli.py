"""The spine's documented commands, run as a user runs them (click's runner, real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shucang.cli import main
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row

pytestmark = pytest.mark.xdist_group("pipeline")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def loaded(home: Path, grid_dir: Path) -> Path:
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(1), grid_row(2, 事件等级="高")]))
    code, out = _run("feeds", "run", "grid_event")
    assert code == 0, out
    assert "grid_event: load" in out and "published" in out
    return home


def test_help_lists_every_group() -> None:
    code, out = _run("--help")
    assert code == 0
    for group in ("feeds", "loads", "quarantine", "warehouse", "demo"):
        assert group in out


def test_feeds_list(home: Path) -> None:
    code, out = _run("feeds", "list")
    assert code == 0 and "grid_event" in out and "household_register" in out


def test_feeds_run_unknown_dataset_fails(home: Path) -> None:
    code, out = _run("feeds", "run", "nope")
    assert code == 1 and "unknown dataset(s) nope" in out


def test_feeds_run_again_is_nothing_new(loaded: Path) -> None:
    code, out = _run("feeds", "run", "grid_event")
    assert code == 0 and "nothing new" in out


def test_loads_list_json(loaded: Path) -> None:
    code, out = _run("loads", "list", "--json")
    (load,) = json.loads(out)
    assert code == 0
    assert (load["status"], load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (
        "published", 2, 1, 1)


def test_quarantine_show(loaded: Path) -> None:
    code, out = _run("quarantine", "show", "grid_event", "--reason", "cast")
    assert code == 0 and "cannot read 高 as integer" in out


def test_warehouse_query_and_refusal(loaded: Path) -> None:
    code, out = _run("warehouse", "query", "--json", "SELECT event_id, level FROM grid_event")
    assert code == 0 and json.loads(out) == [{"event_id": "SJ202611200001", "level": 2}]
    code, out = _run("warehouse", "query", "DELETE FROM grid_event")
    assert code == 1 and "only queries are allowed" in out


def test_warehouse_sync_rebuilds_the_views_from_the_manifests(loaded: Path) -> None:
    (loaded / "warehouse.duckdb").unlink()
    code, out = _run("warehouse", "sync")
    assert code == 0 and "repointed 1 view(s): grid_event; dropped 0" in out
    code, out = _run("warehouse", "query", "--json", "SELECT count(*) AS n FROM grid_event")
    assert code == 0 and json.loads(out) == [{"n": 1}]


def test_rejected_feed_exits_non_zero(home: Path, grid_dir: Path) -> None:
    (grid_dir / "cut.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)])[:-5])
    code, out = _run("feeds", "run", "grid_event")
    assert code == 1 and "rejected:truncated" in out
