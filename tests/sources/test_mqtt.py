"""The mqtt source kind against the local Mosquitto broker (own topic and session per test): a
contract and no code; micro-batches landed with rows conserved; a subscriber killed between
receiving and landing, or between recording and acknowledging, loses nothing and lands nothing
twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest

from control import ledger
from shucang.pipeline import run_feed
from tests.support.source_servers import contract, mqtt_broker, publish, write_contract
from warehouse.manifest import current_relation

DATASET = "mqtt_water_level"
COLUMNS = [
    {"name": "sensor_id", "title": "传感器编号", "source": "sensor", "type": "string", "required": True},
    {"name": "observed_at", "title": "观测时间", "source": "ts", "type": "timestamp", "required": True},
    {"name": "water_level_cm", "title": "水位（厘米）", "source": "level", "type": "double", "required": True},
]


@pytest.fixture
def topic(home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A topic and a session of this test's own, and a contract folder with the dataset."""
    mqtt_broker()
    base = f"shucang-test/{uuid.uuid4().hex[:10]}"
    source = {"kind": "mqtt", "location": f"{base}/#", "schedule": "*/5 * * * *",
              "client_id": f"shucang-test-{uuid.uuid4().hex[:10]}", "topic_field": "sensor",
              "batch_messages": 500, "batch_seconds": 1.5, "session_expiry": 600}
    folder = write_contract(home / "contracts", contract(DATASET, source, COLUMNS,
                                                         ["sensor_id", "observed_at"], "observed_at"))
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))
    return base


def _readings(base: str, start: int, n: int) -> tuple[str, list[bytes]]:
    return f"{base}/WL000001", [json.dumps({"ts": f"2026-11-20 08:{i // 60:02d}:{i % 60:02d}",
                                            "level": 10 + i % 50}).encode() for i in range(start, start + n)]


def _published() -> int:
    with duckdb.connect() as con:
        return con.execute(f"SELECT count(*) FROM {current_relation(DATASET)}").fetchone()[0]


def _landed_rows() -> int:
    loads = ledger.list_loads(DATASET)
    for load in loads:
        assert load["rows_in"] == load["rows_published"] + load["rows_quarantined"], load
    return sum(load["rows_in"] or 0 for load in loads)


def _killed_run(point: str) -> None:
    env = {**os.environ, "SHUCANG_FAULT_POINT": point}
    run = subprocess.run([str(Path(sys.executable).parent / "shucang"), "feeds", "run", DATASET],
                         env=env, capture_output=True, timeout=600)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()[-2000:]


def test_micro_batches_survive_kills_without_loss_or_repeat(topic: str) -> None:
    assert run_feed(DATASET) is None  # the first run creates the persistent session
    publish(*_readings(topic, 0, 30))
    first = run_feed(DATASET)
    assert first is not None and _published() == 30 == _landed_rows()

    publish(*_readings(topic, 30, 20))
    _killed_run("land.copied")  # received, not landed: nothing acknowledged
    publish(*_readings(topic, 50, 5))
    assert run_feed(DATASET) is not None
    assert _published() == 55 == _landed_rows()

    publish(*_readings(topic, 55, 10))
    _killed_run("land.unconfirmed")  # recorded in the ledger, not acknowledged: delivered again
    publish(*_readings(topic, 65, 3))
    run_feed(DATASET)
    assert _published() == 68 == _landed_rows()
    assert run_feed(DATASET) is None  # nothing left at the broker


def test_a_payload_that_is_not_a_json_object_is_quarantined_and_counted(topic: str) -> None:
    assert run_feed(DATASET) is None
    good_topic, good = _readings(topic, 0, 3)
    publish(good_topic, [*good, b"not json", b"[1, 2]"])
    ref = run_feed(DATASET)
    assert ref is not None
    load = ledger.get_load(ref["load_id"])
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (5, 3, 2)


def test_feeds_subscribe_lands_batch_after_batch(topic: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from shucang.cli import main

    assert run_feed(DATASET) is None
    publish(*_readings(topic, 0, 12))
    got = CliRunner().invoke(main, ["feeds", "subscribe", DATASET, "--batches", "2"])
    assert got.exit_code == 0, got.output
    assert got.output.count("published") == 1
    assert _published() == 12 == _landed_rows()
    monkeypatch.delenv("SHUCANG_CONTRACTS")
    refused = CliRunner().invoke(main, ["feeds", "subscribe", "grid_event", "--batches", "1"])
    assert refused.exit_code != 0 and "mqtt sources" in refused.output
