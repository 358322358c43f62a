"""The local city-tier HTTP feed: a real threaded HTTP server on localhost that serves the sample's
JSON collections (written by `feeds.sample` under <out>/http/<dataset>.json) as paginated JSON, one
route per HTTP contract (`source.location`), with the contract's incremental cursor parameter.

    GET /api/parking/lots?page=1&page_size=200
    GET /api/parking/occupancy?since=2026-11-20T22:30:00&page=1&page_size=1000
    -> {"data": [...], "page": 1, "page_size": 200, "total": 301, "next_page": 2 | null}

Each route pages and authenticates as its contract's `paging` and `auth` say (sources/http.py):
page numbers with `next_page`, offset/limit with `total`, an opaque `next_cursor` token, or a
`Link: <...>; rel="next"` header; an API key, a bearer token or a signed request (AppKey +
timestamp + nonce + HMAC-SHA256, the timestamp within five minutes and each nonce used once),
checked against the same credentials the client reads; a request that fails it answers 401.
`FeedServer.script` holds statuses to answer before serving (429 and 503 with Retry-After), so
tests exercise retries over real HTTP.

Records keep the contract's source keys and the collection's order; `since` keeps records whose
cursor is strictly after it (a naive timestamp is China time). Bad parameters answer 400 with a
JSON error. It only reads the collections; it never writes anything.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from contracts.contract import Contract, load_contracts
from foundation.clock import BEIJING as CHINA
from foundation.settings import secret
from sources.http import (
    ApiKey,
    Bearer,
    CursorToken,
    HttpSource,
    LinkHeader,
    Offset,
    PageNumber,
    Signed,
    canonical_string,
    signature,
)

log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 10_000
# a time followed by " HH:MM": the "+HH:MM" offset of an unencoded query string
_PLUS_AS_SPACE = re.compile(r"^(.+[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class FeedServerError(RuntimeError):
    """The feed server cannot start: a collection file is missing or unreadable."""


class BadRequest(ValueError):
    """A request parameter is missing, malformed or not allowed on this route."""


class Unauthorized(ValueError):
    """A request without the credentials its route's contract asks for."""


