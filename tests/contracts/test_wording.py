"""The Chinese for the project's vocabulary: reason codes, error classes and error messages."""

from __future__ import annotations

import pytest

from contracts.wording import error_zh, message_zh, reason_zh


@pytest.mark.parametrize(
    ("code", "zh"),
    [
        ("check:mobile", "校验：手机号无效"),
        ("check:in_set", "校验：不在允许的取值内"),
        ("check:someday_new", "校验：其他校验未通过"),
        ("cast", "类型转换失败"),
        ("duplicate_key", "主键重复"),
        ("required", "必填项为空"),
        ("rejected:encoding", "整批拒收：文件编码无法识别"),
        ("rejected:gate:row_count_collapse", "整批拒收：行数骤降"),
        ("rejected:gate:new_gate", "整批拒收：质量闸门未通过"),
        ("address:西湖区文三路", "地址未能匹配"),
        ("whatever_new", "其他原因"),
    ],
)
def test_reason_codes(code: str, zh: str) -> None:
    assert reason_zh(code) == zh


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        ("a request states its purpose (用途) and scenario (场景)", "申请须填写用途和应用场景。"),
        ("period ends 2026-01-01 before it starts 2026-02-01", "期限的结束日期 2026-01-01 早于开始日期 2026-02-01。"),
        ("request R-1 is active; this step needs it to be submitted", "申请 R-1 目前已授予（有效），不能办理这一步。"),
        ("user li (省公安厅) does not decide for grid_event: owners are 区指挥中心", "省公安厅 不是这些数据的数源部门，应由 区指挥中心 决定。"),
        ("没有可申请的数据集 nope", "没有可申请的数据集 nope"),  # already Chinese, ids allowed
        ("something went wrong in the engine", None),
        ("bad mask for this column（脱敏方式与该列的个人信息类型不符）", None),  # English sentence inside
    ],
)
def test_messages(message: str, zh: str | None) -> None:
    assert message_zh(message) == zh


def test_error_classes() -> None:
    assert error_zh("ScopeError")[0] == "申请或授予的范围不符合要求"
    assert error_zh("SomethingNew") == error_zh("AccessError")
