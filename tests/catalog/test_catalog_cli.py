"""The documented commands: shucang catalog / transforms / backflow, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from foundation.table import width
from shucang.cli import main


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_catalog_commands(published: dict, home: Path) -> None:
    out = _run("transforms", "run")
    assert "grid_event_closure" in out and "published" in out
    assert "unchanged" in _run("transforms", "run", "--if-changed", "parking_berth_index")
    listing = _run("catalog", "list")
    assert "parking_berth_index" in listing and "household_register" in listing
    assert json.loads(_run("catalog", "list", "--tier", "community", "--json"))[0]["tier"] == "community"
    assert "物联感知" in _run("catalog", "list", "--category", "物联感知")
    hits = _run("catalog", "search", "停车")
    assert hits.splitlines()[0].split()[:2] == ["得分", "数据集"]
    assert "停车（原词，标题）+10" in hits
    assert hits.splitlines()[1].split()[1] in {
        "parking_berth_index",
        "parking_berth_occupancy",
        "parking_lot",
    }
    show = _run("catalog", "show", "grid_event_closure")
    assert "资源代码 0701/" in show and "<- grid_event.closed_at" in show
    shown = json.loads(_run("catalog", "show", "grid_event", "--json"))
    assert shown["facts"]["rows"] == 300 and shown["resource_code"].startswith("0701/")
    report = _run("catalog", "report", "--out", str(home / "r"))
    assert (home / "r" / "report.html").exists() and "summary.md" in report
    _run("catalog", "dcat", "--out", str(home / "catalog.jsonld"))
    assert json.loads((home / "catalog.jsonld").read_text("utf-8"))["@type"] == "dcat:Catalog"
    assert "exported" in _run("backflow", "run", "elderly_care")
    assert "unchanged" in _run("backflow", "run", "elderly_care")
    assert "copy" in _run("transforms", "lineage", "parking_berth_index")
    assert "DATE_TRUNC('HOUR'" in _run("transforms", "sql", "parking_berth_index")
    assert "<- parking_berth_occupancy, parking_lot" in _run("transforms", "list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["catalog", "show", "nope"], "no dataset 'nope'"),
        (["catalog", "search", "火星基地"], "nothing matches"),
        (["transforms", "run", "grid_event_closure"], "no published snapshot"),
        (["transforms", "run", "nope"], "no model ['nope']"),
        (["backflow", "run", "grid_event"], "only community data flows back"),
    ],
)
def test_errors_are_one_clear_line(home: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert message in result.output


def test_catalog_show_prints_each_columns_classification(home: Path) -> None:
    lines = _run("catalog", "show", "resident_evaluation").splitlines()
    header = next(line for line in lines if line.split()[:1] == ["列名"])
    assert header.split() == ["列名", "类型", "分级", "重要性", "PII", "掩码", "类别", "层级", "来源部门",
                              "地址粒度", "更新周期", "标题", "来源"]
    rows = {line.split()[0]: line.split() for line in lines[lines.index(header) + 1:] if line.startswith("    ")}
    assert rows["event_id"] == ["event_id", "VARCHAR", "L1", "一般", "—", "—", "事件/网格事件", "community",
                                "社区居委会", "—", "daily", "关联事件编号"]
    assert rows["house_code"][2:10] == ["L3", "一般", "address", "pseudonym", "基层自治/居民满意度",
                                        "community", "社区居委会", "house"]
    # columns line up on screen even with Chinese cells: a header starts where its cells start
    first = lines[lines.index(header) + 1]
    assert width(header[: header.index("类型")]) == width(first[: first.index("VARCHAR")])
    assert width(header[: header.index("层级")]) == width(first[: first.index("community")])
