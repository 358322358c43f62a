"""What every source kind shares: the contract fields of its base class, what landing asks a source
for (`Fetch`) and what it gets back (`Candidate`), and the error a retry may cure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict


class FeedUnavailable(Exception):
    """A source could not be reached or answered badly; a retry may succeed."""


class SourceError(ValueError):
    """A source is configured wrongly (no credentials, no such table): retrying will not help."""


@dataclass(frozen=True)
class Candidate:
    """A source object offered for landing: where it came from and a readable local copy."""

    source: str
    path: Path
    name: str


@dataclass(frozen=True)
class Fetch:
    """What landing asks of a source: the dataset, a scratch folder for fetched copies, the
    incremental cursor (the feed's name of the cursor column and its latest published value, as
    ISO text) and the files of the dataset's latest landed load (what a redelivery may repeat)."""

    dataset: str
    workdir: Path
    since: str | None = None
    cursor: str | None = None
    key: tuple[str, ...] = ()
    recent: tuple[Path, ...] = field(default_factory=tuple)


class SourceBase(BaseModel):
    """What every source kind declares: its kind, format, where it is and when to fetch it. A kind
    subclasses it with its own fields and implements `fetch`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: str
    format: str
    location: str
    schedule: str
    # a feed naming columns the contract does not: refuse the file, ignore them or keep them (the
    # drift is named in the ledger; kept columns are published at L4 until classified); unset =
    # refuse for 有条件共享/不予共享 data, whose every column must be classified before it is
    # shared, ignore for 无条件共享 data
    on_extra_columns: Literal["refuse", "ignore", "keep"] | None = None

    @classmethod
    def kind_name(cls) -> str:
        """The kind name, as contracts write it."""
        return str(cls.model_fields["kind"].default)

    def increments(self, cursor: str | None) -> bool:
        """Whether each load holds only what changed since the last one (so its size says nothing
        about the dataset's), given the contract's cursor column."""
        return False

    def fetch(self, request: Fetch) -> list[Candidate]:
        """The source's objects offered for landing (remote ones copied under `request.workdir`)."""
        raise NotImplementedError(f"source kind {self.kind!r} does not fetch")

    @contextmanager
    def fetched(self, request: Fetch) -> Iterator[list[Candidate]]:
        """`fetch` for the duration of a landing: a source that must confirm what it handed over
        (an MQTT broker's acknowledgements) does so when the block ends without an error, that is
        after the load is recorded in the ledger."""
        yield self.fetch(request)


class JsonSource(SourceBase):
    """A kind whose landed files are JSON documents keeping their records under `records_path`."""

    format: Literal["json"] = "json"
    records_path: str = "data"  # where a JSON document keeps its records
