"""Every portal page as a clerk, a bureau reviewer and a department reviewer see it in headless
Chromium: no English class name, status, reason code or tier reaches the visible text, and a
screenshot of each page is kept (the folder is printed; SHUCANG_SCREENSHOTS=<folder> chooses it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from access import errors, workflow
from contracts import wording
from tests.support.access_world import household_scope
from tests.support.browser import CHROMIUM, NO_CHROMIUM, chromium, served_as, visible_text


def _subclasses(cls: type) -> set[str]:
    return {cls.__name__} | {n for sub in cls.__subclasses__() for n in _subclasses(sub)}


# the English a clerk must never read: error classes, Python's own, statuses, decisions, codes
VOCABULARY = sorted(
    _subclasses(errors.AccessError)
    | {"BadInput", "ValueError", "KeyError", "ValidationError", "Traceback", "Exception", "None"}
    | set(wording.STATUS_ZH) | set(wording.DECISION_ZH) | set(wording.TIER_ZH) | set(wording.ORG_KIND_ZH)
    | set(wording.TIMELINESS_ZH) | set(wording.CHECK_ZH) | set(wording.GATE_ZH) | set(wording.REASON_ZH)
    | {"check", "rejected", "household_register", "grid_event", "street_code", "community_code"}
)
FORBIDDEN = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, VOCABULARY)) + r")(?![A-Za-z0-9_])")


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    folder = Path(os.environ["SHUCANG_SCREENSHOTS"]) if os.environ.get("SHUCANG_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {folder}")
    return folder


def _check(port: int, path: str, name: str, folder: Path, must: str) -> str:
    url = f"http://127.0.0.1:{port}{path}"
    text = visible_text(chromium("--dump-dom", url))
    chromium(f"--screenshot={folder / f'{name}.png'}", "--window-size=1200,1400", url)
    assert must in text, (name, text[:400])
    leaked = sorted(set(FORBIDDEN.findall(text)))
    assert not leaked, f"{name}: English identifiers on the page: {leaked}"
    assert (folder / f"{name}.png").stat().st_size > 5_000
    return text


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_every_page_in_chinese(granted: str, screens: Path) -> None:
    rid = workflow.get_grant(granted)["request_id"]
    waiting = workflow.submit("chen", "排查出租房屋消防隐患", "消防检查", household_scope())
    reviewing = workflow.submit("chen", "核查独居老人", "网格走访", household_scope())
    workflow.bureau_review(reviewing, "wang", approve=True)
    pages = {
        "chen": [
            ("/", "catalog", "可申请的数据"),
            ("/?q=户籍", "catalog_search", "相关程度"),
            ("/?q=tingche", "catalog_nothing", "没有找到"),
            ("/requests/new?dataset=household_register&dataset=grid_event", "request_new", "标准地址"),
            ("/requests", "requests", "户籍人口"),
            (f"/requests/{rid}", "request_granted", "已授予（有效）"),
            (f"/requests/{waiting}", "request_waiting", "待数据局审核"),
            ("/review", "error_permission", "没有办理此事项的权限"),
            ("/requests/R-nope", "error_unknown", "找不到要办理的对象"),
            ("/requests/new?dataset=nope", "error_dataset", "没有可申请的数据集"),
            (f"/grants/{granted}/download/household_register.xlsx", "error_format", "不可用"),
        ],
        "wang": [("/review", "review_bureau", "通过，转数源部门"),
                 (f"/requests/{rid}", "request_bureau", "办理记录")],
        "li": [("/review", "review_department", "缩减后同意")],
    }
    for user, checks in pages.items():
        with served_as(user) as port:
            for path, name, must in checks:
                _check(port, path, name, screens, must)
    with served_as("chen") as port:
        history = _check(port, f"/requests/{rid}", "request_history", screens, "办理记录")
    assert "已生成授权" in history and "（西溪街道）" in history  # people by name, notes in Chinese
