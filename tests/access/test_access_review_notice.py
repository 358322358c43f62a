"""Reviewers are told what waits for them: a filed request notifies the bureau, a request the
bureau passes on notifies the owning department, through a real local webhook; nothing is sent
when nothing is configured, and a channel that fails does not stop the request."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from access import workflow
from tests.support.access_world import household_scope


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []  # type: ignore[type-arg]

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:  # type: ignore[type-arg]
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SHUCANG_REVIEW_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hook")
    monkeypatch.setenv("SHUCANG_PORTAL_URL", "https://portal.example.gov.cn")
    yield _Hook.received
    server.shutdown()


def test_reviewers_are_notified_at_each_step(city: dict[str, str], webhook: list[dict]) -> None:  # type: ignore[type-arg]
    rid = workflow.submit("chen", "核查独居老人", "网格走访", household_scope())
    assert [(n["request_id"], n["stage"], n["reviewers"]) for n in webhook] == [
        (rid, "bureau", ["市数据资源管理局"])]
    assert "西溪街道申请使用 户籍人口" in webhook[0]["text"]
    assert webhook[0]["link"] == "https://portal.example.gov.cn/review"
    workflow.bureau_review(rid, "wang", approve=True)
    assert webhook[1]["stage"] == "department" and webhook[1]["reviewers"] == ["省公安厅"]
    assert "等待省公安厅决定" in webhook[1]["text"]


def test_a_failing_channel_does_not_stop_the_request(city: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUCANG_REVIEW_WEBHOOK", "http://127.0.0.1:9/nothing-listens")
    rid = workflow.submit("chen", "核查", "走访", household_scope())
    assert workflow.show(rid)["status"] == "submitted"


def test_nothing_is_sent_unconfigured(city: dict[str, str]) -> None:
    from access import review_notice

    req = workflow.show(workflow.submit("chen", "核查", "走访", household_scope()))
    assert review_notice.send(req, "bureau") == []
