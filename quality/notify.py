"""Notification of failed gates: a JSON POST to a webhook and/or an e-mail, configured from the
environment. Nothing is sent when nothing is configured.

  SHUCANG_QUALITY_WEBHOOK        URL that receives {"dataset", "load_id", "gates": [...], "text"}
  SHUCANG_QUALITY_SMTP_HOST      SMTP server (with _PORT default 25, _FROM, _TO comma-separated,
                                 optional _USER/_PASSWORD and _STARTTLS=1)

It owns what is said; foundation.notify delivers it. It decides nothing about gates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from foundation import settings as config
from foundation.notify import NotificationError, post_json, recipients, send_mail
from quality.report import GateResult

log = logging.getLogger(__name__)


def _text(dataset: str, load_id: str, failed: Sequence[GateResult]) -> str:
    lines = [f"shucang quality: load {load_id} of {dataset} was rejected by {len(failed)} gate(s)"]
    lines += [f"- {g.name}: {g.message} (observed {g.observed}, expected {g.expected})" for g in failed]
    return "\n".join(lines)


def send_webhook(url: str, dataset: str, load_id: str, failed: Sequence[GateResult]) -> None:
    """POST the failed gates as JSON to `url`; NotificationError unless it answers 2xx."""
    post_json(url, {"dataset": dataset, "load_id": load_id, "gates": [g.as_row() for g in failed],
                    "text": _text(dataset, load_id, failed)})


def send_email(dataset: str, load_id: str, failed: Sequence[GateResult]) -> None:
    """Mail the failed gates through the SMTP server named by SHUCANG_QUALITY_SMTP_*."""
    to = recipients(config.value("SHUCANG_QUALITY_SMTP_TO"))
    if not to:
        raise NotificationError("SHUCANG_QUALITY_SMTP_TO names no recipient")
    send_mail(f"[shucang] {dataset}: load {load_id} rejected by quality gates",
              _text(dataset, load_id, failed), to)


def notify_failed_gates(dataset: str, load_id: str, gates: Sequence[GateResult]) -> list[str]:
    """Send the failed gates to every configured channel; returns the channels that succeeded.
    A channel that fails is logged, never raised: a rejected load stays rejected either way."""
    failed = [g for g in gates if not g.passed]
    sent: list[str] = []
    if not failed:
        return sent
    if url := config.value("SHUCANG_QUALITY_WEBHOOK"):
        try:
            send_webhook(url, dataset, load_id, failed)
            sent.append("webhook")
        except NotificationError as e:
            log.warning("quality notification failed: %s", e)
    if config.value("SHUCANG_QUALITY_SMTP_HOST"):
        try:
            send_email(dataset, load_id, failed)
            sent.append("email")
        except (NotificationError, KeyError) as e:
            log.warning("quality notification failed: %s", e)
    return sent
