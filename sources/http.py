"""The `http` source kind: a paginated JSON API, fetched page by page from the incremental cursor
on, each page body written byte for byte to a file for landing.

The contract names the API's style; the credentials come from the environment or the secrets file
by the name `auth.credential` gives (never from the contract):

- base URL: `base_url`, or `endpoint: <name>` (SHUCANG_HTTP_<NAME>_URL), else SHUCANG_HTTP_BASE;
- paging (`paging.style`): `page_number` (page/page_size; the body's `next_page`, or the next
  number while pages are full), `offset` (offset/limit until a short page or `total`), `cursor`
  (an opaque next token in the body, sent back as a parameter) and `link` (the `Link: <...>;
  rel="next"` header);
- auth (`auth.style`): `api_key` (a header or a query parameter; field KEY), `bearer` (TOKEN) and
  `signed`, the provincial gateways' AppKey + timestamp + nonce + HMAC-SHA256 (APP_KEY, APP_SECRET):
  the signature is base64(HMAC-SHA256(app_secret, canonical)) over

      METHOD \\n PATH \\n QUERY \\n APP_KEY \\n TIMESTAMP \\n NONCE

  where PATH is the path as sent (percent-encoded), QUERY the request's decoded parameters
  sorted by name then value, each `name=value` percent-encoded again (RFC 3986, unreserved
  characters kept) and joined by `&`, TIMESTAMP is milliseconds since the epoch and NONCE a random
  hex string; sent as X-App-Key, X-Timestamp, X-Nonce and X-Signature (names configurable);
- retries (`retry`): timeouts, connection errors, 429 and 5xx are retried `attempts` times,
  waiting `backoff * factor ** (attempt - 1)` seconds (at most `max_wait`), or what a 429/503's
  Retry-After asks; a wait longer than `max_wait` or other answers raise FeedUnavailable at once.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, model_validator

from foundation.settings import family_variable, secret, settings
from sources.base import Candidate, FeedUnavailable, Fetch, JsonSource, SourceError
from sources.pages import decode_page, dig, page_records

MAX_PAGES = 100_000
NAME = r"^[a-z][a-z0-9_]*$"
RETRYABLE = frozenset({429, 500, 502, 503, 504})
Params = dict[str, str | int]
Next = tuple[str, Params] | None  # the next request's URL and parameters, or None: the last page


class _Style(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageNumber(_Style):
    """page=1,2,...; the body's `next_path` says the next page (null: the last), and without that
    key the next page follows a full one."""

    style: Literal["page_number"] = "page_number"
    page_param: str = "page"
    size_param: str = "page_size"
    first_page: int = 1
    next_path: str = "next_page"

    def first(self, url: str, params: Params, size: int) -> Next:
        return url, {**params, self.page_param: self.first_page, self.size_param: size}

    def after(self, url: str, params: Params, body: Any, records: int, size: int, links: dict) -> Next:
        if isinstance(body, dict) and self.next_path.split(".")[0] in body:
            nxt = dig(body, self.next_path)
            return (url, {**params, self.page_param: nxt}) if nxt is not None else None
        if records < size:
            return None
        return url, {**params, self.page_param: int(params[self.page_param]) + 1}


class Offset(_Style):
    """offset=0,limit=N, then offset+N ... until a short page or the body's `total_path`."""

    style: Literal["offset"] = "offset"
    offset_param: str = "offset"
    limit_param: str = "limit"
    total_path: str | None = "total"

    def first(self, url: str, params: Params, size: int) -> Next:
        return url, {**params, self.offset_param: 0, self.limit_param: size}

    def after(self, url: str, params: Params, body: Any, records: int, size: int, links: dict) -> Next:
        offset = int(params[self.offset_param]) + records
        total = dig(body, self.total_path) if self.total_path else None
        if records < size or records == 0 or (isinstance(total, int) and offset >= total):
            return None
        return url, {**params, self.offset_param: offset}


class CursorToken(_Style):
    """An opaque token: the body's `next_path` holds the next page's token (absent, null or empty:
    the last page), sent back as `token_param`."""

    style: Literal["cursor"] = "cursor"
    token_param: str = "cursor"
    size_param: str = "page_size"
    next_path: str = "next_cursor"

    def first(self, url: str, params: Params, size: int) -> Next:
        return url, {**params, self.size_param: size}

    def after(self, url: str, params: Params, body: Any, records: int, size: int, links: dict) -> Next:
        token = dig(body, self.next_path)
        return (url, {**params, self.token_param: str(token)}) if token not in (None, "") else None


