"""Headless Chromium for the portal and report tests: the portal served on a free port as a
signed-in user, the DOM after the browser ran the page, the text a person sees on it, and
screenshots. Tests skip where Debian's chromium is absent (`make browser` installs it)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from access.portal import session
from access.portal.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "chromium is not installed (make browser, or apt-get install -y chromium)"


class _SignedIn:
    """ASGI wrapper adding the session cookie to every request, as a signed-in browser would."""

    def __init__(self, app: Any, cookie: str) -> None:
        self.app, self.cookie = app, cookie

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [h for h in scope["headers"] if h[0] != b"cookie"]
            scope = {**scope, "headers": [*headers, (b"cookie", self.cookie.encode())]}
        await self.app(scope, receive, send)


@contextlib.contextmanager
def served_as(user: str) -> Iterator[int]:
    """The portal on a free port, every request signed in as `user`; yields the port."""
    import uvicorn

    cookie = f"{session.COOKIE}={session.issue(user)}"
    server = uvicorn.Server(
        uvicorn.Config(_SignedIn(create_app(), cookie), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def chromium(*args: str) -> str:
    """Run headless Chromium with `args`; its stdout (the DOM with --dump-dom)."""
    base = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    return subprocess.run([*base, *args], check=True, timeout=90, capture_output=True, text=True).stdout


class _Visible(HTMLParser):
    """Text a person sees: no script, style or title, nothing inside a closed <details> but its
    summary, no hidden element; option labels and placeholders count."""

    SKIP = {"script", "style", "title", "template", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    def _hidden(self) -> bool:
        return any(h for _, h in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea") and not self._hidden() and a.get("type") != "hidden":
            self.parts.append(a.get("placeholder") or "")
            if a.get("type") in ("submit", "button"):
                self.parts.append(a.get("value") or "")
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        hides = tag in self.SKIP or "hidden" in a or (tag == "details" and "open" not in a)
        self.stack.append((tag, hides))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside_summary = any(t == "summary" for t, _ in self.stack)
        closed = [t for t, h in self.stack if h]
        if not closed or (inside_summary and closed == ["details"]):
            self.parts.append(data)


def visible_text(dom: str) -> str:
    """The visible text of a dumped DOM, whitespace collapsed."""
    parser = _Visible()
    parser.feed(dom)
    return " ".join(" ".join(parser.parts).split())
