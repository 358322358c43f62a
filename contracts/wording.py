"""The Chinese a clerk or manager reads for the project's English vocabulary: statuses,
decisions, grades, error classes and reason codes. One table per vocabulary, used by the portal
and the report alike; codes stay codes in files meant for machines (CSV, JSON). Pure data and
lookups; it imports nothing of the project."""

from __future__ import annotations

import re

STATUS_ZH = {"submitted": "待数据局审核", "reviewing": "待数源部门决定", "denied": "未通过",
             "active": "已授予（有效）", "expired": "已到期", "revoked": "已撤销"}
DECISION_ZH = {"approved": "同意", "narrowed": "缩减后同意", "denied": "不同意"}
GRADE_ZH = {"L1": "L1 不敏感", "L2": "L2 低敏感", "L3": "L3 较敏感", "L4": "L4 敏感"}
TIER_ZH = {"province": "省级", "city": "市级", "district": "区级", "community": "社区"}
ORG_KIND_ZH = {"bureau": "数据资源管理局", "department": "数源部门", "street": "街道",
               "community": "社区", "app": "应用"}
TIMELINESS_ZH = {"on_time": "及时", "late": "滞后", "stale": "过期", "unpublished": "未发布"}
MATCH_LEVEL_ZH = {"house": "房屋", "building": "楼幢", "estate": "小区", "community": "社区",
                  "street": "街道", "district": "区县", "matched": "已匹配", "unmatched": "未匹配",
                  "unresolved": "未解析（隔离）"}

# Error class name -> what a clerk is told happened and what to do about it.
ERROR_ZH = {
    "AccessError": ("操作未能完成", "请检查填写的内容后重试。"),
    "UnknownEntityError": ("找不到要办理的对象", "申请、授权、单位或人员不存在或已被删除。"),
    "OrganizationError": ("单位或人员信息有误", "请联系数据资源管理局核对单位信息。"),
    "PermissionDenied": ("没有办理此事项的权限", "请由有权限的审核人办理，或联系数据资源管理局。"),
    "SeparationOfDutiesError": ("申请人不能审核自己的申请", "请由本单位其他审核人办理。"),
    "ClassificationError": ("超出数据分级分类允许的范围", "不予共享的数据不能申请，敏感字段须脱敏。"),
    "ScopeError": ("申请或授予的范围不符合要求", "请按提示调整数据项、脱敏方式、行范围或期限。"),
    "WorkflowError": ("当前状态不能办理这一步", "请刷新页面查看申请的最新状态。"),
    "GrantNotActiveError": ("授权不在有效期内", "授权已到期、已撤销或尚未生效，请重新申请。"),
    "ArtifactIntegrityError": ("授权数据文件校验未通过", "文件可能被改动，请联系数据资源管理局。"),
    "QueryRefused": ("查询语句未被允许", "只能查询已授权的数据，且只能用一条 SELECT 语句。"),
    "AuthenticationError": ("登录凭证无效", "令牌不存在、已撤销或已过期，请向管理员重新申领。"),
    "QueryFailed": ("查询执行出错", "请检查语句中的类型和运算后重试。"),
    "BadInput": ("填写的内容有误", "请按提示修改后重新提交。"),
}

CHECK_ZH = {"regex": "格式不符", "in_set": "不在允许的取值内", "between": "超出允许范围",
            "after": "日期早于规定", "resident_id": "身份证号无效", "mobile": "手机号无效",
            "credit_code": "统一社会信用代码无效", "not_future": "日期晚于当前",
            "required": "必填项为空", "primary_key": "主键重复或为空",
            "address_match_rate": "地址匹配率不足"}
GATE_ZH = {"row_count_collapse": "行数骤降", "row_count_spike": "行数暴增", "null_rate_jump": "空值率突增",
           "schema_drift": "表结构变化", "distinct_key_collapse": "主键去重数骤降", "feed_late": "数据迟到"}
REJECTED_ZH = {"encoding": "文件编码无法识别", "truncated": "文件不完整", "malformed": "文件格式损坏",
               "schema_drift": "表结构变化", "empty": "文件为空"}
REASON_ZH = {"cast": "类型转换失败", "required": "必填项为空", "duplicate_key": "主键重复",
             "rejected": "整批拒收", "address_unresolved": "地址未能匹配"}