class LinkHeader(_Style):
    """The `Link` header's rel="next" URL (RFC 8288), followed as given."""

    style: Literal["link"] = "link"
    size_param: str = "page_size"

    def first(self, url: str, params: Params, size: int) -> Next:
        return url, {**params, self.size_param: size}

    def after(self, url: str, params: Params, body: Any, records: int, size: int, links: dict) -> Next:
        nxt = links.get("next", {}).get("url")
        return (str(nxt), {}) if nxt else None


Paging = Annotated[PageNumber | Offset | CursorToken | LinkHeader, Field(discriminator="style")]


def _credential(name: str, field: str) -> str:
    got = secret("http", name, field)
    if not got:
        raise SourceError(f"no {field} for credential {name!r}: set {family_variable('http', name, field)}"
                          f" or [http.{name}] {field.lower()} in SHUCANG_SECRETS_FILE")
    return got


class ApiKey(_Style):
    """An API key (field KEY) in a header or a query parameter."""

    style: Literal["api_key"] = "api_key"
    credential: Annotated[str, Field(pattern=NAME)]
    header: str | None = "X-API-Key"
    query: str | None = None  # send it as this query parameter instead of the header

    def params(self) -> Params:
        """Query parameters the auth adds."""
        return {self.query: _credential(self.credential, "KEY")} if self.query else {}

    def headers(self, method: str, path: str, params: Sequence[tuple[str, str]]) -> dict[str, str]:
        """Headers the auth adds to a request for `path` with `params`."""
        return {} if self.query else {self.header or "X-API-Key": _credential(self.credential, "KEY")}


class Bearer(_Style):
    """`Authorization: Bearer <TOKEN>`."""

    style: Literal["bearer"] = "bearer"
    credential: Annotated[str, Field(pattern=NAME)]

    def params(self) -> Params:
        return {}

    def headers(self, method: str, path: str, params: Sequence[tuple[str, str]]) -> dict[str, str]:
        return {"Authorization": f"Bearer {_credential(self.credential, 'TOKEN')}"}


def canonical_string(method: str, path: str, params: Sequence[tuple[str, str]], app_key: str,
                     timestamp: str, nonce: str) -> str:
    """The text a signed request's signature covers (see the module docstring)."""
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(params))
    return "\n".join([method.upper(), path or "/", query, app_key, timestamp, nonce])