NONCE_WINDOW_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class Collection:
    """One route's records, with each record's parsed cursor (None when absent or unparsable), and
    how the route pages and authenticates (its contract's source)."""

    route: str
    dataset: str
    records: list[dict[str, Any]]
    cursors: list[datetime | None]
    source: HttpSource
    cursor_param: str | None
    # the route's credentials, read once when the server starts (the server's own copy)
    credentials: dict[str, str | None]

    def _window(self, query: dict[str, list[str]]) -> tuple[int, int, set[str]]:
        """(start, size) of the asked page and the parameter names the route's paging takes."""
        paging, default = self.source.paging, self.source.page_size
        if isinstance(paging, Offset):
            names = {paging.offset_param, paging.limit_param}
            return (_int_param(query, paging.offset_param, 0, 0, None),
                    _int_param(query, paging.limit_param, default, 1, MAX_PAGE_SIZE), names)
        size_param = paging.size_param
        size = _int_param(query, size_param, default, 1, MAX_PAGE_SIZE)
        if isinstance(paging, CursorToken):
            token = _single(query, paging.token_param) if paging.token_param in query else None
            return _token_offset(token), size, {paging.token_param, size_param}
        page_param = paging.page_param if isinstance(paging, PageNumber) else "page"
        first = paging.first_page if isinstance(paging, PageNumber) else 1
        page = _int_param(query, page_param, first, first, None)
        return (page - first) * size, size, {page_param, size_param}

    def page(self, query: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, str]]:
        """The JSON body and extra headers answering `query` (raises BadRequest)."""
        auth = self.source.auth
        auth_params = {auth.query} if isinstance(auth, ApiKey) and auth.query else set()
        query = {k: v for k, v in query.items() if k not in auth_params}
        start, size, names = self._window(query)
        allowed = names | ({self.cursor_param} if self.cursor_param else set())
        unknown = sorted(set(query) - allowed)
        if unknown:
            raise BadRequest(
                f"unknown parameter(s) {', '.join(unknown)}; {self.route} accepts {sorted(allowed)}"
            )
        records = self.records
        if self.cursor_param and self.cursor_param in query:
            since = parse_instant(_single(query, self.cursor_param), self.cursor_param)
            records = [r for r, c in zip(self.records, self.cursors, strict=True) if c is None or c > since]
        more = start + size < len(records)
        body: dict[str, Any] = {self.source.records_path: records[start : start + size],
                                "total": len(records)}
        headers: dict[str, str] = {}
        paging = self.source.paging
        if isinstance(paging, PageNumber):
            page = start // size + paging.first_page
            body.update({"page": page, "page_size": size})
            body[paging.next_path] = page + 1 if more else None
        elif isinstance(paging, CursorToken):
            body[paging.next_path] = _token(start + size) if more else None
        elif isinstance(paging, LinkHeader) and more:
            nxt = {k: v[0] for k, v in query.items()}
            nxt |= {"page": str(start // size + 2), paging.size_param: str(size)}
            headers["Link"] = f'<{self.route}?{urlencode(nxt)}>; rel="next"'
        return body, headers


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _token_offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        kind, _, offset = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().partition(":")
        if kind == "o" and offset.isdigit():
            return int(offset)
    except ValueError:
        pass
    raise BadRequest(f"cursor {token!r} is not one this server gave")


CREDENTIAL_FIELDS = ("KEY", "TOKEN", "APP_KEY", "APP_SECRET")


def check_auth(source: HttpSource, credentials: dict[str, str | None], method: str, path: str,
               query: list[tuple[str, str]], headers: Any, seen_nonces: set[str]) -> None:
    """Raise Unauthorized unless the request carries the `credentials` that `source.auth` asks for."""
    auth = source.auth
    if auth is None:
        return
    if isinstance(auth, ApiKey):
        got = dict(query).get(auth.query) if auth.query else headers.get(auth.header or "X-API-Key")
        if not got or not hmac.compare_digest(got, credentials["KEY"] or ""):
            raise Unauthorized("missing or wrong API key")
    elif isinstance(auth, Bearer):
        want = f"Bearer {credentials['TOKEN'] or ''}"
        if not hmac.compare_digest(headers.get("Authorization", ""), want):
            raise Unauthorized("missing or wrong bearer token")
    elif isinstance(auth, Signed):
        app_key, stamp = headers.get(auth.app_key_header, ""), headers.get(auth.timestamp_header, "")
        nonce, signed = headers.get(auth.nonce_header, ""), headers.get(auth.signature_header, "")
        if app_key != credentials["APP_KEY"] or not stamp.isdigit() or not nonce:
            raise Unauthorized("missing or unknown app key, timestamp or nonce")
        if abs(time.time() * 1000 - int(stamp)) > NONCE_WINDOW_MS:
            raise Unauthorized("timestamp outside the five-minute window")
        want = signature(credentials["APP_SECRET"] or "",
                         canonical_string(method, path, query, app_key, stamp, nonce))
        if not hmac.compare_digest(signed, want):
            raise Unauthorized("signature does not match")
        if nonce in seen_nonces:
            raise Unauthorized("nonce already used")
        seen_nonces.add(nonce)


def _single(query: dict[str, list[str]], name: str) -> str:
    values = query[name]
    if len(values) != 1:
        raise BadRequest(f"parameter {name} given {len(values)} times; give it once")
    return values[0]


def _int_param(query: dict[str, list[str]], name: str, default: int, low: int, high: int | None) -> int:
    if name not in query:
        return default
    raw = _single(query, name)
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name} must be an integer, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise BadRequest(f"parameter {name} must be {bounds}, got {value}")
    return value


def parse_instant(raw: str, name: str = "since") -> datetime:
    """An ISO 8601 timestamp as naive China time (offsets converted; naive taken as China time)."""
    text = _PLUS_AS_SPACE.sub(r"\1+\2", raw.strip())  # an unencoded '+' in a query reads as a space
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise BadRequest(f"parameter {name} must be an ISO 8601 timestamp, got {raw!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(CHINA).replace(tzinfo=None)
    return value


def _cursor(value: Any) -> datetime | None:
    try:
        return parse_instant(str(value))
    except BadRequest:
        return None


def load_collections(data_dir: Path, contracts: dict[str, Contract] | None = None) -> dict[str, Collection]:
    """The collections of every HTTP contract, keyed by route; `data_dir` is the sample output
    folder or its http/ subfolder."""
    folder = data_dir / "http" if (data_dir / "http").is_dir() else data_dir
    out = {}
    for c in (contracts or load_contracts()).values():
        if not isinstance(c.source, HttpSource):
            continue
        path = folder / f"{c.id}.json"
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise FeedServerError(
                f"{path}: cannot read the {c.id} collection ({e}); run `shucang feeds sample` first"
            ) from None
        key = c.column(c.cursor).source_name if c.cursor and c.source.cursor_param else None
        cursors = [_cursor(r.get(key)) if key else None for r in records]
        auth = c.source.auth
        credentials = {f: secret("http", auth.credential, f) if auth else None for f in CREDENTIAL_FIELDS}
        out[c.source.location] = Collection(c.source.location, c.id, records, cursors, c.source,
                                            c.source.cursor_param if key else None, credentials)
    return out


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], collections: dict[str, Collection]) -> None:
        super().__init__(address, _Handler)
        self.collections = collections
        # statuses to answer before serving, e.g. [(429, "1"), (503, None)]: (status, Retry-After)
        self.script: list[tuple[int, str | None]] = []
        self.nonces: set[str] = set()
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        with self.server.lock:
            scripted = self.server.script.pop(0) if self.server.script else None
        if scripted:
            status, retry_after = scripted
            self._send(HTTPStatus(status), {"error": "try again later"},
                       {"Retry-After": retry_after} if retry_after else {})
            return
        url = urlsplit(self.path)
        collection = self.server.collections.get(url.path.rstrip("/") or "/")
        if collection is None:
            routes = sorted(self.server.collections)
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no feed at {url.path}; routes: {routes}"})
            return
        try:
            with self.server.lock:
                check_auth(collection.source, collection.credentials, "GET", url.path,
                           parse_qsl(url.query, keep_blank_values=True), self.headers, self.server.nonces)
            body, headers = collection.page(parse_qs(url.query, keep_blank_values=True))
        except Unauthorized as e:
            self._send(HTTPStatus.UNAUTHORIZED, {"error": str(e)})
            return
        except BadRequest as e:
            self._send(HTTPStatus.BAD_REQUEST, {"error": str(e)})
            return
        self._send(HTTPStatus.OK, body, headers)

    def _send(self, status: HTTPStatus, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        log.debug("%s %s", self.address_string(), format % args)


def serve(data_dir: Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the collections under `data_dir` until interrupted (blocking)."""
    server = FeedServer((host, port), load_collections(data_dir))
    log.info("serving %s on %s", ", ".join(sorted(server.collections)), server.base_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def start_in_thread(data_dir: Path, host: str = "127.0.0.1", port: int = 0) -> tuple[FeedServer, str]:
    """Start the server on a background thread (port 0 = a free port); returns it and its base URL.
    Stop it with `stop(server)`."""
    server = FeedServer((host, port), load_collections(data_dir))
    thread = threading.Thread(target=server.serve_forever, name="shucang-feed-server", daemon=True)
    thread.start()
    return server, server.base_url


def stop(server: FeedServer) -> None:
    """Stop a server started with `start_in_thread` and release its port."""
    server.shutdown()
    server.server_close()


@contextmanager
def running(data_dir: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """`with running(out) as base_url:` a server for the duration of the block."""
    server, base_url = start_in_thread(data_dir, host, port)
    try:
        yield base_url
    finally:
        stop(server)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Serve the sample city-tier feeds as paginated JSON.")
    parser.add_argument("data_dir", type=Path, help="the sample output folder (or its http/ folder)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    serve(args.data_dir, args.host, args.port)
