"""Telling reviewers that a request waits for them, through foundation.notify: a JSON POST to
SHUCANG_REVIEW_WEBHOOK and/or a mail to SHUCANG_REVIEW_MAIL_TO. Sent when a request is filed (the
bureau must review it) and when the bureau passes it on (the owning departments must decide).
A channel that fails is logged, never raised: the request is filed either way."""

from __future__ import annotations

import logging
from typing import Any

from access import orgs
from access.scope import contracts
from foundation import settings as config
from foundation.notify import NotificationError, post_json, recipients, send_mail

log = logging.getLogger(__name__)


def notice(req: dict[str, Any], stage: str) -> dict[str, Any]:
    """What reviewers are told: the stage (bureau / department), who must act, the request in
    Chinese and the portal link."""
    known = contracts()
    datasets = list(req["requested"]["datasets"])
    if stage == "bureau":
        who = ["市数据资源管理局"]
    else:
        who = sorted({known[d].owner for d in datasets if d in known})
    titles = "、".join(known[d].title if d in known else d for d in datasets)
    org = orgs.get_org(req["org_id"])["name"]
    link = f"{config.value('SHUCANG_PORTAL_URL') or ''}/review"
    text = (f"{org}申请使用 {titles}（用途：{req['purpose']}），申请编号 {req['request_id']}，"
            f"等待{'、'.join(who)}{'审核' if stage == 'bureau' else '决定'}。请登录门户办理：{link}")
    return {"request_id": req["request_id"], "stage": stage, "reviewers": who,
            "datasets": datasets, "text": text, "link": link}


def send(req: dict[str, Any], stage: str) -> list[str]:
    """Send the notice to every configured channel; the channels that succeeded."""
    url, to = config.value("SHUCANG_REVIEW_WEBHOOK"), recipients(config.value("SHUCANG_REVIEW_MAIL_TO"))
    if not url and not to:
        return []
    body, sent = notice(req, stage), []
    if url:
        try:
            post_json(url, body)
            sent.append("webhook")
        except NotificationError as e:
            log.warning("review notice failed: %s", e)
    if to:
        try:
            send_mail(f"[数仓] 待办：申请 {req['request_id']}", body["text"], to)
            sent.append("email")
        except NotificationError as e:
            log.warning("review notice failed: %s", e)
    return sent
