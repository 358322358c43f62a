"""Match free-text addresses onto the registry: `match_many`, the seam the pipeline calls. It finds
the registry version in use, takes each distinct string once, matches the batch natively
(`native.py`) where the C matcher is available and on the Python reference (`matcher.py`,
through `parallel.py`'s cache and pool) for the rows it leaves and everywhere else, and queues
ambiguous or weak estate names for review (`review.py`). It never writes the registry."""

from __future__ import annotations

import logging
import operator

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.exc import SQLAlchemyError

from address_registry import native, review
from address_registry.matcher import SCHEMA, Match, Matcher, reason_of
from address_registry.parallel import collector_paused, resolve_all
from address_registry.registry import current_matcher

_log = logging.getLogger(__name__)


def _queue_reviews(matcher: Matcher, distinct: list[str | None], results: list[Match]) -> None:
    items = [(r.review[0], t or "", r.review[1]) for t, r in zip(distinct, results, strict=True)
             if r.review]
    if items:
        try:
            review.enqueue(items, matcher.version)
        except SQLAlchemyError as exc:  # the load goes on; the weak matches stay unguessed
            _log.warning("could not queue %d address reviews (control plane: %s); they are "
                         "queued again the next time these addresses are matched", len(items), exc)


def match_many(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Table:
    """One row per distinct input string: codes, lon/lat, match_level, confidence and reason.

    Uses the latest registry built by `shucang registry build`, or divisions only before that;
    ambiguous or weak estate names are queued for review, never guessed. With a registry the
    batch is matched by the native matcher (`native.py`) where it is available; the rows it
    leaves, and every row without it, take the Python path."""
    with collector_paused():
        matcher = current_matcher()
        distinct = _distinct(texts)
        if matcher is not None and native.available():
            table = native.match_arrow(distinct, matcher, lambda ts: _resolve(ts, matcher))
            if table is not None:
                return table
        distinct_list = distinct.to_pylist()
        results = _resolve(distinct_list, matcher)
        columns = zip(*map(_ROW, results), strict=True) if results else [()] * len(_COLUMNS)
        cols: dict[str, object] = {"address": distinct,
                                   **dict(zip(_COLUMNS, columns, strict=True))}
        cols["reason"] = [reason_of(r) for r in results]
        return pa.table(cols, schema=SCHEMA)


def _distinct(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Array:
    """The distinct strings, in first-seen order."""
    if not isinstance(texts, pa.ChunkedArray | pa.Array):
        return pa.array(list(dict.fromkeys(texts)), pa.string())
    strings = texts.cast(pa.string())
    if not native.available():
        return pc.unique(strings)
    return native.distinct(strings.combine_chunks() if isinstance(strings, pa.ChunkedArray)
                           else strings)


def _resolve(distinct: list[str | None], matcher: Matcher | None) -> list[Match]:
    """Python-path results for distinct strings (cached per registry version); weak estate
    names are queued for review."""
    results = resolve_all(distinct, matcher)
    if matcher is not None:
        _queue_reviews(matcher, distinct, results)
    return results


_COLUMNS = SCHEMA.names[1:-1]
_ROW = operator.attrgetter(*_COLUMNS)
