"""Notification of failed gates through a real webhook server and a real (minimal) SMTP server
on 127.0.0.1; nothing is sent for a load that passes."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from quality.notify import NotificationError, notify_failed_gates, send_webhook
from quality.report import GateResult
from tests.support.quality_staged import contract, rows, write

FAILED = GateResult("row_count_collapse", False, "40", ">= 60", "grid_event: 40 rows, expected 60")
PASSED = GateResult("schema_drift", True, "as contracted", "x", "ok")


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[_Hook]]]:
    handler = type("Hook", (_Hook,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message (HELO/EHLO, MAIL, RCPT, DATA, QUIT)."""

    messages: list[str] = []

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 localhost test SMTP")
        while line := self.rfile.readline().decode():
            verb = line[:4].upper()
            if verb == "DATA":
                self._say("354 end with .")
                body = []
                while (chunk := self.rfile.readline().decode()) not in (".\r\n", ""):
                    body.append(chunk)
                type(self).messages.append("".join(body))
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def smtp() -> Iterator[tuple[int, type[_Smtp]]]:
    handler = type("Smtp", (_Smtp,), {"messages": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def test_webhook_receives_failed_gates(webhook, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url, hook = webhook
    monkeypatch.setenv("SHUCANG_QUALITY_WEBHOOK", url)
    assert notify_failed_gates("grid_event", "L1", [FAILED, PASSED]) == ["webhook"]
    (payload,) = hook.received
    assert payload["dataset"] == "grid_event" and payload["load_id"] == "L1"
    assert [g["name"] for g in payload["gates"]] == ["row_count_collapse"]
    assert "40 rows" in payload["text"]


def test_nothing_is_sent_when_every_gate_passed(webhook, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url, hook = webhook
    monkeypatch.setenv("SHUCANG_QUALITY_WEBHOOK", url)
    assert notify_failed_gates("grid_event", "L1", [PASSED]) == []
    assert hook.received == []


def test_a_refusing_webhook_is_an_error_but_never_stops_the_rejection(
    webhook, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    url, hook = webhook
    hook.status = 500
    with pytest.raises(NotificationError, match="answered 500"):
        send_webhook(url, "grid_event", "L1", [FAILED])
    monkeypatch.setenv("SHUCANG_QUALITY_WEBHOOK", url)
    assert notify_failed_gates("grid_event", "L1", [FAILED]) == []


def test_email_is_sent_through_smtp(smtp, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    port, server = smtp
    monkeypatch.setenv("SHUCANG_QUALITY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SHUCANG_QUALITY_SMTP_PORT", str(port))
    monkeypatch.setenv("SHUCANG_QUALITY_SMTP_TO", "ops@example.org, duty@example.org")
    assert notify_failed_gates("grid_event", "L1", [FAILED]) == ["email"]
    (message,) = server.messages
    assert "row_count_collapse" in message and "ops@example.org" in message


def test_validate_load_notifies_on_a_blocked_load(home: Path, webhook,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from quality.validate import validate_load

    url, hook = webhook
    monkeypatch.setenv("SHUCANG_QUALITY_WEBHOOK", url)
    c = contract("household_register")
    records = rows(c, 4)
    for r in records:
        r["match_level"] = "none"  # no address matched: the address gate blocks
    data = write(home / "staging" / c.id / "L9" / "addressed.parquet", c, records)
    report = validate_load(c, data, load_id="L9")
    assert [g.name for g in report.blocking] == ["address_match_rate"]
    (payload,) = hook.received
    assert payload["load_id"] == "L9" and payload["gates"][0]["name"] == "address_match_rate"
