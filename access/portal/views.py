"""What the portal's templates show for the control plane's stored vocabulary: people by name,
request history in Chinese, errors as a clerk reads them. The words come from
`contracts.wording`; this module only applies them to portal values. Reads users; writes nothing."""

from __future__ import annotations

import re

from jinja2 import Environment

from access import orgs
from access.errors import UnknownEntityError
from contracts.wording import (
    DECISION_ZH,
    GRADE_ZH,
    ORG_KIND_ZH,
    STATUS_ZH,
    TIER_ZH,
    error_zh,
    message_zh,
    reason_zh,
)

DECISION_NOTE = re.compile(r"(?P<d>approved|narrowed|denied) (?P<ds>[\w, ]+?)(?:: (?P<why>.*))?", re.S)


def person(user_id: str | None) -> str:
    """A user as staff know them: 王芳（西溪街道）; the id itself when the user is unknown."""
    if not user_id:
        return ""
    try:
        user = orgs.get_user(user_id)
    except UnknownEntityError:
        return user_id
    return f"{user['name']}（{user['org_name']}）"


def history_note(note: str | None, titles: dict[str, str]) -> str:
    """A stored transition note in Chinese: `narrowed household_register: 只需本社区` becomes
    缩减后同意 户籍人口：只需本社区; a reviewer's own words are kept as written."""
    if not note:
        return ""
    m = DECISION_NOTE.fullmatch(note)
    if m:
        names = "、".join(titles.get(d.strip(), d.strip()) for d in m["ds"].split(","))
        return f"{DECISION_ZH[m['d']]}：{names}" + (f"（理由：{m['why']}）" if m["why"] else "")
    if note == "every dataset denied":
        return "所有数据集均不同意"
    if note.startswith("grant "):
        return f"已生成授权 {note.removeprefix('grant ')}"
    return note


def error_view(kind: str, message: str) -> dict[str, str]:
    """The error page's parts: what happened, the message in Chinese (or the class's advice
    when the message has no translation) and the original text for the technician."""
    title, advice = error_zh(kind)
    return {"title": title, "message": message_zh(message) or advice, "detail": message}


def install(env: Environment) -> None:
    """Register the filters and tables the templates use."""
    env.filters.update(person=person, history_note=history_note, reason_zh=reason_zh)
    env.globals.update(status_zh=STATUS_ZH, decision_zh=DECISION_ZH, grade_zh=GRADE_ZH,
                       tier_zh=TIER_ZH, org_kind_zh=ORG_KIND_ZH)
