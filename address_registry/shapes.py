"""Parsing by shape: addresses that differ only in their numbers (金都花园3幢2单元502室 and
金都花园5幢1单元301室) parse the same way, so the parser runs once per *shape* (the normalized
string with its number runs replaced by stand-ins of the same length) and the real numbers are
put back into the parsed fields. Digits never steer division or estate recognition, only which
number lands in which field, and a stand-in keeps a number's length, so the result equals a
direct parse; anything that cannot be mapped back exactly is parsed directly instead."""

from __future__ import annotations

import dataclasses
import re

from address_registry.parse import ParsedAddress, parse_normalized

_RUN = re.compile(r"(\d+)")
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

# shape -> the parse's field values and the positions of the fields that hold numbers
_SHAPES: dict[tuple[str, str], tuple[list[object], list[int]]] = {}


def _shape_of(s: str) -> tuple[str, dict[str, str]] | None:
    parts = _RUN.split(s)  # text, number, text, number, ..., text
    runs = parts[1::2]
    if not runs or len(runs) > MAX_RUNS or max(map(len, runs)) > MAX_RUN_LENGTH:
        return None
    stand_ins = [_STAND_INS[(i, len(r))] for i, r in enumerate(runs)]
    parts[1::2] = stand_ins
    return "".join(parts), dict(zip(stand_ins, runs, strict=True))


def parse_by_shape(s: str, notes: tuple[str, ...], prefer: str) -> ParsedAddress:
    """`parse_normalized(s)` computed once per shape of `s`."""
    found = _shape_of(s)
    if found is None:
        return parse_normalized(s, notes, prefer)
    shape, back = found
    cached = _SHAPES.get((shape, prefer))
    if cached is None:
        if len(_SHAPES) >= CACHE_LIMIT:
            _SHAPES.clear()
        parsed = parse_normalized(shape, (), prefer)
        values = [getattr(parsed, n) for n in _FIELD_NAMES]
        numbered = [i for i in _NUMBERED_AT
                    if values[i] is not None and any(ch.isdigit() for ch in values[i])]
        cached = _SHAPES[(shape, prefer)] = (values, numbered)
    values, numbered = cached
    out = list(values)
    out[_NORMALIZED] = s
    out[_NOTES] = notes + values[_NOTES]  # type: ignore[operator]
    try:
        for i in numbered:
            value = str(values[i])
            whole = back.get(value)
            # most numbered fields are one number (3, 502); others mix text (2号大街, 3组)
            out[i] = whole if whole is not None else _RUN.sub(lambda m: back[m.group()], value)
    except KeyError:  # a field holds part of a number: do not guess, parse directly
        return parse_normalized(s, notes, prefer)
    return ParsedAddress(*out)  # type: ignore[arg-type]
