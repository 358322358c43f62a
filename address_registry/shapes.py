"""Parsing by shape: addresses that differ only in their numbers (金都花园3幢2单元502室 and
金都花园5幢1单元301室) parse the same way, so the parser runs once per *shape* (the normalized
string with every digit masked) and each address's numbers are put back into the parsed fields.

A shape is parsed with its number runs replaced by stand-ins of the same length, unique per run,
so every numbered field of the parse says which runs it holds. Digits never steer division or
estate recognition, only which number lands in which field, and a stand-in keeps a number's
length, so the result equals a direct parse; a shape whose fields cannot be mapped back exactly is
parsed directly, address by address. `shaped_texts` does this for a whole batch (normalized at
once, the digits of all texts masked in one byte translate), and `reader` tells the matcher
where a shape's numbers are, so it can skip building a parse per address. The Python path's entry
points of parsing live here too: `parse` (one text) and `parse_texts` (a list); parse_batch.py's
`parse_many` (Arrow in, Arrow out) falls back on the latter."""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable
from typing import Any

from address_registry.parse import ParsedAddress, normalized_texts, parse_normalized
from address_registry.rules import DEFAULT_PREFER

_RUN = re.compile(r"(\d+)")
# ASCII digits -> 9, applied to UTF-8 bytes (no multi-byte character contains an ASCII byte)
_MASK = bytes.maketrans(b"012345678", b"999999999")
MAX_RUNS = 9
MAX_RUN_LENGTH = 5
CACHE_LIMIT = 200_000
# Fields that can hold numbers; division spans and codes never do.
NUMBERED = ("road", "road_number", "estate", "building", "unit", "floor", "room")
_FIELD_NAMES = [f.name for f in dataclasses.fields(ParsedAddress)]
_FIELD_AT = {name: i for i, name in enumerate(_FIELD_NAMES)}
_VALUES = operator.attrgetter(*_FIELD_NAMES)
_NORMALIZED = _FIELD_NAMES.index("normalized")
_NOTES = _FIELD_NAMES.index("notes")
_NUMBERED_AT = [_FIELD_NAMES.index(n) for n in NUMBERED]


def _stand_in(index: int, length: int) -> str:
    """A number of `length` digits (no zeros) unique to run `index`: 1, 82, 773, 6664, 55555.
    The padding digit differs per length so a piece of one stand-in rarely spells another."""
    return str(index + 1) if length == 1 else str(10 - length) * (length - 1) + str(index + 1)


_STAND_INS = {(i, n): _stand_in(i, n) for i in range(MAX_RUNS)
              for n in range(1, MAX_RUN_LENGTH + 1)}


@dataclasses.dataclass(frozen=True, slots=True, eq=False)  # hashed by identity
class Template:
    """A shape's parse: field values, and for each numbered field the run it is (`runs`) or the
    text and runs it is spelled from (`mixed`: pieces are text or a run index)."""

    values: list[object]
    runs: tuple[tuple[int, int], ...]
    mixed: tuple[tuple[int, tuple[str | int, ...]], ...]
    count: int  # number runs in the shape


# prefer -> shape -> its template, or None when the shape is parsed address by address
_SHAPES: dict[str, dict[str, Template | None]] = {}


def _template(shape: str, prefer: str) -> Template | None:
    """Parse `shape` once with stand-ins and record where each number goes."""
    parts = _RUN.split(shape)  # text, number, text, number, ..., text
    runs = parts[1::2]
    if len(runs) > MAX_RUNS or (runs and max(map(len, runs)) > MAX_RUN_LENGTH):
        return None
    stand_ins = [_STAND_INS[(i, len(r))] for i, r in enumerate(runs)]
    parts[1::2] = stand_ins
    parsed = parse_normalized("".join(parts), (), prefer)
    values = list(_VALUES(parsed))
    index = {s: i for i, s in enumerate(stand_ins)}
    whole, mixed = [], []
    for i in _NUMBERED_AT:
        value = values[i]
        if value is None or not _RUN.search(str(value)):
            continue
        if value in index:  # most numbered fields are one number (3, 502)
            whole.append((i, index[value]))
            continue
        pieces = _RUN.split(str(value))  # others mix text (2号大街, 3组)
        if any(p not in index for p in pieces[1::2]):
            return None  # a field holds part of a number: do not guess
        mixed.append((i, tuple(index[p] if k % 2 else p for k, p in enumerate(pieces))))
    return Template(values, tuple(whole), tuple(mixed), len(runs))


