"""The load path on Spark against the DuckDB path: the same landed feed, run end to end once on
each engine (each in a home of its own), publishes the same rows and quarantines the same rows
with the same reasons, and the ledger balances on both. One SparkSession for the module; the xdist
group keeps it on the worker of the other Spark tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contracts.contract import DATASETS_DIR, Contract
from control import ledger
from foundation.spark import java_available
from shucang import pipeline
from tests.shucang.test_faults import SPARK_POINTS, kill_and_recover
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine
from warehouse.query import query

pytestmark = [
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not java_available(), reason="Spark needs Java 17 on PATH (not found)"),
]
pytest.importorskip("pyspark", reason="pyspark is not installed (dev dependency)")

QUARANTINED = ["source_file", "line", "column", "raw_value", "reason_code", "reason", "record"]


def _feed(encoding: str) -> bytes:
    """A grid feed holding every kind of row the stager tells apart: good ones, a value of the
    wrong type, a required value missing, a repeated key, a row of delimiters only, a row with too
    many fields, a quoted line end and an address no registry knows."""
    rows = [*(grid_row(i) for i in range(1, 21)), grid_row(21, 事件等级="高"), grid_row(22, 事件类别=""),
            grid_row(3, 处置状态="上报"), [""] * len(GRID_HEADER), [*grid_row(23), "多余"],
            grid_row(24, 发生地点='"杭州市西湖区翠苑街道\n翠苑一区社区文三路100号"'),
            grid_row(25, 事件等级="２"), grid_row(26, 发生地点="@@@ ###")]
    return csv_bytes(GRID_HEADER, rows, encoding)


def _run(root: Path, monkeypatch: pytest.MonkeyPatch, feeds: dict[str, bytes], spark: bool) -> dict:
    """Land `feeds` in a fresh home under `root`, run the feed on one engine; what it left."""
    monkeypatch.setenv("SHUCANG_HOME", str(root))
    monkeypatch.setenv("SHUCANG_FEEDS", str(root / "feeds"))
    monkeypatch.setenv("SHUCANG_SPARK_PROFILE", "small")
    if spark:
        monkeypatch.setenv("SHUCANG_SPARK_MIN_BYTES", "0")
    else:
        monkeypatch.delenv("SHUCANG_SPARK_MIN_BYTES", raising=False)
    folder = root / "feeds" / "district" / "grid_event"
    folder.mkdir(parents=True)
    for name, data in feeds.items():
        (folder / name).write_bytes(data)
    ref = pipeline.run_feed("grid_event")
    assert ref is not None
    ledger.assert_conserved(ref["load_id"])
    spark_parts = pipeline.workdir(ref) / "spark"
    assert {p.name for p in spark_parts.iterdir()} >= {"staged", "addresses", "addressed"} if spark \
        else not spark_parts.exists()
    load = ledger.get_load(ref["load_id"])
    columns, published = query("SELECT * EXCLUDE (_load_id) FROM grid_event ORDER BY event_id")
    held = quarantine.read("grid_event").select(QUARANTINED).to_pylist()
    for r in held:  # where DuckDB's CSV reader found a malformed row it knows the byte, Spark not
        r["reason"] = re.sub(r" at byte \d+:", ":", r["reason"])
        r["record"] = r["record"] and r["record"].replace(load["load_id"], "<load>")  # a home's own ids
    return {"counts": (load["rows_in"], load["rows_published"], load["rows_quarantined"]),
            "blank_lines": load["blank_lines"], "encoding": load["encoding"], "columns": columns,
            "published": published,
            "quarantine": sorted(held, key=lambda r: (r["source_file"] or "", r["line"] or 0, r["reason_code"]))}


def test_spark_decides_by_contract_and_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             contracts: dict[str, Contract]) -> None:
    grid = contracts["grid_event"]
    feed = tmp_path / "a.csv"
    feed.write_bytes(b"x" * 100)
    monkeypatch.delenv("SHUCANG_SPARK_MIN_BYTES", raising=False)
    assert not pipeline.on_spark(grid, [feed])
    monkeypatch.setenv("SHUCANG_SPARK_MIN_BYTES", "100")
    assert pipeline.on_spark(grid, [feed])
    monkeypatch.setenv("SHUCANG_SPARK_MIN_BYTES", "101")
    assert not pipeline.on_spark(grid, [feed])
    assert pipeline.on_spark(grid.model_copy(update={"engine": "spark"}), [feed])
    monkeypatch.setenv("SHUCANG_SPARK_MIN_BYTES", "0")
    assert not pipeline.on_spark(grid.model_copy(update={"engine": "duckdb"}), [feed])


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_both_engines_publish_and_quarantine_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    encoding: str) -> None:
    feeds = {"a.csv": _feed(encoding),
             "b.csv": csv_bytes(GRID_HEADER, [grid_row(1, 事件等级="3"), grid_row(30)], encoding),
             # a header without 处置状态: the file is refused whole, its rows quarantined
             "c.csv": csv_bytes(GRID_HEADER[:6] + GRID_HEADER[7:], [grid_row(40)[:6] + grid_row(40)[7:]],
                                encoding),
             # header names spaced (an ideographic space too): read as the contract's on both paths
             "d.csv": csv_bytes(["事件 编号", "\u3000" + GRID_HEADER[1], *GRID_HEADER[2:]],
                                [grid_row(50), grid_row(51)], encoding),
             # a portal's error page saved under the feed's name: refused, no rows
             "e.csv": b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>\n"}
    duck = _run(tmp_path / "duckdb", monkeypatch, feeds, spark=False)
    spark = _run(tmp_path / "spark", monkeypatch, feeds, spark=True)
    assert duck["counts"][0] == duck["counts"][1] + duck["counts"][2] == 32  # the row of delimiters is a blank line
    assert {r["reason_code"] for r in duck["quarantine"]} == {
        "cast", "required", "duplicate_key", "malformed_row", "address_unresolved", "rejected:schema_drift",
        "rejected:format"}
    assert spark == duck


def test_kept_undeclared_columns_publish_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # on_extra_columns: keep, and only one of the two files has the undeclared column
    contract = yaml.safe_load((DATASETS_DIR / "grid_event.yaml").read_text(encoding="utf-8"))
    contract["source"]["on_extra_columns"] = "keep"
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "grid_event.yaml").write_text(yaml.safe_dump(contract, allow_unicode=True),
                                                             encoding="utf-8")
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(tmp_path / "contracts"))
    feeds = {"a.csv": csv_bytes([*GRID_HEADER, "备注"], [[*grid_row(i), f" 备注{i} "] for i in range(1, 11)]),
             "b.csv": csv_bytes(GRID_HEADER, [grid_row(i) for i in range(11, 13)])}
    duck = _run(tmp_path / "duckdb", monkeypatch, feeds, spark=False)
    spark = _run(tmp_path / "spark", monkeypatch, feeds, spark=True)
    assert duck["counts"] == (12, 12, 0) and "备注" in duck["columns"]
    assert spark == duck


@pytest.mark.parametrize("point", SPARK_POINTS)
def test_a_load_killed_inside_its_spark_steps_is_finished_by_the_next_run(
        point: str, home: Path, grid_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed after a Spark step wrote some of its files (the quarantine parts) and before the
    rest, the next run starts the step again from what it reads and publishes every row once."""
    monkeypatch.setenv("SHUCANG_SPARK_PROFILE", "small")
    monkeypatch.setenv("SHUCANG_SPARK_MIN_BYTES", "0")
    kill_and_recover(point, home, grid_dir)
