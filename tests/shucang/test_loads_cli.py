"""The operators' commands for unfinished loads: `loads list --unfinished` shows a failed load,
`loads resume` finishes it, `loads abandon` gives one up with the ledger balanced; a dataset held
by another run and an unreachable control plane are messages, not tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from control import lease, ledger
from shucang.cli import main
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine
from warehouse.manifest import read_manifest

pytestmark = pytest.mark.xdist_group("pipeline")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _failed_load(grid_dir: Path, name: str, rows: list[list[str]], point: str,
                 monkeypatch: pytest.MonkeyPatch) -> str:
    """Drop a file and run it into an error injected at `point`; the failed load's id."""
    (grid_dir / name).write_bytes(csv_bytes(GRID_HEADER, rows))
    monkeypatch.setenv("SHUCANG_FAULT_POINT", f"{point}:raise")
    code, out = _run("feeds", "run", "grid_event")
    monkeypatch.delenv("SHUCANG_FAULT_POINT")
    assert code == 1 and f"failed in {point.split('.')[0]}: FaultInjected" in out, out
    assert "Traceback" not in out
    (load,) = ledger.unfinished_loads("grid_event")
    return load["load_id"]


def test_a_failed_load_is_listed_and_resumed(home: Path, grid_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    load_id = _failed_load(grid_dir, "a.csv", [grid_row(1), grid_row(2)], "validate.checked",
                           monkeypatch)
    code, out = _run("loads", "list", "--unfinished", "--json")
    (row,) = json.loads(out)
    assert (row["load_id"], row["status"], row["step"], row["held_by"]) == (
        load_id, "failed", "addressed", "stuck")
    assert row["error"].startswith("validate: FaultInjected")
    code, out = _run("loads", "resume", load_id)
    assert code == 0 and f"load {load_id} published" in out, out
    assert ledger.get_load(load_id)["rows_published"] == 2
    assert read_manifest("grid_event").snapshot_id == load_id
    code, out = _run("loads", "resume", load_id)
    assert code == 1 and "is published: there is nothing to resume" in out


def test_an_abandoned_load_balances_and_is_not_loaded_again(home: Path, grid_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    load_id = _failed_load(grid_dir, "a.csv", [grid_row(1), grid_row(2), grid_row(3, 事件等级="高")],
                           "address.start", monkeypatch)
    code, out = _run("loads", "abandon", load_id, "--reason", "sender withdrew the file")
    assert code == 0, out
    load = ledger.get_load(load_id)
    assert (load["status"], load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (
        "rejected", 3, 0, 3)
    assert load["reason"] == "rejected:abandoned: abandoned by an operator: sender withdrew the file"
    ledger.assert_conserved(load_id)
    assert "rejected:abandoned" in quarantine.read("grid_event", load_id).column("reason_code").to_pylist()
    code, out = _run("feeds", "run", "grid_event")
    assert code == 0 and "nothing new" in out
    code, out = _run("loads", "abandon", load_id, "--reason", "again")
    assert code == 1 and "is rejected: there is nothing to abandon" in out


def test_a_dataset_held_by_another_run_is_left_alone(home: Path, grid_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, [grid_row(1)]))
    assert lease.try_acquire("grid_event", "another-host:4242:1") is None
    monkeypatch.setenv("SHUCANG_LEASE_WAIT", "0")
    code, out = _run("feeds", "run", "grid_event")
    assert code == 1 and "is being loaded by another-host:4242:1" in out, out
    assert ledger.list_loads("grid_event") == []


def test_an_unreachable_control_plane_is_a_message(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_CONTROL_URL", "postgresql+psycopg://postgres@127.0.0.1:1/test")
    result = CliRunner().invoke(main, ["loads", "list"])
    assert result.exit_code == 1
    assert "the control plane at postgresql+psycopg://postgres@127.0.0.1:1/test is unavailable" in (
        result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)
