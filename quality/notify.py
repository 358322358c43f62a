"""Notification of failed gates: a JSON POST to a webhook and/or an e-mail, configured from the
environment. Nothing is sent when nothing is configured.

  SHUCANG_QUALITY_WEBHOOK        URL that receives {"dataset", "load_id", "gates": [...], "text"}
  SHUCANG_QUALITY_SMTP_HOST      SMTP server (with _PORT default 25, _FROM, _TO comma-separated,
                                 optional _USER/_PASSWORD and _STARTTLS=1)

It owns sending; it decides nothing about gates.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

import httpx

from foundation import settings as config
from quality.report import GateResult

log = logging.getLogger(__name__)


class NotificationError(RuntimeError):
    """A configured notification channel refused or could not be reached."""


def _text(dataset: str, load_id: str, failed: Sequence[GateResult]) -> str:
    lines = [f"shucang quality: load {load_id} of {dataset} was rejected by {len(failed)} gate(s)"]
    lines += [f"- {g.name}: {g.message} (observed {g.observed}, expected {g.expected})" for g in failed]
    return "\n".join(lines)


def send_webhook(url: str, dataset: str, load_id: str, failed: Sequence[GateResult]) -> None:
    """POST the failed gates as JSON to `url`; NotificationError unless it answers 2xx."""
    payload = {"dataset": dataset, "load_id": load_id, "gates": [g.as_row() for g in failed],
               "text": _text(dataset, load_id, failed)}
    try:
        r = httpx.post(url, json=payload, timeout=10)
    except httpx.HTTPError as e:
        raise NotificationError(f"webhook {url}: {e}") from e
    if not r.is_success:
        raise NotificationError(f"webhook {url} answered {r.status_code}: {r.text[:200]}")


def send_email(dataset: str, load_id: str, failed: Sequence[GateResult]) -> None:
    """Mail the failed gates through the SMTP server named by SHUCANG_QUALITY_SMTP_*."""
    host = config.value("SHUCANG_QUALITY_SMTP_HOST")
    if not host:
        raise NotificationError("SHUCANG_QUALITY_SMTP_HOST names no server")
    to = [a.strip() for a in (config.value("SHUCANG_QUALITY_SMTP_TO") or "").split(",") if a.strip()]
    if not to:
        raise NotificationError("SHUCANG_QUALITY_SMTP_TO names no recipient")
    msg = EmailMessage()
    msg["Subject"] = f"[shucang] {dataset}: load {load_id} rejected by quality gates"
    msg["From"] = config.value("SHUCANG_QUALITY_SMTP_FROM") or "shucang@localhost"
    msg["To"] = ", ".join(to)
    msg.set_content(_text(dataset, load_id, failed))
    try:
        with smtplib.SMTP(host, int(config.number("SHUCANG_QUALITY_SMTP_PORT") or 25), timeout=10) as s:
            if config.flag("SHUCANG_QUALITY_SMTP_STARTTLS"):
                s.starttls()
            if user := config.value("SHUCANG_QUALITY_SMTP_USER"):
                s.login(user, config.value("SHUCANG_QUALITY_SMTP_PASSWORD") or "")
            s.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise NotificationError(f"SMTP {host}: {e}") from e


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
