"""Resolving many distinct address strings: a cache keyed by (registry version, string) so each
string is parsed and matched once per registry version, and a fork pool that spreads large
batches over several processes when SHUCANG_ADDRESS_WORKERS asks for it. The default is one
process: Airflow already runs feeds side by side, and on a busy 2-core machine the pool measured
slower than one process (benchmarks/address_speed.py). It owns no matching rules."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import operator
from collections.abc import Callable, Iterator
from typing import Any

from address_registry import registry, shapes
from address_registry.matcher import Match, Matcher, match_texts
from address_registry.parse import clear_caches as clear_parse_caches
from foundation import settings as config

PARALLEL_MIN = 20_000  # below this a pool costs more than it saves
CHUNKS_PER_WORKER = 4  # small enough to even out the workers, large enough to share shapes
CACHE_LIMIT = 500_000  # about 150 MB of results; cleared when full

_CACHE: dict[object, dict[str | None, Match]] = {}  # registry version -> string -> result
_WORKER_MATCHER: Matcher | None = None  # inherited by forked workers


def workers() -> int:
    """How many processes resolve a large batch (SHUCANG_ADDRESS_WORKERS, default 1)."""
    return max(1, int(config.number("SHUCANG_ADDRESS_WORKERS") or 1))


# Results cross the process boundary as plain tuples: pickling Match objects cost three times as
# much (85 ms against 30 ms for 20,000), a third of matching them.
_AS_TUPLE = operator.attrgetter(*(f.name for f in dataclasses.fields(Match)))


def _work(texts: list[str | None]) -> list[tuple[Any, ...]]:
    return [_AS_TUPLE(m) for m in match_texts(texts, _WORKER_MATCHER)]


def _map(texts: list[str | None], matcher: Matcher | None, n: int,
         serial: Callable[[list[str | None]], list[Match]]) -> list[Match]:
    if n < 2 or len(texts) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return serial(texts)
    global _WORKER_MATCHER
    _WORKER_MATCHER = matcher
    size = -(-len(texts) // (n * CHUNKS_PER_WORKER))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            parts = pool.map(_work, chunks, chunksize=1)
    except OSError:  # no fork allowed here (sandbox, resource limits): resolve in-process
        return serial(texts)
    finally:
        _WORKER_MATCHER = None
    return [Match(*fields) for part in parts for fields in part]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Matching allocates many small acyclic objects; with the registry's indexes alive, each
    collection the allocations trigger rescans those indexes, which cost a third of the time.
    The young objects left are collected once afterwards, as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def resolve_all(distinct: list[str | None], matcher: Matcher | None) -> list[Match]:
    """A Match per distinct string, from the cache when this registry version saw it before."""
    key = matcher.cache_key if matcher is not None else None
    if key not in _CACHE:  # results of another registry version are never read again
        _CACHE.clear()
    cache = _CACHE.setdefault(key, {})
    todo = [t for t in distinct if t not in cache]
    if todo:
        fresh = _map(todo, matcher, workers(), lambda ts: match_texts(ts, matcher))
        if len(cache) + len(fresh) > CACHE_LIMIT:
            cache.clear()
        cache.update(zip(todo, fresh, strict=True))
    return [cache[t] for t in distinct]


def clear_caches() -> None:
    """Forget every cached result, shape template, division prefix and matcher, so the next
    match starts cold (benchmarks; results never depend on these caches)."""
    _CACHE.clear()
    shapes.clear_cache()
    clear_parse_caches()
    registry.clear_cache()
