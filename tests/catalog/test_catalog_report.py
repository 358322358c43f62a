"""The weekly report: files, content, and the charts as a headless browser lays them out."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.report import write_report
from control.ledger import LoadStatus, start_load, update_load
from transforms.runner import run_models

CHARTS = ["category_tier", "freshness", "quality_trend", "quarantine", "usage", "match_rate"]


@pytest.fixture
def warehouse(published: dict, home: Path) -> Path:
    """Published inputs and models, a week of loads in the ledger, and quarantined rows."""
    run_models()
    now = dt.datetime.now(dt.UTC)
    for day in range(7):
        load_id = start_load("grid_event")
        update_load(
            load_id,
            status=LoadStatus.published,
            rows_in=100,
            rows_published=100 - day,
            rows_quarantined=day,
            finished_at=now - dt.timedelta(days=day),
        )
    store = pytest.importorskip("quality.store", reason="quality is not installed")
    for day in range(3):
        store.record_validation(
            {
                "load_id": f"q{day}",
                "dataset": "grid_event",
                "rows": 100,
                "failing_rows": day,
                "failures": day,
                "score": 100.0 - day,
                "passed": True,
                "suite": "grid_event",
                "result_path": "-",
                "validated_at": now - dt.timedelta(days=day),
            },
            [],
            [],
        )
    folder = home / "quarantine" / "grid_event"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "dataset": ["grid_event"] * 3,
                "load_id": ["l"] * 3,
                "reason_code": ["cast", "check:mobile", "cast"],
            }
        ),
        folder / "l.parquet",
    )
    return home


def test_report_files(warehouse: Path) -> None:
    paths = write_report(now=dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC))
    assert paths["html"].parent.name == "2026-W47"
    html = paths["html"].read_text("utf-8")
    for name in CHARTS:
        assert f'id="chart-{name}"' in html
    # every chart with data is an inline SVG; no network at view time
    assert html.count("<svg") == len(CHARTS) - 1  # usage: no grants yet, a note instead
    assert "还没有授权、查询或下载" in html
    assert "生成时间 2026-11-22 20:00:00（北京时间）" in html  # Beijing time, no microseconds
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    for code in ("check:mobile", "on_time", "stale", "active_grants", "community\n"):
        assert code not in visible
    assert "校验：手机号无效" in html and "类型转换失败" in html
    assert not re.search(r"<script[^>]+src=|https?://cdn", html)
    rows = list(csv.DictReader(paths["csv"].open(encoding="utf-8")))
    grid = next(r for r in rows if r["dataset"] == "grid_event")
    assert grid["rows"] == "300" and grid["loads"] == "7"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", grid["last_publish"])
    reasons = list(csv.DictReader(paths["quarantine_csv"].open(encoding="utf-8")))
    assert {(r["reason_code"], r["reason"]) for r in reasons} == {("cast", "类型转换失败"),
                                                                 ("check:mobile", "校验：手机号无效")}
    md = paths["markdown"].read_text("utf-8")
    assert "# 数据目录周报 2026-W47" in md and "类型转换失败：2 行" in md
    assert "隔离 3 行" in md


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(
    _chromium() is None, reason="headless Chromium is not installed (apt-get install chromium)"
)
def test_charts_render_in_headless_chromium(warehouse: Path, tmp_path: Path) -> None:
    paths = write_report(tmp_path / "report")
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", paths["html"].as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    rendered = dict(re.findall(r'data-chart="(\w+)" data-rendered="(\w+)"', dom))
    assert set(rendered) == set(CHARTS)
    with_data = {n for n in CHARTS if n != "usage"}
    assert {n for n, v in rendered.items() if v == "yes"} == with_data
    shot = tmp_path / "report.png"
    subprocess.run(
        [*cmd[:-2], f"--screenshot={shot}", "--window-size=1200,2400", paths["html"].as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 20_000


def test_quality_trend_has_a_point_per_load() -> None:
    from catalog.report_data import quality_trend

    day1 = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    day2 = day1 + dt.timedelta(days=1)
    loads = [
        {"dataset": "a", "finished_at": day1, "rows_in": 100, "rows_published": 90},
        {"dataset": "a", "finished_at": day1 + dt.timedelta(hours=1), "rows_in": 100, "rows_published": 100},
        {"dataset": "b", "finished_at": day2, "rows_in": 50, "rows_published": 25},
        {"dataset": "b", "finished_at": None, "rows_in": 10, "rows_published": 0},  # unfinished: left out
        {"dataset": "b", "finished_at": day2, "rows_in": 0, "rows_published": 0},  # nothing received
    ]
    scores = [("a", day1, 80.0), ("b", day1, 100.0)]
    got = [(r.measure, r.title, r.at.strftime("%m-%d %H:%M"), r.value)
           for r in quality_trend(loads, scores, {"a": "甲", "b": "乙"}).itertuples()]
    assert got == [
        ("入库率（%）", "甲", "11-20 17:00", 90.0),  # Beijing time
        ("入库率（%）", "甲", "11-20 18:00", 100.0),
        ("入库率（%）", "乙", "11-21 17:00", 50.0),
        ("质量分", "甲", "11-20 17:00", 80.0),
        ("质量分", "乙", "11-20 17:00", 100.0),
    ]


def test_every_dataset_gets_its_own_colour() -> None:
    from catalog.report_charts import dataset_colors, distinct_colors

    for n in (1, 12, 20, 45):
        assert len(set(distinct_colors(n))) == n
    scale = dataset_colors([f"数据集{i}" for i in range(30)] * 2).to_dict()
    assert len(scale["domain"]) == len(set(scale["range"])) == 30


def test_quality_trend_empty() -> None:
    from catalog.report_data import quality_trend

    assert quality_trend([], []).empty


@pytest.mark.parametrize(
    ("grants", "queries", "downloads", "streets", "expected"),
    [
        ([None, None], [None, None], [None, None], ["", ""], []),  # access not installed: no rows
        ([0, 0], [0, 0], [0, 0], ["", ""], []),
        ([2, 0], [5, 0], [1, 0], ["西溪街道、北山街道", ""],
         [("a", "授权数", 2), ("a", "查询次数", 5), ("a", "下载次数", 1), ("a", "申请街道（社区）数", 2)]),
        ([0, 1], [3, 0], [0, 0], ["", "西溪街道"],
         [("a", "授权数", 0), ("b", "授权数", 1), ("a", "查询次数", 3), ("b", "查询次数", 0),
          ("a", "下载次数", 0), ("b", "下载次数", 0), ("a", "申请街道（社区）数", 0), ("b", "申请街道（社区）数", 1)]),
    ],
)
def test_usage_frame(grants: list, queries: list, downloads: list, streets: list, expected: list) -> None:  # type: ignore[type-arg]
    import pandas as pd

    from catalog.report_data import usage

    table = pd.DataFrame(
        {
            "dataset": ["a", "b"],
            "title": ["A", "B"],
            "grants": pd.array(grants, dtype="Int64"),
            "active_grants": pd.array(grants, dtype="Int64"),
            "queries": pd.array(queries, dtype="Int64"),
            "downloads": pd.array(downloads, dtype="Int64"),
            "requesting_streets": streets,
        }
    )
    got = [(r.dataset, r.measure_zh, int(r.count)) for r in usage(table).itertuples()]
    assert got == expected
