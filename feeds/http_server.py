"""The local city-tier HTTP feed: a real threaded HTTP server on localhost that serves the sample's
JSON collections (written by `feeds.sample` under <out>/http/<dataset>.json) as paginated JSON, one
route per HTTP contract (`source.location`), with the contract's incremental cursor parameter.

    GET /api/parking/lots?page=1&page_size=200
    GET /api/parking/occupancy?since=2026-11-20T22:30:00&page=1&page_size=1000
    -> {"data": [...], "page": 1, "page_size": 200, "total": 301, "next_page": 2 | null}

Records keep the contract's source keys and the collection's order; `since` keeps records whose
cursor is strictly after it (a naive timestamp is China time). Bad parameters answer 400 with a
JSON error. It only reads the collections; it never writes anything.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from contracts.contract import Contract, load_contracts
from foundation.clock import BEIJING as CHINA
from sources.http import HttpSource

log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 10_000
# a time followed by " HH:MM": the "+HH:MM" offset of an unencoded query string
_PLUS_AS_SPACE = re.compile(r"^(.+[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class FeedServerError(RuntimeError):
    """The feed server cannot start: a collection file is missing or unreadable."""


class BadRequest(ValueError):
    """A request parameter is missing, malformed or not allowed on this route."""


@dataclass(frozen=True)
class Collection:
    """One route's records, with each record's parsed cursor (None when absent or unparsable)."""

    route: str
    dataset: str
    records: list[dict[str, Any]]
    default_page_size: int
    cursor_param: str | None
    cursors: list[datetime | None]

    def page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """The JSON body answering `query` (raises BadRequest)."""
        allowed = {"page", "page_size"} | ({self.cursor_param} if self.cursor_param else set())
        unknown = sorted(set(query) - allowed)
        if unknown:
            raise BadRequest(
                f"unknown parameter(s) {', '.join(unknown)}; {self.route} accepts {sorted(allowed)}"
            )
        page = _int_param(query, "page", 1, 1, None)
        size = _int_param(query, "page_size", self.default_page_size, 1, MAX_PAGE_SIZE)
        records = self.records
        if self.cursor_param and self.cursor_param in query:
            since = parse_instant(_single(query, self.cursor_param), self.cursor_param)
            records = [r for r, c in zip(self.records, self.cursors, strict=True) if c is None or c > since]
        start = (page - 1) * size
        more = start + size < len(records)
        return {
            "data": records[start : start + size],
            "page": page,
            "page_size": size,
            "total": len(records),
            "next_page": page + 1 if more else None,
        }


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
        out[c.source.location] = Collection(
            c.source.location,
            c.id,
            records,
            c.source.page_size,
            c.source.cursor_param if key else None,
            cursors,
        )
    return out


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], collections: dict[str, Collection]) -> None:
        super().__init__(address, _Handler)
        self.collections = collections

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        collection = self.server.collections.get(url.path.rstrip("/") or "/")
        if collection is None:
            routes = sorted(self.server.collections)
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no feed at {url.path}; routes: {routes}"})
            return
        try:
            body = collection.page(parse_qs(url.query, keep_blank_values=True))
        except BadRequest as e:
            self._send(HTTPStatus.BAD_REQUEST, {"error": str(e)})
            return
        self._send(HTTPStatus.OK, body)

    def _send(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
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
