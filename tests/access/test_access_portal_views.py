"""What the portal shows for stored vocabulary: history notes and error pages in Chinese."""

from __future__ import annotations

import pytest

from access.portal.views import error_view, history_note

TITLES = {"household_register": "户籍人口", "grid_event": "网格事件"}


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("narrowed household_register: 只需本社区", "缩减后同意：户籍人口（理由：只需本社区）"),
        ("approved household_register, grid_event", "同意：户籍人口、网格事件"),
        ("denied grid_event: 超出职责", "不同意：网格事件（理由：超出职责）"),
        ("every dataset denied", "所有数据集均不同意"),
        ("grant G-1a2b", "已生成授权 G-1a2b"),
        ("材料不全，请补充", "材料不全，请补充"),  # a reviewer's own words
        (None, ""),
    ],
)
def test_history_notes(note: str | None, shown: str) -> None:
    assert history_note(note, TITLES) == shown


def test_error_view_translates_or_advises() -> None:
    view = error_view("ScopeError", "a denial states its reason")
    assert view == {"title": "申请或授予的范围不符合要求", "message": "不同意时须填写理由。",
                    "detail": "a denial states its reason"}
    untranslated = error_view("QueryFailed", "the gateway could not answer (ZeroDivisionError)")
    assert untranslated["message"] == "请检查语句中的类型和运算后重试。"
