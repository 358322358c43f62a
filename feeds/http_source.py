"""The paginated JSON connector: fetches every page of an HTTP feed (from the incremental cursor on)
and writes each page body, byte for byte, to a folder for landing."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from contracts.sources import HttpSource
from feeds.errors import FeedUnavailable

MAX_PAGES = 100_000


def fetch_pages(dataset: str, src: HttpSource, url: str, dest: Path, since: str | None = None) -> list[Path]:
    """Download all pages of `dataset`'s HTTP source at `url` into `dest`; return the page files
    in order. Server errors and timeouts raise FeedUnavailable (the task retries with backoff)."""
    dest.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    page: int | None = 1
    with httpx.Client(timeout=30.0) as client:
        while page is not None and page <= MAX_PAGES:
            params: dict[str, str | int] = {"page": page, "page_size": src.page_size}
            if since is not None and src.cursor_param:
                params[src.cursor_param] = since
            try:
                resp = client.get(url, params=params)
            except httpx.HTTPError as e:
                raise FeedUnavailable(f"{dataset}: GET {url} page {page} failed: {e}") from e
            if resp.status_code != 200:
                raise FeedUnavailable(
                    f"{dataset}: GET {resp.url} answered {resp.status_code}: {resp.text[:200]}"
                )
            path = dest / f"page-{page:05d}.json"
            path.write_bytes(resp.content)
            pages.append(path)
            try:
                page = json.loads(resp.content).get("next_page")
            except (ValueError, AttributeError) as e:
                raise FeedUnavailable(f"{dataset}: page {page} of {url} is not a JSON object") from e
    return pages
