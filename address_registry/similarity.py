"""String similarity for fuzzy estate/road matching: character-bigram Dice coefficient, which
tolerates one wrong, missing or extra character in a short Chinese name. Pure functions only."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """The set of adjacent character pairs (a single character counts as its own gram)."""
    if len(text) < 2:
        return frozenset((text,))
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: str, b: str) -> float:
    """Dice coefficient of the bigram sets of `a` and `b`, in 0..1."""
    ga, gb = bigrams(a), bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def ranked(query: str, candidates: list[str], limit: int = 5) -> list[tuple[str, float]]:
    """The best `limit` candidates with their scores, best first (ties by name for stability)."""
    scored = sorted(((c, dice(query, c)) for c in candidates), key=lambda x: (-x[1], x[0]))
    return scored[:limit]


def best_match(query: str, candidates: list[str], threshold: float, margin: float = 0.1
               ) -> tuple[str, float] | None:
    """The single best candidate when it scores >= threshold and beats the runner-up by margin."""
    top = ranked(query, candidates, 2)
    if not top or top[0][1] < threshold:
        return None
    if len(top) > 1 and top[0][1] - top[1][1] < margin:
        return None
    return top[0]
