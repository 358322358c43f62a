"""The local HTTP feed server: pagination covers each collection exactly once, the since cursor,
400 on bad parameters, 404 on unknown routes, concurrent clients, clean shutdown."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest

from feeds.http_server import (
    BadRequest,
    FeedServerError,
    load_collections,
    parse_instant,
    running,
    start_in_thread,
    stop,
)


@pytest.fixture(scope="module")
def base_url(sample):
    with running(sample.out) as url:
        yield url


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=10) as c:  # one client: a new one per request costs ~0.3 s
        yield c


def _all_pages(client, base_url: str, route: str, **params) -> list[dict]:
    out, page = [], 1
    while page is not None:
        body = client.get(f"{base_url}{route}", params={**params, "page": page}).json()
        assert body["page"] == page
        out += body["data"]
        page = body["next_page"]
    return out


@pytest.mark.parametrize("page_size", [1, 7, 100, 10_000])
def test_pages_cover_each_lot_once_in_order(client, sample, base_url, page_size) -> None:
    collection = json.loads((sample.out / "http/parking_lot.json").read_text(encoding="utf-8"))
    if page_size == 1:
        collection = collection[:5]  # keep the one-per-page walk short
        got = [
            client.get(f"{base_url}/api/parking/lots", params={"page": p, "page_size": 1}).json()["data"][0]
            for p in range(1, 6)
        ]
    else:
        got = _all_pages(client, base_url, "/api/parking/lots", page_size=page_size)
    assert got == collection
    assert set(got[0]) == {"lotId", "name", "address", "capacity", "kind"}


def test_page_envelope(client, base_url) -> None:
    body = client.get(f"{base_url}/api/parking/lots").json()
    assert body["page"] == 1 and body["page_size"] == 200  # the contract's page size by default
    last = -(-body["total"] // 200)
    tail = client.get(f"{base_url}/api/parking/lots", params={"page": last}).json()
    assert tail["next_page"] is None and len(tail["data"]) == body["total"] - 200 * (last - 1)
    beyond = client.get(f"{base_url}/api/parking/lots", params={"page": last + 1}).json()
    assert beyond["data"] == [] and beyond["next_page"] is None


@pytest.mark.parametrize(
    "since",
    [
        "2026-11-20T23:00:00",
        "2026-11-20 23:00:00",
        "2026-11-20T15:00:00Z",
        "2026-11-20T15:00:00+00:00",
    ],
)
def test_since_keeps_later_observations(client, sample, base_url, since) -> None:
    collection = json.loads((sample.out / "http/parking_berth_occupancy.json").read_text(encoding="utf-8"))
    cut = datetime(2026, 11, 20, 23, 0, 0)
    expected = [r for r in collection if datetime.fromisoformat(r["observedAt"]) > cut]
    got = _all_pages(client, base_url, "/api/parking/occupancy", since=since, page_size=50)
    assert got == expected and 0 < len(got) < len(collection)


@pytest.mark.parametrize(
    ("raw", "china_time"),
    [
        ("2026-11-20T23:00:00", "2026-11-20 23:00:00"),
        ("2026-11-20 23:00:00", "2026-11-20 23:00:00"),
        ("2026-11-20 23:00", "2026-11-20 23:00:00"),
        ("2026-11-20", "2026-11-20 00:00:00"),
        ("2026-11-20T15:00:00Z", "2026-11-20 23:00:00"),
        ("2026-11-20T15:00:00+00:00", "2026-11-20 23:00:00"),
        ("2026-11-20T23:00:00 08:00", "2026-11-20 23:00:00"),  # '+' decoded to a space
        ("2026-11-20T23:00:00.5 08:00", "2026-11-20 23:00:00.500000"),
        ("2026-11-20T10:00:00-05:00", "2026-11-20 23:00:00"),
    ],
)
def test_parse_instant(raw: str, china_time: str) -> None:
    assert str(parse_instant(raw)) == china_time


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "2026-11-20 25:00", ""])
def test_parse_instant_refuses(raw: str) -> None:
    with pytest.raises(BadRequest, match="ISO 8601"):
        parse_instant(raw)


def test_since_with_an_unencoded_plus(client, base_url) -> None:
    encoded = client.get(f"{base_url}/api/parking/occupancy", params={"since": "2026-11-20T23:00:00+08:00"})
    raw = client.get(f"{base_url}/api/parking/occupancy?since=2026-11-20T23:00:00+08:00")
    assert raw.status_code == 200 and raw.json() == encoded.json() and encoded.json()["total"] > 0


def test_since_past_the_end_is_empty(client, base_url) -> None:
    body = client.get(f"{base_url}/api/parking/occupancy", params={"since": "2030-01-01T00:00:00"}).json()
    assert body == {"data": [], "page": 1, "page_size": 1000, "total": 0, "next_page": None}


@pytest.mark.parametrize(
    ("route", "query", "fragment"),
    [
        ("/api/parking/lots", "page=0", "page must be >= 1"),
        ("/api/parking/lots", "page=abc", "page must be an integer"),
        ("/api/parking/lots", "page=", "page must be an integer"),
        ("/api/parking/lots", "page_size=0", "page_size must be between"),
        ("/api/parking/lots", "page_size=10001", "page_size must be between"),
        ("/api/parking/lots", "page=1&page=2", "given 2 times"),
        ("/api/parking/lots", "since=2026-11-20T00:00:00", "unknown parameter"),
        ("/api/parking/lots", "pagesize=10", "unknown parameter"),
        ("/api/parking/occupancy", "since=yesterday", "ISO 8601"),
        ("/api/parking/occupancy", "since=2026-13-01", "ISO 8601"),
    ],
)
def test_bad_parameters_answer_400(client, base_url, route, query, fragment) -> None:
    r = client.get(f"{base_url}{route}?{query}")
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
    assert fragment in r.json()["error"]


def test_unknown_route_answers_404(client, base_url) -> None:
    r = client.get(f"{base_url}/api/parking/nothing")
    assert r.status_code == 404 and "/api/parking/lots" in r.json()["error"]


def test_concurrent_clients(client, base_url) -> None:
    def fetch(page: int) -> list[str]:
        body = client.get(f"{base_url}/api/parking/occupancy", params={"page": page, "page_size": 20}).json()
        return [f"{r['lotId']}@{r['observedAt']}" for r in body["data"]]

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(fetch, range(1, 13)))
    assert all(len(p) == 20 for p in pages)


def test_shutdown_releases_the_port(client, sample) -> None:
    server, url = start_in_thread(sample.out)
    port = int(url.rsplit(":", 1)[1])
    assert client.get(f"{url}/api/parking/lots").status_code == 200
    stop(server)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))  # free again


def test_missing_collection_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(FeedServerError, match=r"parking_\w+\.json: cannot read .*feeds sample"):
        load_collections(tmp_path)
