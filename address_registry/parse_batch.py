"""`parse_many`: parse an array of addresses, Arrow in, Arrow out, one row per input row. Where
the native matcher is available the batch is parsed in C (csrc/parse_batch.c, against a C copy
of the division reference) and the columns are built from the byte spans it reports without a
Python object per row; the rows it leaves (unreadable or unusual text, nulls, empty strings)
take the Python path (`shapes.parse_texts`), so the table is exactly what the Python path gives;
tests/address_registry/test_native_parse.py holds the two together."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from address_registry import native
from address_registry.parse import ParsedAddress
from address_registry.rules import DEFAULT_PREFER, DIVISION_CODE, MAX_CHARS, PARSE_FIELDS
from address_registry.shapes import parse_texts

CODES = tuple(f"{level}_code" for level in DIVISION_CODE)
# the output columns after `address`, in ParsedAddress's field order
COLUMNS = (*PARSE_FIELDS, *CODES, "normalized")
_SPANS = (*PARSE_FIELDS, "normalized")  # what C reports a span of, in its order
_CODE_MAX = max(DIVISION_CODE.values())
ROWS = 1 << 18  # rows parsed at a time: a batch's byte offsets stay well inside int32
_ROOM = 3 * MAX_CHARS  # the most bytes a normalized text takes (MAX_CHARS BMP characters)


def parse_many(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Table:
    """Parse each string; one output row per input row (Arrow in, Arrow out): the address, the
    fields of `ParsedAddress` as written, the division codes and the normalized text."""
    strings = _strings(texts)
    if not native.available():
        return _python_table(strings)
    tables = [_native_table(strings.slice(a, ROWS)) for a in range(0, len(strings), ROWS)]
    if not tables:
        return _python_table(strings)
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


def _strings(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.Array:
    if not isinstance(texts, pa.Array | pa.ChunkedArray):
        return pa.array(list(texts), pa.string())
    strings = texts.cast(pa.string()) if texts.type != pa.string() else texts
    return strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings


def _values(p: ParsedAddress) -> list[str | None]:
    return [getattr(p, name) for name in COLUMNS]


def _python_table(strings: pa.Array) -> pa.Table:
    """The table on the Python path: each distinct string parsed once."""
    values = strings.to_pylist()
    distinct = list(dict.fromkeys(values))
    rows = dict(zip(distinct, map(_values, parse_texts(distinct)), strict=True))
    columns = zip(*(rows[v] for v in values), strict=True) if values else [()] * len(COLUMNS)
    return pa.table({"address": strings,
                     **{name: pa.array(c, pa.string())
                        for name, c in zip(COLUMNS, columns, strict=True)}})


class _Parsed:
    """What `parse_batch` writes for a batch: each row's normalized text (UTF-8) in `text`, the
    byte spans of its fields and of that text in `spans` (start, length; -1 absent), its
    deepest division code, and whether C left the row to Python (`status`)."""

    def __init__(self, strings: pa.Array) -> None:
        n = len(strings)
        offsets = np.frombuffer(strings.buffers()[1], np.int32, n + 1, 4 * strings.offset)
        room = np.minimum(2 * np.diff(offsets).astype(np.int64) + 16, _ROOM)
        self.room_at = np.zeros(n + 1, np.int64)
        np.cumsum(room, out=self.room_at[1:])
        self.text = np.empty(int(self.room_at[-1]), np.uint8)
        self.spans = np.empty((n, len(_SPANS), 2), np.int32)
        self.deep = np.zeros((n, _CODE_MAX), np.uint8)
        self.deep_len = np.zeros(n, np.uint8)
        self.status = np.empty(n, np.uint8)

    def put(self, rows: np.ndarray, parsed: list[ParsedAddress]) -> None:
        """The Python path's parses of `rows`: their values appended to the text, spans set."""
        extra, at = bytearray(), len(self.text)
        for i, p in zip(rows.tolist(), parsed, strict=True):
            for f, name in enumerate(_SPANS):
                value = getattr(p, name)
                if value is None:
                    self.spans[i, f] = (0, -1)
                    continue
                data = value.encode()
                self.spans[i, f] = (at + len(extra), len(data))
                extra += data
            deep = (p.deepest_code() or p.province_code or "").encode()
            self.deep[i, :len(deep)] = np.frombuffer(deep, np.uint8)
            self.deep_len[i] = len(deep)
        if extra:
            self.text = np.concatenate([self.text, np.frombuffer(bytes(extra), np.uint8)])

    def column(self, f: int) -> pa.Array:
        """The string column of span `f`, gathered in C."""
        n = len(self.spans)
        lengths = self.spans[:, f, 1]
        valid = lengths >= 0
        offsets = np.empty(n + 1, np.int32)
        data = np.empty(max(1, int(np.maximum(lengths, 0).sum(dtype=np.int64))), np.uint8)
        native.library().gather_strings(n, self.spans.ctypes.data + 8 * f, 2 * len(_SPANS),
                                        self.text.ctypes.data, offsets.ctypes.data,
                                        data.ctypes.data)
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data),
                                           native.bitmap(valid), n - int(np.count_nonzero(valid)))

    def code(self, width: int) -> pa.Array:
        """A division code column: the deepest code's first `width` characters where it has
        them."""
        return native.fixed_strings(np.ascontiguousarray(self.deep[:, :width]),
                                    self.deep_len >= width)


def _native_table(strings: pa.Array) -> pa.Table:
    out = _Parsed(strings)
    offsets, data, validity = native.buffers(strings)
    native.library().parse_batch(
        native.divisions_handle(), DEFAULT_PREFER.encode(), len(strings), offsets, data,
        validity, strings.offset, out.room_at.ctypes.data, out.text.ctypes.data,
        out.spans.ctypes.data, out.deep.ctypes.data, out.deep_len.ctypes.data,
        out.status.ctypes.data, native.threads())
    left = np.flatnonzero(out.status)
    if left.size:
        texts = strings.take(pa.array(left)).to_pylist()
        distinct = list(dict.fromkeys(texts))
        found = dict(zip(distinct, parse_texts(distinct), strict=True))
        out.put(left, [found[t] for t in texts])
    columns = {name: out.column(f) for f, name in enumerate(_SPANS)}
    columns.update((name, out.code(width))
                   for name, width in zip(CODES, DIVISION_CODE.values(), strict=True))
    return pa.table({"address": strings, **{name: columns[name] for name in COLUMNS}})

