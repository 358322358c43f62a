"""The in-memory shape of a sample feed before it is written: files of rows keyed by the contract's
source headers, each row carrying its planted dirt and the truth of every address it holds.

Also the fixed time anchor all sample timestamps are relative to. Owns no I/O.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.contract import Contract
from feeds.sample.addresses import VARIANTS, AddressRenderer, Rendered
from sources.http import HttpSource
from sources.sql import SqlSource

ANCHOR = date(2026, 11, 20)
PUBLISHED = "published"


def anchor_day(now: datetime | None = None) -> date:
    """The sample's "today": 2026-11-20, or the day before the real clock's UTC date (`now`, an
    aware instant; default the system clock) if that is earlier. Timestamps are China time up to
    23:59 of that day, so they are past whether a reader takes them as China time or as UTC."""
    yesterday = (now or datetime.now(UTC)).astimezone(UTC).date() - timedelta(days=1)
    return min(ANCHOR, yesterday)


def at(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A naive China-time timestamp on `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, second)


def ts(value: datetime | None) -> str:
    """The feeds' timestamp spelling: '2026-11-20 08:15:00' (China time, no offset)."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class AddressUse:
    column: str  # the source header holding the address
    rendered: Rendered


@dataclass
class FeedRow:
    """One record: cell values by source header, planted dirt and the addresses it carries."""

    values: dict[str, Any]
    dirt: list[tuple[str, str]] = field(default_factory=list)  # (kind, expect)
    addresses: list[AddressUse] = field(default_factory=list)
    extra_fields: int = 0  # >0: that many surplus fields; <0: that many fields missing

    def set_address(self, column: str, rendered: Rendered) -> None:
        """Write `rendered` into `column`, replacing any earlier address there."""
        self.values[column] = rendered.text
        self.addresses = [a for a in self.addresses if a.column != column]
        self.addresses.append(AddressUse(column, rendered))

    def mark(self, kind: str, expect: str) -> None:
        self.dirt.append((kind, expect))

    @property
    def rejected(self) -> bool:
        """Whether some planted dirt must keep this row out of the published table."""
        return any(expect != PUBLISHED for _, expect in self.dirt)

    def all_dirt(self) -> list[tuple[str, str]]:
        """Planted dirt plus the address variants, which only count when the row is published."""
        if self.rejected:
            return list(self.dirt)
        out = list(self.dirt)
        for use in self.addresses:
            v = use.rendered.variant
            if v in VARIANTS:
                out.append((f"address:{v}", PUBLISHED))
            elif v and v.startswith("garbage:"):
                out.append((f"address:{v}", "address_unresolved"))
        return out

    def copy(self) -> FeedRow:
        return FeedRow(dict(self.values), [], list(self.addresses))


@dataclass
class FeedFile:
    """One file (or HTTP collection) of a dataset, named relative to the dataset folder."""

    contract: Contract
    name: str
    rows: list[FeedRow]
    encoding: str = "utf-8"
    file_dirt: list[tuple[str, str]] = field(default_factory=list)
    truncate: bool = False  # cut in the middle of the last row, no final newline
    renamed: dict[str, str] = field(default_factory=dict)  # source header -> header written
    title: str = ""  # Excel title row
    groups: dict[str, str] = field(default_factory=dict)  # Excel: source header -> group label
    blocks: list[int] = field(default_factory=list)  # Excel: rows per block (blank line between)

    @property
    def dataset(self) -> str:
        return self.contract.id

    @property
    def headers(self) -> list[str]:
        return [self.renamed.get(c.source_name, c.source_name) for c in self.contract.columns]

    @property
    def folder(self) -> str:
        """The folder under the output root: the contract's location glob without its file part,
        'http' for HTTP sources, 'sql' (the embedded department databases) for SQL sources."""
        if isinstance(self.contract.source, HttpSource):
            return "http"
        if isinstance(self.contract.source, SqlSource):
            return "sql"
        return self.contract.source.location.rsplit("/", 1)[0]


Mutator = Callable[[FeedRow, random.Random], None]


@dataclass(frozen=True)
class Dirt:
    """A row-level dirt kind: how many rows get it, what the pipeline must answer, and how."""

    kind: str
    expect: str
    count: int
    apply: Mutator


def plant(rows: list[FeedRow], dirt: Iterable[Dirt], rng: random.Random) -> None:
    """Apply each dirt to its own distinct clean rows (never the first row, so a file's layout
    can still be sniffed from it)."""
    clean = [i for i, r in enumerate(rows) if i > 0 and not r.dirt]
    rng.shuffle(clean)
    for d in dirt:
        for _ in range(d.count):
            if not clean:
                return
            row = rows[clean.pop()]
            d.apply(row, rng)
            row.mark(d.kind, d.expect)


def add_duplicates(rows: list[FeedRow], count: int, rng: random.Random) -> None:
    """Re-emit `count` clean rows later in the file: the copies must answer duplicate_key."""
    for _ in range(count):
        clean = [i for i, r in enumerate(rows[:-1]) if not r.dirt]
        if not clean:
            return
        i = rng.choice(clean)
        dup = rows[i].copy()
        dup.mark("duplicate_key", "duplicate_key")
        rows.insert(rng.randrange(i + 1, len(rows) + 1), dup)


def set_value(column: str, value: Any) -> Mutator:
    """A mutator that overwrites one cell."""

    def apply(row: FeedRow, rng: random.Random) -> None:
        row.values[column] = value

    return apply


def clear(column: str) -> Mutator:
    """A mutator that empties one cell (and forgets the address it held)."""

    def apply(row: FeedRow, rng: random.Random) -> None:
        row.values[column] = ""
        row.addresses = [a for a in row.addresses if a.column != column]

    return apply


def set_values(column: str, values: tuple[Any, ...]) -> Mutator:
    """A mutator that overwrites one cell with one of `values`."""

    def apply(row: FeedRow, rng: random.Random) -> None:
        row.values[column] = rng.choice(values)

    return apply


def transform(column: str, fn: Callable[[Any, random.Random], Any]) -> Mutator:
    """A mutator that rewrites one cell from its current value."""

    def apply(row: FeedRow, rng: random.Random) -> None:
        row.values[column] = fn(row.values[column], rng)

    return apply


def garbage_address(column: str, renderer: AddressRenderer, kind: str | None = None, count: int = 1) -> Dirt:
    """Rows whose address in `column` is garbage (of `kind`, or any the encoding can carry)."""

    def apply(row: FeedRow, rng: random.Random) -> None:
        row.set_address(column, renderer.garbage(kind))

    name = f"garbage_address:{kind}" if kind else "garbage_address"
    return Dirt(name, "address_unresolved", count, apply)
