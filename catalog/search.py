"""Search over catalog entries with the project's Chinese search (`foundation.textsearch`: word
segmentation, synonyms, no accidental pinyin matches), over the same fields the portal searches.
It reads entries only."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.entry import CatalogEntry
from foundation.textsearch import DATASET_WEIGHTS, Match, dataset_fields, explain, rank


def fields(e: CatalogEntry) -> dict[str, str]:
    """The searchable text of one entry, by field."""
    return dataset_fields(e.id, e.title, e.tags, e.category, [(c.name, c.title) for c in e.data_items],
                          e.provider, e.summary)


@dataclass(frozen=True)
class Hit:
    """A search result: the entry, its score and one match per query term."""

    entry: CatalogEntry
    score: float
    matches: tuple[Match, ...]

    @property
    def matched(self) -> tuple[str, ...]:
        """The fields that matched, sorted."""
        return tuple(sorted({m.field for m in self.matches}))

    def explain(self) -> str:
        """Why the entry scored what it scored, in Chinese, one part per term."""
        return explain(self.matches)


def search(entries: list[CatalogEntry], query: str) -> list[Hit]:
    """Entries matching every term of `query`, best first (ties by id)."""
    by_id = {e.id: e for e in entries}
    ranked = rank({e.id: fields(e) for e in entries}, DATASET_WEIGHTS, query)
    return [Hit(by_id[s.key], s.score, s.matches) for s in ranked]
