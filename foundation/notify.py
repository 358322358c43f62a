"""Sending a notification: a JSON POST to a webhook, or a plain-text mail through the SMTP server
of the SHUCANG_QUALITY_SMTP_* settings (one mail server for the whole installation). Callers
decide what to say and to whom; this module only delivers."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

import httpx

from foundation import settings as config


class NotificationError(RuntimeError):
    """A configured notification channel refused or could not be reached."""


def post_json(url: str, payload: Mapping[str, Any]) -> None:
    """POST `payload` as JSON to `url`; NotificationError unless it answers 2xx."""
    try:
        r = httpx.post(url, json=dict(payload), timeout=10)
    except httpx.HTTPError as e:
        raise NotificationError(f"webhook {url}: {e}") from e
    if not r.is_success:
        raise NotificationError(f"webhook {url} answered {r.status_code}: {r.text[:200]}")


def recipients(value: str | None) -> list[str]:
    """A comma-separated address list as a list, blanks dropped."""
    return [a.strip() for a in (value or "").split(",") if a.strip()]


def send_mail(subject: str, text: str, to: Sequence[str]) -> None:
    """Mail `text` to `to` through the SMTP server named by SHUCANG_QUALITY_SMTP_*."""
    host = config.value("SHUCANG_QUALITY_SMTP_HOST")
    if not host:
        raise NotificationError("SHUCANG_QUALITY_SMTP_HOST names no server")
    if not to:
        raise NotificationError("no recipient")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = config.value("SHUCANG_QUALITY_SMTP_FROM") or "shucang@localhost"
    msg["To"] = ", ".join(to)
    msg.set_content(text)
    try:
        with smtplib.SMTP(host, int(config.number("SHUCANG_QUALITY_SMTP_PORT") or 25), timeout=10) as s:
            if config.flag("SHUCANG_QUALITY_SMTP_STARTTLS"):
                s.starttls()
            if user := config.value("SHUCANG_QUALITY_SMTP_USER"):
                s.login(user, config.value("SHUCANG_QUALITY_SMTP_PASSWORD") or "")
            s.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise NotificationError(f"SMTP {host}: {e}") from e
