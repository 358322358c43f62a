"""The real tier DAGs through dag.test() on an embedded Airflow in a temporary AIRFLOW_HOME, as
`make demo` runs them, in a subprocess (Airflow reads its configuration once per process):
every run succeeds, every dataset emits its Asset, every load conserves its rows, and running
again on the same feeds lands nothing and changes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("dags")

TIERS = ["province", "city", "district", "community"]


def _demo(home: Path, *args: str) -> str:
    env = {**os.environ, "SHUCANG_HOME": str(home), "SHUCANG_FEEDS": str(home / "feeds")}
    env.pop("SHUCANG_CONTROL_URL", None)
    shucang = Path(sys.executable).parent / "shucang"
    done = subprocess.run([str(shucang), "demo", "--scale", "0.3", *args], env=env, text=True,
                          capture_output=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def _loads(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "control.db") as c:
        return c.execute("SELECT dataset, status, rows_in, rows_published, rows_quarantined FROM loads"
                         " ORDER BY started_at").fetchall()


def test_tier_dags_end_to_end_and_rerun_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = _demo(home)
    for tier in TIERS:
        assert f"shucang_{tier}: run success" in out
    with sqlite3.connect(home / "airflow" / "airflow.db") as c:
        assets = {r[0] for r in c.execute(
            "SELECT a.name FROM asset_event e JOIN asset a ON a.id = e.asset_id")}
        pools = dict(c.execute("SELECT pool, slots FROM slot_pool").fetchall())
    from contracts.contract import load_contracts

    assert assets == set(load_contracts())
    assert pools["shucang_warehouse"] == 1
    loads = _loads(home)
    published = [r for r in loads if r[1] == "published"]
    assert {r[0] for r in published} == set(load_contracts())
    for dataset, _status, rows_in, pub, qua in published:
        assert rows_in == pub + qua, dataset
    manifests = {p: p.read_bytes() for p in (home / "exports").glob("*/manifest.json")}

    again = _demo(home, "--keep")
    for tier in TIERS:
        assert f"shucang_{tier}: run success" in again
    assert "skipped" in again
    # the HTTP feed polled past its cursor answers an empty page: recorded as a no-op, nothing else
    assert [r for r in _loads(home) if r[1] != "noop"] == [r for r in loads if r[1] != "noop"]
    assert {p: p.read_bytes() for p in (home / "exports").glob("*/manifest.json")} == manifests
