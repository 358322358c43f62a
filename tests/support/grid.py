"""Builders for small feeds in the shapes the real contracts expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.contract import Contract, load_contracts

GRID_HEADER = ["事件编号", "事件类别", "事件等级", "上报时间", "发生地点", "联系电话", "处置状态", "派发时间",
               "处置时间", "办结时间", "处置时限", "是否升级", "升级时间"]


def grid_row(n: int, **over: str) -> list[str]:
    """A valid grid event row; keyword arguments replace fields by header name."""
    row = {
        "事件编号": f"SJ2026112{n:05d}", "事件类别": "市容环境", "事件等级": "2",
        "上报时间": "2026-11-20 08:00:00", "发生地点": "杭州市西湖区翠苑街道翠苑一区社区文三路100号",
        "联系电话": "13800138000", "处置状态": "办结", "派发时间": "2026-11-20 08:10:00",
        "处置时间": "2026-11-20 09:00:00", "办结时间": "2026-11-20 10:00:00",
        "处置时限": "2026-11-22 08:00:00", "是否升级": "否", "升级时间": "",
    }
    row.update(over)
    return [row[h] for h in GRID_HEADER]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "gbk") -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.fixture
def contracts() -> dict[str, Contract]:
    return load_contracts()


@pytest.fixture
def grid_dir(home: Path) -> Path:
    d = home / "feeds" / "district" / "grid_event"
    d.mkdir(parents=True)
    return d
