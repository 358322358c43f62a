"""The http source kind over real HTTP (the feed server on a free port): each paging style with
each auth style, a contract and no code; rows conserved and resumed from the cursor; wrong
credentials refused; 429/5xx retried by the contract's policy; the signed request's canonical
string pinned."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.contract import load_contracts
from control import ledger
from feeds.http_server import FeedServer, load_collections, parse_instant
from shucang.pipeline import run_feed
from sources.base import FeedUnavailable
from sources.http import Retry, canonical_string, signature
from tests.support.source_servers import contract, write_contract
from warehouse.manifest import read_manifest

COLUMNS = [
    {"name": "reading_id", "title": "编号", "source": "id", "type": "string", "required": True},
    {"name": "observed_at", "title": "时间", "source": "ts", "type": "timestamp", "required": True},
    {"name": "value", "title": "读数", "source": "v", "type": "integer", "required": True},
]
T0 = dt.datetime(2026, 11, 20, 8, 0)
STYLES = {
    "http_pages_key": ({"style": "page_number"}, {"style": "api_key", "credential": "city_gw"}),
    "http_offset_query_key": ({"style": "offset"},
                              {"style": "api_key", "credential": "city_gw", "query": "appkey"}),
    "http_cursor_bearer": ({"style": "cursor"}, {"style": "bearer", "credential": "city_gw"}),
    "http_link_signed": ({"style": "link"}, {"style": "signed", "credential": "province_gw"}),
}


def _records(start: int, n: int) -> list[dict]:
    return [{"id": f"R{i:05d}", "ts": (T0 + dt.timedelta(minutes=i)).isoformat(" "), "v": i}
            for i in range(start, start + n)]


@pytest.fixture
def server(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """A feed server with one route per style, its contracts and credentials in the environment."""
    folder, data = home / "contracts", home / "http"
    data.mkdir()
    for dataset, (paging, auth) in STYLES.items():
        source = {"kind": "http", "location": f"/api/{dataset}", "endpoint": "testfeeds",
                  "schedule": "@hourly", "page_size": 10, "cursor_param": "since", "paging": paging,
                  "auth": auth, "retry": {"attempts": 4, "backoff": 0.01, "max_wait": 2}}
        write_contract(folder, contract(dataset, source, COLUMNS, ["reading_id"], "observed_at"))
        (data / f"{dataset}.json").write_text(json.dumps(_records(0, 45)), encoding="utf-8")
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))
    for name, value in {"CITY_GW_KEY": "k-123", "CITY_GW_TOKEN": "t-456", "PROVINCE_GW_APP_KEY": "AK1",
                        "PROVINCE_GW_APP_SECRET": "s3cret"}.items():
        monkeypatch.setenv(f"SHUCANG_HTTP_{name}", value)
    srv = FeedServer(("127.0.0.1", 0), load_collections(data, load_contracts()))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    monkeypatch.setenv("SHUCANG_HTTP_TESTFEEDS_URL", srv.base_url)
    yield srv
    srv.shutdown()
    srv.server_close()


def _append(srv: FeedServer, dataset: str, records: list[dict]) -> None:
    collection = srv.collections[f"/api/{dataset}"]
    collection.records.extend(records)
    collection.cursors.extend(parse_instant(r["ts"]) for r in records)


@pytest.mark.parametrize("dataset", list(STYLES))
def test_each_paging_and_auth_style_lands_and_resumes(server: FeedServer, dataset: str) -> None:
    first = run_feed(dataset)
    assert first is not None
    load = ledger.get_load(first["load_id"])
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (45, 45, 0)
    _append(server, dataset, _records(45, 7))
    second = run_feed(dataset)
    assert second is not None
    load = ledger.get_load(second["load_id"])
    assert (load["rows_in"], load["rows_published"], load["rows_quarantined"]) == (7, 7, 0)
    assert read_manifest(dataset).rows == 52
    assert run_feed(dataset) is None  # nothing after the cursor


@pytest.mark.parametrize("variable", ["SHUCANG_HTTP_CITY_GW_KEY", "SHUCANG_HTTP_PROVINCE_GW_APP_SECRET"])
def test_wrong_credentials_are_refused_not_retried(server: FeedServer, variable: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, "wrong")
    dataset = "http_pages_key" if "CITY" in variable else "http_link_signed"
    with pytest.raises(FeedUnavailable, match="answered 401"):
        run_feed(dataset)


def test_rate_limits_and_server_errors_are_retried(server: FeedServer) -> None:
    server.script = [(429, "1"), (503, None), (500, None)]
    started = time.monotonic()
    ref = run_feed("http_cursor_bearer")
    assert ref is not None and ledger.get_load(ref["load_id"])["rows_in"] == 45
    assert time.monotonic() - started >= 1.0  # Retry-After: 1 was honoured
    assert server.script == []


def test_a_retry_after_beyond_the_policy_or_too_many_failures_give_up(server: FeedServer) -> None:
    server.script = [(429, "3600")]
    with pytest.raises(FeedUnavailable, match="longer than retry.max_wait"):
        run_feed("http_pages_key")
    server.script = [(502, None)] * 4
    with pytest.raises(FeedUnavailable, match="after 4 attempts"):
        run_feed("http_pages_key")


@pytest.mark.parametrize(("attempt", "retry_after", "wait"), [
    (1, None, 1.0), (2, None, 2.0), (3, None, 4.0), (10, None, 60.0),  # backoff, capped
    (1, "7", 7.0), (1, "120", None),  # Retry-After in seconds; beyond max_wait: give up
    (1, "Fri, 20 Nov 2026 08:00:30 GMT", 30.0), (1, "Fri, 20 Nov 2026 07:00:00 GMT", 0.0),
    (2, "soon", 2.0),  # unreadable Retry-After: the backoff
])
def test_retry_policy(attempt: int, retry_after: str | None, wait: float | None) -> None:
    now = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    assert Retry(backoff=1.0, factor=2.0, max_wait=60).wait(attempt, retry_after, now) == wait


def test_the_signed_canonical_string_is_pinned() -> None:
    params = [("size", "10"), ("q", "a b&c"), ("a", "2"), ("a", "1")]
    text = canonical_string("get", "/api/zw/%E4%BA%BA%E5%8F%A3", params, "AK1", "1764662400000", "9f8e")
    assert text == "GET\n/api/zw/%E4%BA%BA%E5%8F%A3\na=1&a=2&q=a%20b%26c&size=10\nAK1\n1764662400000\n9f8e"
    expected = base64.b64encode(hmac.new(b"s3cret", text.encode(), hashlib.sha256).digest()).decode()
    assert signature("s3cret", text) == expected == "ae4CVD+UGqhT5FLplDd9/x4ExIX7vf9KwwH0Z4gNmtQ="