def _fill(t: Template, s: str, notes: tuple[str, ...]) -> ParsedAddress:
    out = list(t.values)
    out[_NORMALIZED] = s
    out[_NOTES] = notes + t.values[_NOTES]  # type: ignore[operator]
    if t.runs or t.mixed:
        runs = _RUN.findall(s)
        for i, k in t.runs:
            out[i] = runs[k]
        for i, pieces in t.mixed:
            out[i] = "".join(p if isinstance(p, str) else runs[p] for p in pieces)
    return ParsedAddress(*out)  # type: ignore[arg-type]


def reader(t: Template, names: tuple[str, ...], free: tuple[str, ...]
           ) -> Callable[[str], tuple[Any, ...]] | None:
    """A function giving the fields `names` of a normalized address of this shape (read from its
    number runs, or the shape's own values); None when numbers also land in a field outside
    `names` and `free` (fields whose numbers the caller ignores) or in part of one of `names`."""
    whole = {_FIELD_NAMES[i]: k for i, k in t.runs}
    mixed = {_FIELD_NAMES[i] for i, _ in t.mixed}
    if mixed - set(free) or whole.keys() - set(names + free) or len(names) < 2:
        return None
    constants = [t.values[_FIELD_AT[n]] for n in names if n not in whole]
    # the constants go after the runs, so one itemgetter picks every field
    at, extra = [], t.count
    for n in names:
        at.append(whole.get(n, extra))
        extra += n not in whole
    pick = operator.itemgetter(*at)
    return lambda s: pick(_RUN.findall(s) + constants)


@dataclasses.dataclass(frozen=True, slots=True)
class Shaped:
    """A readable text normalized, and the template of its shape (None: parse it directly)."""

    normalized: str
    notes: tuple[str, ...]
    template: Template | None

    @property
    def all_notes(self) -> tuple[str, ...]:
        """Normalization's notes and the parse's."""
        found = self.template.values[_NOTES] if self.template else ()
        return self.notes + found  # type: ignore[operator]


def shaped_texts(texts: list[str | None], prefer: str) -> list[Shaped | None]:
    """Each text normalized with its shape's template (computed once per shape); None for a text
    that is empty or not a string. The batch is normalized at once."""
    readable = [t for t in texts if t and isinstance(t, str)]
    items = normalized_texts(readable)
    shaped = iter([Shaped(s, notes, t) for (s, notes), t
                   in zip(items, _templates(items, prefer), strict=True)])
    return [next(shaped) if t and isinstance(t, str) else None for t in texts]


_EMPTY = ("empty address",)


def parsed(x: Shaped | None, prefer: str) -> ParsedAddress:
    """The parse of a shaped text (an empty one for None)."""
    if x is None:
        return ParsedAddress(notes=_EMPTY)
    if x.template is None:
        return parse_normalized(x.normalized, x.notes, prefer)
    return _fill(x.template, x.normalized, x.notes)


def parse(text: str | None, prefer: str = DEFAULT_PREFER) -> ParsedAddress:
    """Parse one address; never raises. Unreadable input yields empty levels and a note."""
    return parse_texts([text], prefer)[0]


def parse_texts(texts: list[str | None], prefer: str = DEFAULT_PREFER) -> list[ParsedAddress]:
    """`parse` of each text, the batch normalized at once and parsed once per shape."""
    return [parsed(x, prefer) for x in shaped_texts(texts, prefer)]


def clear_cache() -> None:
    """Forget every shape's template (benchmarks; results never depend on this cache)."""
    _SHAPES.clear()


def _templates(items: list[tuple[str, tuple[str, ...]]], prefer: str) -> list[Template | None]:
    if not items:
        return []
    masks = "\n".join(s for s, _ in items).encode(errors="surrogatepass").translate(_MASK).decode(
        errors="surrogatepass").split("\n")
    known = _SHAPES.setdefault(prefer, {})
    if len(known) + len(masks) > CACHE_LIMIT:
        known.clear()
    for shape in [m for m in dict.fromkeys(masks) if m not in known]:  # in first-seen order
        known[shape] = _template(shape, prefer)
    return [known[shape] for shape in masks]
