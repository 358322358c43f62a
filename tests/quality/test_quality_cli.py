"""The documented `shucang quality` commands run (README and docs/quality.md)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from shucang.cli import main
from tests.support.quality_staged import contract, rows, write


def test_quality_commands(home: Path) -> None:
    runner = CliRunner()
    c = contract("grid_event")
    good = write(home / "good.parquet", c, rows(c, 6))
    records = rows(c, 6)
    for r in records:
        r["match_level"] = "none"
    blocked = write(home / "blocked.parquet", c, records)

    suite = runner.invoke(main, ["quality", "suite", "grid_event"])
    assert suite.exit_code == 0, suite.output
    assert json.loads(suite.output)["name"] == "grid_event.v1"

    ok = runner.invoke(main, ["quality", "validate", "grid_event", str(good), "--load-id", "L1"])
    assert ok.exit_code == 0, ok.output
    assert "score 100.0" in ok.output
    bad = runner.invoke(main, ["quality", "validate", "grid_event", str(blocked), "--load-id", "L2"])
    assert bad.exit_code == 1 and "gate address_match_rate: FAILED" in bad.output

    scores = runner.invoke(main, ["quality", "scores"])
    assert scores.exit_code == 0 and scores.output.startswith("grid_event\t")
    shown = runner.invoke(main, ["quality", "show", "L2"])
    assert shown.exit_code == 0 and json.loads(shown.output)["passed"] is False
    assert runner.invoke(main, ["quality", "show", "nope"]).exit_code == 1

    docs = runner.invoke(main, ["quality", "docs"])
    assert docs.exit_code == 0 and Path(docs.output.strip()).is_file()
    late = runner.invoke(main, ["quality", "lateness", "grid_event"])
    assert late.exit_code == 0 and "never published yet" in late.output
    unknown = runner.invoke(main, ["quality", "suite", "no_such"])
    assert unknown.exit_code == 2 and "unknown dataset" in unknown.output
