"""Chinese search over catalog entries. Chinese has no spaces between words, so a query term
matches a field when it is a substring of it (停车 finds 停车场泊位), and a longer term that is not
a substring still scores by its character bigrams (停车场泊位 finds 停车泊位占用). Traditional
characters are folded to simplified and Latin letters to lower case on both sides. It reads
entries only."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from catalog.entry import CatalogEntry

# Where a hit counts, and how much: a title hit outranks a column title or the description.
WEIGHTS = {
    "title": 10.0,
    "id": 6.0,
    "tags": 5.0,
    "category": 5.0,
    "columns": 3.0,
    "provider": 2.0,
    "summary": 1.0,
}
BIGRAM_SHARE = 0.5  # a term that is not a substring needs this share of its bigrams in a field


@functools.cache
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


def fold(text: str) -> str:
    """Lower-case, simplified-Chinese, whitespace-collapsed form of `text` for matching."""
    return re.sub(r"\s+", " ", _t2s().convert(text)).strip().lower()


def terms(query: str) -> list[str]:
    """The query split on spaces and punctuation, folded; empty terms dropped."""
    return [t for t in re.split(r"[\s,，、;；/]+", fold(query)) if t]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _fields(e: CatalogEntry) -> dict[str, str]:
    return {
        "title": e.title,
        "id": e.id.replace("_", " "),
        "tags": " ".join(e.tags),
        "category": e.category,
        "columns": " ".join(f"{c.name} {c.title}" for c in e.data_items),
        "provider": e.provider,
        "summary": e.summary,
    }


def term_score(term: str, text: str) -> float:
    """How well one folded term matches one folded text: 1 for a substring, else bigram share."""
    if term in text:
        return 1.0
    grams = _bigrams(term)
    if len(grams) < 2:
        return 0.0
    share = len(grams & _bigrams(text)) / len(grams)
    return share if share >= BIGRAM_SHARE else 0.0


@dataclass(frozen=True)
class Hit:
    """A search result: the entry, its score and the fields that matched."""

    entry: CatalogEntry
    score: float
    matched: tuple[str, ...]


def search(entries: list[CatalogEntry], query: str) -> list[Hit]:
    """Entries matching every term of `query`, best first (ties by id)."""
    wanted = terms(query)
    if not wanted:
        return []
    hits = []
    for e in entries:
        fields = {k: fold(v) for k, v in _fields(e).items()}
        total, matched = 0.0, set()
        for term in wanted:
            best = 0.0
            for name, text in fields.items():
                s = term_score(term, text) * WEIGHTS[name]
                if s > 0:
                    matched.add(name)
                best = max(best, s)
            if best == 0:
                break
            total += best
        else:
            hits.append(Hit(e, round(total, 3), tuple(sorted(matched))))
    return sorted(hits, key=lambda h: (-h.score, h.entry.id))
