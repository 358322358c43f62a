"""Parsing by shape: addresses that differ only in their numbers (金都花园3幢2单元502室 and
金都花园5幢1单元301室) parse the same way, so the parser runs once per *shape* (the normalized
string with every digit masked) and each address's numbers are put back into the parsed fields.

A shape is parsed with its number runs replaced by stand-ins of the same length, unique per run,
so every numbered field of the parse says which runs it holds. Digits never steer division or
estate recognition, only which number lands in which field, and a stand-in keeps a number's
length, so the result equals a direct parse; a shape whose fields cannot be mapped back exactly is
parsed directly, address by address."""

from __future__ import annotations

import dataclasses
import re

from address_registry.parse import ParsedAddress, parse_normalized

_RUN = re.compile(r"(\d+)")
# ASCII digits -> 9, applied to UTF-8 bytes (no multi-byte character contains an ASCII byte)
_MASK = bytes.maketrans(b"012345678", b"999999999")
MAX_RUNS = 9
MAX_RUN_LENGTH = 5
CACHE_LIMIT = 200_000
# Fields that can hold numbers; division spans and codes never do.
NUMBERED = ("road", "road_number", "estate", "building", "unit", "floor", "room")
_FIELD_NAMES = [f.name for f in dataclasses.fields(ParsedAddress)]
_NORMALIZED = _FIELD_NAMES.index("normalized")
_NOTES = _FIELD_NAMES.index("notes")
_NUMBERED_AT = [_FIELD_NAMES.index(n) for n in NUMBERED]


def _stand_in(index: int, length: int) -> str:
    """A number of `length` digits (no zeros) unique to run `index`: 1, 82, 773, 6664, 55555.
    The padding digit differs per length so a piece of one stand-in rarely spells another."""
    return str(index + 1) if length == 1 else str(10 - length) * (length - 1) + str(index + 1)


_STAND_INS = {(i, n): _stand_in(i, n) for i in range(MAX_RUNS)
              for n in range(1, MAX_RUN_LENGTH + 1)}


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    """A shape's parse: field values, and for each numbered field the run it is (`runs`) or the
    text and runs it is spelled from (`mixed`: pieces are text or a run index)."""

    values: list[object]
    runs: tuple[tuple[int, int], ...]
    mixed: tuple[tuple[int, tuple[str | int, ...]], ...]


# (shape, prefer) -> its template, or None when the shape is parsed address by address
_SHAPES: dict[tuple[str, str], Template | None] = {}


def _template(shape: str, prefer: str) -> Template | None:
    """Parse `shape` once with stand-ins and record where each number goes."""
    parts = _RUN.split(shape)  # text, number, text, number, ..., text
    runs = parts[1::2]
    if len(runs) > MAX_RUNS or (runs and max(map(len, runs)) > MAX_RUN_LENGTH):
        return None
    stand_ins = [_STAND_INS[(i, len(r))] for i, r in enumerate(runs)]
    parts[1::2] = stand_ins
    parsed = parse_normalized("".join(parts), (), prefer)
    values = [getattr(parsed, n) for n in _FIELD_NAMES]
    index = {s: i for i, s in enumerate(stand_ins)}
    whole, mixed = [], []
    for i in _NUMBERED_AT:
        value = values[i]
        if value is None or not any(ch.isdigit() for ch in str(value)):
            continue
        if value in index:  # most numbered fields are one number (3, 502)
            whole.append((i, index[value]))
            continue
        pieces = _RUN.split(str(value))  # others mix text (2号大街, 3组)
        if any(p not in index for p in pieces[1::2]):
            return None  # a field holds part of a number: do not guess
        mixed.append((i, tuple(index[p] if k % 2 else p for k, p in enumerate(pieces))))
    return Template(values, tuple(whole), tuple(mixed))


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


def parse_by_shapes(items: list[tuple[str, tuple[str, ...]]], prefer: str) -> list[ParsedAddress]:
    """`parse_normalized(s, notes, prefer)` for each item, computed once per shape."""
    if not items:
        return []
    masks = "\n".join(s for s, _ in items).encode(errors="surrogatepass").translate(_MASK).decode(
        errors="surrogatepass").split("\n")
    out = []
    for (s, notes), shape in zip(items, masks, strict=True):
        key = (shape, prefer)
        if key in _SHAPES:
            t = _SHAPES[key]
        else:
            if len(_SHAPES) >= CACHE_LIMIT:
                _SHAPES.clear()
            t = _SHAPES[key] = _template(shape, prefer)
        out.append(parse_normalized(s, notes, prefer) if t is None else _fill(t, s, notes))
    return out
