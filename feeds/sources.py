"""Source connectors: what landing does for each source kind of contracts/sources.py, one class
per kind in one registry (`CONNECTORS`, keyed by the same kind names). A connector offers the
source's objects as readable local files; landing hashes, dedupes and records them. Adding a source
kind is its model in contracts/sources.py and its connector here."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from contracts.contract import Contract
from contracts.sources import FileSource, HttpSource, SourceBase
from feeds.http_source import fetch_pages
from foundation.settings import settings

S = TypeVar("S", bound=SourceBase)


@dataclass(frozen=True)
class Candidate:
    """A source object offered for landing: where it came from and a readable local copy."""

    source: str
    path: Path
    name: str


class Connector(ABC, Generic[S]):
    """Lists (and fetches, when remote) the objects of one kind of source."""

    model: type[S]  # the contract model of the kind this connector serves

    @property
    def kind(self) -> str:
        """The source kind name, as contracts write it."""
        return str(self.model.model_fields["kind"].default)

    def candidates(self, contract: Contract, workdir: Path, since: str | None) -> list[Candidate]:
        """The objects of `contract`'s source offered for landing; remote ones are fetched under
        `workdir`. `since` is the incremental cursor (the latest published cursor value)."""
        return self.fetch(contract.id, contract.source_of(self.model), workdir, since)

    @abstractmethod
    def fetch(self, dataset: str, source: S, workdir: Path, since: str | None) -> list[Candidate]:
        """The candidates of one source of this kind."""


class FileConnector(Connector[FileSource]):
    """Files under the feeds folder matching the location glob, in name order."""

    model = FileSource

    def fetch(self, dataset: str, source: FileSource, workdir: Path, since: str | None) -> list[Candidate]:
        feeds = settings().feeds
        paths = sorted(p for p in feeds.glob(source.location) if p.is_file())
        return [Candidate(str(p), p, str(p.relative_to(feeds)).replace(os.sep, "__")) for p in paths]


class HttpConnector(Connector[HttpSource]):
    """Every page of a paginated JSON feed from the cursor on, fetched into `workdir`."""

    model = HttpSource

    def fetch(self, dataset: str, source: HttpSource, workdir: Path, since: str | None) -> list[Candidate]:
        url = settings().http_base.rstrip("/") + source.location
        pages = fetch_pages(dataset, source, url, workdir / "fetched", since)
        return [Candidate(f"{url}#{p.name}", p, p.name) for p in pages]


CONNECTORS: dict[str, Connector] = {c.kind: c for c in (FileConnector(), HttpConnector())}


def connector_for(contract: Contract) -> Connector:
    """The connector of `contract`'s source kind."""
    return CONNECTORS[contract.source.kind]