def signature(app_secret: str, canonical: str) -> str:
    """base64(HMAC-SHA256(app_secret, canonical))."""
    digest = hmac.new(app_secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class Signed(_Style):
    """AppKey + timestamp + nonce + HMAC-SHA256 signature headers (fields APP_KEY, APP_SECRET)."""

    style: Literal["signed"] = "signed"
    credential: Annotated[str, Field(pattern=NAME)]
    app_key_header: str = "X-App-Key"
    timestamp_header: str = "X-Timestamp"
    nonce_header: str = "X-Nonce"
    signature_header: str = "X-Signature"

    def params(self) -> Params:
        return {}

    def headers(self, method: str, path: str, params: Sequence[tuple[str, str]]) -> dict[str, str]:
        app_key = _credential(self.credential, "APP_KEY")
        stamp, nonce = str(int(time.time() * 1000)), secrets.token_hex(16)
        signed = signature(_credential(self.credential, "APP_SECRET"),
                           canonical_string(method, path, params, app_key, stamp, nonce))
        return {self.app_key_header: app_key, self.timestamp_header: stamp, self.nonce_header: nonce,
                self.signature_header: signed}


Auth = Annotated[ApiKey | Bearer | Signed, Field(discriminator="style")]


class Retry(_Style):
    """How failed requests are retried (see the module docstring)."""

    attempts: Annotated[int, Field(ge=1, le=20)] = 5
    backoff: Annotated[float, Field(ge=0)] = 1.0
    factor: Annotated[float, Field(ge=1)] = 2.0
    max_wait: Annotated[float, Field(ge=0)] = 60.0
    timeout: Annotated[float, Field(gt=0)] = 30.0

    def wait(self, attempt: int, retry_after: str | None = None,
             now: dt.datetime | None = None) -> float | None:
        """Seconds to wait after failed attempt `attempt` (1-based): Retry-After (seconds or an
        HTTP date) when given, else the backoff; None when it exceeds `max_wait` (give up now)."""
        if retry_after:
            asked = _retry_after_seconds(retry_after, now or dt.datetime.now(dt.UTC))
            if asked is not None:
                return asked if asked <= self.max_wait else None
        return min(self.max_wait, self.backoff * self.factor ** (attempt - 1))


def _retry_after_seconds(value: str, now: dt.datetime) -> float | None:
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class HttpSource(JsonSource):
    """A paginated JSON API, fetched from the incremental cursor on."""

    kind: Literal["http"] = "http"
    location: str  # the path under the base URL
    base_url: Annotated[str, Field(pattern=r"^https?://")] | None = None
    endpoint: Annotated[str, Field(pattern=NAME)] | None = None  # names SHUCANG_HTTP_<NAME>_URL
    page_size: Annotated[int, Field(gt=0)] = 500
    cursor_param: str | None = None  # query parameter that carries the incremental cursor
    paging: Paging = PageNumber()
    auth: Auth | None = None
    retry: Retry = Retry()

    @model_validator(mode="after")
    def _one_base(self) -> HttpSource:
        if self.base_url and self.endpoint:
            raise ValueError("give base_url or endpoint, not both")
        if isinstance(self.auth, ApiKey) and not (self.auth.header or self.auth.query):
            raise ValueError("an api_key auth needs a header or a query parameter")
        return self

    def url(self) -> str:
        """The feed's full URL: the base (see the module docstring) and `location`."""
        if self.endpoint:
            base = secret("http", self.endpoint, "URL")
            if not base:
                raise SourceError(f"no URL for endpoint {self.endpoint!r}: set "
                                  f"{family_variable('http', self.endpoint, 'URL')}")
        else:
            base = self.base_url or settings().http_base
        return base.rstrip("/") + self.location

    def fetch(self, request: Fetch) -> list[Candidate]:
        """Every page from the cursor on, written to `request.workdir`/fetched in order."""
        dest = request.workdir / "fetched"
        dest.mkdir(parents=True, exist_ok=True)
        out = []
        for n, body in enumerate(self.pages(request), start=1):
            path = dest / f"page-{n:05d}.json"
            path.write_bytes(body)
            out.append(Candidate(f"{self.url()}#{path.name}", path, path.name))
        return out

    def pages(self, request: Fetch) -> Iterator[bytes]:
        """The page bodies, in order, byte for byte."""
        import httpx

        url = self.url()
        params: Params = {self.cursor_param: request.since} if request.since and self.cursor_param else {}
        step = self.paging.first(url, params, self.page_size)
        seen: set[str] = set()
        with httpx.Client(timeout=self.retry.timeout, follow_redirects=True) as client:
            while step is not None:
                if len(seen) >= MAX_PAGES:
                    raise FeedUnavailable(f"{request.dataset}: more than {MAX_PAGES} pages at {url}")
                resp = self._get(client, request.dataset, *step)
                if str(resp.url) in seen:
                    raise FeedUnavailable(f"{request.dataset}: {resp.url} was already fetched:"
                                          " the API pages in a loop")
                seen.add(str(resp.url))
                yield resp.content
                try:
                    body = decode_page(resp.content)
                except ValueError as e:
                    raise FeedUnavailable(f"{request.dataset}: {resp.url} answered no JSON ({e})") from e
                records = page_records(body, self.records_path)
                count = len(records) if isinstance(records, list) else 0
                step = self.paging.after(step[0], step[1], body, count, self.page_size, resp.links)
                if step is not None:  # a Link header's URL may be relative to the page's
                    step = (str(resp.url.join(step[0])), step[1])

    def _get(self, client: Any, dataset: str, url: str, params: Params) -> Any:
        """One GET, authenticated and retried by the contract's policy."""
        import httpx

        attempt = 0
        while True:
            attempt += 1
            query = {**params, **(self.auth.params() if self.auth else {})}
            request = client.build_request("GET", httpx.URL(url).copy_merge_params(query))
            if self.auth:
                signed = request.url.params.multi_items()
                path = request.url.raw_path.decode("ascii").partition("?")[0]  # as sent: percent-encoded
                request.headers.update(self.auth.headers("GET", path, signed))
            try:
                resp = client.send(request)
            except httpx.HTTPError as e:
                wait, why = self.retry.wait(attempt), f"failed: {e}"
            else:
                if resp.status_code == 200:
                    return resp
                why = f"answered {resp.status_code}: {resp.text[:200]}"
                if resp.status_code not in RETRYABLE:
                    raise FeedUnavailable(f"{dataset}: GET {resp.url} {why}")
                wait = self.retry.wait(attempt, resp.headers.get("Retry-After"))
            if wait is None:
                raise FeedUnavailable(f"{dataset}: GET {url} {why}; it asks to wait longer than"
                                      f" retry.max_wait ({self.retry.max_wait:g} s)")
            if attempt >= self.retry.attempts:
                raise FeedUnavailable(f"{dataset}: GET {url} {why} (after {attempt} attempts)")
            time.sleep(wait)
