"""The `http` source kind: a paginated JSON feed, fetched page by page from the incremental cursor
on, each page body written byte for byte to a file for landing."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field

from foundation.settings import settings
from sources.base import Candidate, FeedUnavailable, Fetch, JsonSource

MAX_PAGES = 100_000


class HttpSource(JsonSource):
    """A paginated JSON feed on the HTTP feed server, fetched from the incremental cursor on."""

    kind: Literal["http"] = "http"
    location: str  # a path on the feed server
    page_size: Annotated[int, Field(gt=0)] = 500
    cursor_param: str | None = None  # query parameter that carries the incremental cursor

    def fetch(self, request: Fetch) -> list[Candidate]:
        """Every page from the cursor on, written to `request.workdir`/fetched in order. Server
        errors and timeouts raise FeedUnavailable (the task retries with backoff)."""
        import httpx

        url = settings().http_base.rstrip("/") + self.location
        dest = request.workdir / "fetched"
        dest.mkdir(parents=True, exist_ok=True)
        out: list[Candidate] = []
        page: int | None = 1
        with httpx.Client(timeout=30.0) as client:
            while page is not None and page <= MAX_PAGES:
                params: dict[str, str | int] = {"page": page, "page_size": self.page_size}
                if request.since is not None and self.cursor_param:
                    params[self.cursor_param] = request.since
                try:
                    resp = client.get(url, params=params)
                except httpx.HTTPError as e:
                    raise FeedUnavailable(f"{request.dataset}: GET {url} page {page} failed: {e}") from e
                if resp.status_code != 200:
                    raise FeedUnavailable(f"{request.dataset}: GET {resp.url} answered "
                                          f"{resp.status_code}: {resp.text[:200]}")
                path = dest / f"page-{page:05d}.json"
                path.write_bytes(resp.content)
                out.append(Candidate(f"{url}#{path.name}", path, path.name))
                try:
                    page = json.loads(resp.content).get("next_page")
                except (ValueError, AttributeError) as e:
                    raise FeedUnavailable(f"{request.dataset}: page {page} of {url} is not a JSON"
                                          " object") from e
        return out