def reason_zh(code: str) -> str:
    """A reason code in Chinese: check:in_set -> 校验：不在允许的取值内; an unknown code is returned
    as 其他原因 so no code reaches a page."""
    head, _, rest = code.partition(":")
    if head == "check":
        return f"校验：{CHECK_ZH.get(rest, '其他校验未通过')}"
    if head == "rejected" and rest.startswith("gate:"):
        return f"整批拒收：{GATE_ZH.get(rest[5:], '质量闸门未通过')}"
    if head == "rejected" and rest:
        return f"整批拒收：{REJECTED_ZH.get(rest, '文件无法读取')}"
    if head == "address":
        return "地址未能匹配"
    return REASON_ZH.get(code) or GATE_ZH.get(code) or CHECK_ZH.get(code) or "其他原因"


def error_zh(kind: str) -> tuple[str, str]:
    """(what happened, what to do) for an error class name; the base class's for an unknown one."""
    return ERROR_ZH.get(kind, ERROR_ZH["AccessError"])


# English error messages a clerk can meet, as (pattern, Chinese); {name} fills from the match.
MESSAGES_ZH: list[tuple[str, str]] = [
    (r"a request states its purpose .*", "申请须填写用途和应用场景。"),
    (r"a request names at least one dataset", "申请至少要选择一个数据集。"),
    (r"dataset (?P<d>\S+): name at least one column", "数据集 {d}：请至少选择一个数据项。"),
    (r"period ends (?P<e>\S+) before it starts (?P<s>\S+)", "期限的结束日期 {e} 早于开始日期 {s}。"),
    (r"period (?P<s>\S+)\.\.(?P<e>\S+) is longer than (?P<n>\d+) days",
     "期限 {s} 至 {e} 超过了 {n} 天的上限。"),
    (r"unknown dataset '?(?P<d>[^' ;]+)'?.*", "没有数据集 {d}。"),
    (r"dataset (?P<d>\S+) is 不予共享 and cannot be requested", "数据集 {d} 属于不予共享，不能申请。"),
    (r"a denial states its reason", "不同意时须填写理由。"),
    (r"a revocation states its reason", "撤销授权时须填写理由。"),
    (r"a (?P<k>narrowed|denied) decision states its reason", "缩减或不同意时须填写理由。"),
    (r"narrowing names one dataset.*", "缩减授权时须指明一个数据集。"),
    (r"the granted end (?P<e>\S+) must lie within the requested period (?P<p>\S+)",
     "授予的结束日期 {e} 须在申请的期限内。"),
    (r"user \S+ is not a bureau reviewer", "只有数据资源管理局的审核人可以办理。"),
    (r"user \S+ \((?P<o>[^)]+)\) does not decide for .*owners are (?P<w>.+)",
     "{o} 不是这些数据的数源部门，应由 {w} 决定。"),
    (r"user \S+ filed request \S+ and cannot \w+ it.*",
     "申请人不能审核或决定自己的申请，请由本单位其他审核人办理。"),
    (r"request (?P<r>\S+) is (?P<s>\w+); owners decide only after.*",
     "申请 {r} 目前{s_zh}，须在数据局审核通过后由数源部门决定。"),
    (r"request (?P<r>\S+) is (?P<s>\w+); this step needs it to be .*",
     "申请 {r} 目前{s_zh}，不能办理这一步。"),
    (r"grant (?P<g>\S+) is already (?P<s>\w+)", "授权 {g} 目前{s_zh}。"),
    (r"grant (?P<g>\S+) ended at .*", "授权 {g} 已到期，不能再使用。"),
    (r"grant (?P<g>\S+) is valid only from .*", "授权 {g} 尚未生效。"),
    (r"unknown token", "令牌无效。"),
    (r"token \S+ was revoked", "令牌已被撤销。"),
    (r"token \S+ expired at .*", "令牌已过期。"),
    (r"format '?(?P<f>[^' ]+)'?: choose parquet or csv", "格式 {f} 不可用，请选择 CSV 或 Parquet。"),
    (r"no (?P<what>organization|user|request|grant) .*", "找不到对应的{what_zh}。"),
]
_WHAT_ZH = {"organization": "单位", "user": "人员", "request": "申请", "grant": "授权"}
CJK = re.compile(r"[\u3400-\u9fff]")


def message_zh(message: str) -> str | None:
    """The Chinese for an English error message, or None when it has no translation (a message
    already in Chinese is returned as it is, ids and all)."""
    for pattern, zh in MESSAGES_ZH:
        m = re.fullmatch(pattern, message.strip(), flags=re.S)
        if m:
            values = m.groupdict()
            values["s_zh"] = STATUS_ZH.get(values.get("s") or "", "")
            values["what_zh"] = _WHAT_ZH.get(values.get("what") or "", "")
            return zh.format(**values)
    # a message written in Chinese may name ids; one with an English sentence in it is not shown
    english = re.search(r"[A-Za-z]+[ ,]+[A-Za-z]+[ ,]+[A-Za-z]+", message)
    return message if CJK.search(message) and not english else None
