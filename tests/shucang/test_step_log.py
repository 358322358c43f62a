"""Each pipeline step logs one summary line (what a task log in Airflow shows): files landed,
rows in / published / quarantined with the top reasons, the gates' verdicts; great_expectations
says nothing below WARNING and nothing is logged as an error when a load succeeds."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from shucang import pipeline
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row

pytestmark = pytest.mark.xdist_group("pipeline")


def _summaries(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "shucang.pipeline"]


def test_a_load_logs_one_line_per_step_and_no_noise(home: Path, grid_dir: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    rows = [*(grid_row(i) for i in range(1, 11)), grid_row(11, 事件等级="高"), grid_row(1),
            grid_row(12, 联系电话="123")]
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, rows))
    caplog.set_level(logging.INFO)
    ref = pipeline.run_feed("grid_event")
    assert ref is not None
    land, stage, address, validate, publish = _summaries(caplog)
    load = ref["load_id"]
    assert land == f"grid_event load {load}: landed 1 file(s), {(grid_dir / 'a.csv').stat().st_size / 1024:.1f} KiB"
    assert stage.startswith(f"grid_event load {load}: stage rows in 13, staged 11, quarantined 2 [")
    assert "cast 1" in stage and "duplicate_key 1" in stage
    assert "address rows 11, resolved 11, unresolved 0" in address
    assert "validate rows 11" in validate and "address_match_rate ok" in validate and "FAILED" not in validate
    assert "published rows in 13 / published " in publish and f"snapshot {load}" in publish
    assert not [r for r in caplog.records if r.name.startswith("great_expectations") and r.levelno < logging.WARNING]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    caplog.clear()
    assert pipeline.run_feed("grid_event") is None
    assert _summaries(caplog) == ["grid_event: nothing new to land"]


def test_a_failed_gate_is_named_with_what_was_seen(home: Path, grid_dir: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    rows = [grid_row(1), grid_row(2), *(grid_row(i, 发生地点=f"无法识别{i}") for i in range(3, 11))]
    (grid_dir / "a.csv").write_bytes(csv_bytes(GRID_HEADER, rows))
    caplog.set_level(logging.INFO)
    with pytest.raises(pipeline.GateRejected):
        pipeline.run_feed("grid_event")
    address, validate = _summaries(caplog)[2:4]
    assert "address rows 10, resolved 2, unresolved 8 (quarantined) [address_unresolved 8]" in address
    assert "address_match_rate FAILED (observed " in validate
