"""The native matcher's Python side: the registry version copied into the C library (divisions,
estates, buildings, houses: the indexes `match.Matcher` holds), the character table normalization
reads, and `match_arrow`, which matches an Arrow string array in C and returns the columns of
`matcher.SCHEMA`. Rows the C code leaves to the reference (exotic characters, over-long text,
estates the reference would queue for review, nothing recognised) are matched by the `reference`
callable it is given (match.py passes the Python path), so every row is exactly what the Python
path gives; tests/address_registry/test_native.py holds the two together. The names, widths and
order of what crosses into C (registry members, output columns, parse spans) are `rules.py`'s,
which the C side reads from the generated rules_gen.h."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import sys
import unicodedata
import weakref
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from address_registry import homophones, native_build, rules
from address_registry.divisions import RANK, Divisions, load_divisions
from address_registry.matcher import SCHEMA, Match, Matcher, derived_reason, reason_of, unrecognised
from address_registry.normalize import AS_DASH, NOISE, traditional_list
from address_registry.rules import DEFAULT_PREFER, DIVISION_CODE, HOWS, LEVEL_ORDER, PARSE_FIELDS
from address_registry.similarity import bigrams
from foundation import settings as config

_SEP = rules.SEPARATOR
_DELETE, _DEFER = rules.CHAR_DELETE, rules.CHAR_DEFER
_COMMUNITY = DIVISION_CODE["community"]
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_P = ctypes.c_void_p


def _defer_char(ch: str, mapped: str) -> bool:
    """Whether normalizing `ch` could depend on its neighbours, or yields no single character
    the C code handles (those texts go to the reference)."""
    if len(mapped) != 1 or any(a <= ord(c) <= b for c in (ch, mapped) for a, b in _HANGUL):
        return True
    if any(unicodedata.category(c).startswith("M") or unicodedata.combining(c) for c in (ch, mapped)):
        return True
    return unicodedata.normalize("NFKC", "a" + ch) != "a" + mapped


@functools.cache
def char_table() -> np.ndarray:
    """Every BMP code point -> what normalization makes of it alone (NFKC, traditional ->
    simplified, upper case, / and — as -), _DELETE for spaces and punctuation but a remark's brackets,
    _DEFER when the C code must
    leave the text to the reference."""
    trad = traditional_list()
    out = np.empty(65536, np.uint32)
    for c in range(65536):
        ch = chr(c)
        if 0xD800 <= c <= 0xDFFF:
            out[c] = _DEFER
            continue
        stable = c < 0x80 or 0x4E00 <= c <= 0x9FFF  # what normalize.py leaves to translate
        mapped = ch if stable else unicodedata.normalize("NFKC", ch)
        if not stable and _defer_char(ch, mapped):
            out[c] = _DEFER
            continue
        mapped = mapped.translate(trad).translate(AS_DASH)
        if len(mapped) == 1 and mapped in rules.REMARK_OPEN + rules.REMARK_CLOSE:
            # a remark's brackets, as the first of their kind: normalize.c's remarks() takes them
            out[c] = ord((rules.REMARK_OPEN if mapped in rules.REMARK_OPEN else rules.REMARK_CLOSE)[0])
            continue
        if ch == "\n" or NOISE.fullmatch(mapped):
            out[c] = _DELETE
            continue
        upper = mapped.upper()
        digit = len(upper) == 1 and upper.isdecimal() and not upper.isascii()  # regex \d
        out[c] = _DEFER if len(upper) != 1 or digit else ord(upper)
    return out


@functools.cache
def _lib() -> ctypes.CDLL | None:
    lib = native_build.load()  # enabled() is asked per call, in available()
    if lib is None:
        return None
    lib.reg_new.restype = _P
    lib.reg_free.argtypes = [_P]
    lib.reg_table.argtypes = [_P, ctypes.c_char_p, _P, _P, _P, ctypes.c_int64]
    lib.reg_array.argtypes = [_P, ctypes.c_char_p, _P, ctypes.c_int64]
    lib.reg_memos.argtypes = [_P, ctypes.c_int]
    lib.set_char_table.argtypes = [_P]
    lib.match_batch.argtypes = [_P, ctypes.c_char_p, ctypes.c_int64, _P, _P, _P, ctypes.c_int64,
                                ctypes.POINTER(_ColumnPointers), ctypes.c_int]
    lib.distinct_rows.restype = ctypes.c_int64
    lib.distinct_rows.argtypes = [ctypes.c_int64, _P, _P, _P, ctypes.c_int64, _P]
    lib.normalize_one.argtypes = [_P, ctypes.c_int, _P]
    lib.parse_one.argtypes = [_P, ctypes.c_char_p, _P, ctypes.c_int, _P, ctypes.c_char_p]
    lib.parse_batch.argtypes = [_P, ctypes.c_char_p, ctypes.c_int64, _P, _P, _P, ctypes.c_int64,
                                _P, _P, _P, _P, _P, _P, ctypes.c_int]
    lib.gather_strings.argtypes = [ctypes.c_int64, _P, ctypes.c_int64, _P, _P, _P]
    lib.set_char_table(char_table().ctypes.data)
    return lib


def library() -> ctypes.CDLL:
    """The loaded library (for callers that asked `available()`)."""
    lib = _lib()
    assert lib is not None
    return lib


def available() -> bool:
    """Whether the native matcher is built, loaded and enabled."""
    return native_build.enabled() and _lib() is not None


class _Loader:
    """Copies tables and arrays into one C registry; with `record`, keeps what it copied, in
    order, so that `save` can write it for `replay` in a later process."""

    def __init__(self, lib: ctypes.CDLL, record: bool = False) -> None:
        self.lib, self.handle = lib, lib.reg_new()
        self.recorded: list[tuple[str, list[np.ndarray]]] | None = [] if record else None

    def array(self, name: str, values: np.ndarray | bytes) -> None:
        data = np.frombuffer(values, np.uint8) if isinstance(values, bytes) else values
        self._array(name, np.ascontiguousarray(data))

    def _array(self, name: str, data: np.ndarray) -> None:
        if self.lib.reg_array(self.handle, name.encode(), data.ctypes.data, data.nbytes) != 0:
            raise ValueError(f"native registry has no array {name}")
        if self.recorded is not None:
            self.recorded.append((f"array:{name}", [data]))

    def table(self, name: str, keys: Sequence[str], values: Iterable[int]) -> None:
        points = np.frombuffer("".join(keys).encode("utf-32-le"), np.uint32)
        off = np.zeros(len(keys) + 1, np.int64)
        np.cumsum([len(k) for k in keys], out=off[1:])
        self._table(name, points, off, np.fromiter(values, np.int32, len(keys)))

    def _table(self, name: str, points: np.ndarray, off: np.ndarray, vals: np.ndarray) -> None:
        if self.lib.reg_table(self.handle, name.encode(), points.ctypes.data, off.ctypes.data,
                              vals.ctypes.data, len(vals)) != 0:
            raise ValueError(f"native registry has no table {name}")
        if self.recorded is not None:
            self.recorded.append((f"table:{name}", [points, off, vals]))

    def save(self, path: Path) -> None:
        """Write what was copied (atomically: a reader sees the whole file or none)."""
        assert self.recorded is not None
        parts = {f"{i:04d}|{what}|{j}": a for i, (what, arrays) in enumerate(self.recorded)
                 for j, a in enumerate(arrays)}
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as f:
            np.savez(f, **parts)  # type: ignore[arg-type]
        os.replace(partial, path)

    def replay(self, path: Path) -> None:
        """Copy in what `save` wrote, in the order it was copied."""
        with np.load(path) as saved:
            calls: dict[tuple[int, str], list[np.ndarray]] = {}
            for key in sorted(saved.files):
                i, what, _ = key.split("|")
                calls.setdefault((int(i), what), []).append(saved[key])
        for (_, what), arrays in sorted(calls.items()):
            kind, name = what.split(":", 1)
            if kind == "array":
                self._array(name, arrays[0])
            else:
                self._table(name, *arrays)

    def multimap(self, name: str, lists: dict[str, list[int]]) -> None:
        keys = list(lists)
        self.table(name, keys, range(len(keys)))
        self.array(f"{name}.list_off", np.cumsum([0, *map(len, lists.values())], dtype=np.int32))
        self.array(f"{name}.items", np.array([i for v in lists.values() for i in v], np.int32))


def index_key(i: int) -> str:
    """An estate's or building's index as the two code points that start a key naming it
    (csrc/core.h index_key): shorter than its code, so the tables stay small and cache-warm."""
    return chr(rules.INDEX_KEY_BASE + (i >> 16)) + chr(rules.INDEX_KEY_BASE + (i & 0xFFFF))


def _codes(codes: Iterable[str | None], width: int) -> bytes:
    return b"".join((c or "").encode().ljust(width, b"\0")[:width] for c in codes)


def _floats(values: Iterable[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], np.float64)


def _ints(values: Iterable[int]) -> np.ndarray:
    return np.array(list(values), np.int32)


def _packed(code: str) -> int:
    """A division code as csrc/core.h's hit_key: a digit a nibble, from the top of 48 bits."""
    if not (code.isascii() and code.isdigit() and len(code) <= _COMMUNITY):
        raise ValueError(f"division code {code!r} is not at most {_COMMUNITY} digits")
    return int(code.ljust(_COMMUNITY, "0"), 16)


def _load_divisions(load: _Loader, div: Divisions) -> None:
    # in name order, so every process copies the same (C builds the names' trie from them)
    names = sorted(div.names)
    hits = [h for n in names for h in div.names[n]]
    at = {id(h): i for i, h in enumerate(hits)}
    load.multimap("div_names", {n: [at[id(h)] for h in div.names[n]] for n in names})
    name_at = {n: i for i, n in enumerate(names)}
    load.multimap("div_children", {parent: [x for n, h in pairs for x in (name_at[n], at[id(h)])]
                                   for parent, pairs in div.children.items()})
    load.array("hit_code", _codes((h.code for h in hits), _COMMUNITY))
    load.array("hit_key", np.array([_packed(h.code) for h in hits], np.uint64))
    load.array("hit_code_len", _ints(len(h.code) for h in hits))
    load.array("hit_rank", _ints(RANK[h.division.level] for h in hits))
    load.array("hit_exact", _ints(h.exact for h in hits))
    load.array("hit_historic", _ints(h.historic is not None for h in hits))
    load.array("hit_village", _ints(h.division.name.endswith(rules.VILLAGE_NAME_ENDS) for h in hits))
    load.array("readings", homophones.reading_table())  # for typos that sound like the name


def _load_matcher(load: _Loader, m: Matcher) -> None:
    estates = sorted(m.estates)
    e_at = {c: i for i, c in enumerate(estates)}
    load.array("estate_code", _codes(estates, rules.ESTATE_CODE))
    load.array("estate_community", _codes((m.estates[c].community_code for c in estates),
                                          _COMMUNITY))
    load.array("estate_lon", _floats(m.estates[c].lon for c in estates))
    load.array("estate_lat", _floats(m.estates[c].lat for c in estates))
    layouts = [m.layouts.get(c) for c in estates]
    load.array("layout_has", _ints(x is not None for x in layouts))
    for name in ("units_written", "units", "floors", "rooms"):
        load.array(f"layout_{name}", _ints(int(getattr(x, name)) if x else 0 for x in layouts))
    load.multimap("est_names", {n: [e_at[c] * rules.HOW_SLOTS + HOWS.index(how) for c, how in hits]
                                for n, hits in m.names.items()})
    keys = list(m.keys)  # a name key's id: its place here, in est_keys and fuzzy_grams alike
    load.multimap("est_keys", {k: sorted(e_at[c] for c in m.keys[k]) for k in keys})
    key_at = {k: i for i, k in enumerate(keys)}
    load.multimap("fuzzy_grams", {g: sorted(key_at[k] for k in found)
                                  for g, found in m.grams.items()})
    load.array("fuzzy_key_grams", _ints(len(bigrams(k)) for k in keys))
    # the prefixes Matcher._fuzzy's scope can take under which it could find a candidate
    scopes = sorted({c[:n] for codes in m.keys.values() for c in codes for n in (2, 4, 6, 9)})
    load.table("fuzzy_scopes", scopes, [0] * len(scopes))
    load.array("max_name", np.array([m.max_name], np.int32))
    buildings = {b.code: b for b in m.by_label.values()}
    buildings.update((b.code, b) for found in m.by_door.values() for b in found)
    codes = sorted(buildings)
    b_at = {c: i for i, c in enumerate(codes)}
    load.array("building_code", _codes(codes, rules.BUILDING_CODE))
    load.array("building_community", _codes((buildings[c].community_code for c in codes),
                                            _COMMUNITY))
    load.array("building_lon", _floats(buildings[c].lon for c in codes))
    load.array("building_lat", _floats(buildings[c].lat for c in codes))
    planned = (-2 if c not in m.planned else m.planned[c] or -1 for c in codes)
    load.array("building_planned", _ints(planned))
    labels = {index_key(e_at[e]) + label: b_at[b.code] for (e, label), b in m.by_label.items()
              if label is not None}
    load.table("by_label", list(labels), labels.values())
    doors = sorted(m.by_door.keys() | m.estate_doors.keys())
    load.multimap("by_door", {f"{r}{_SEP}{n}": [b_at[b.code] for b in m.by_door.get((r, n), ())]
                              for r, n in doors})
    estates_at = [sorted(e_at[c] for c in m.estate_doors.get(door, ())) for door in doors]
    load.array("estate_doors_off", np.cumsum([0, *map(len, estates_at)], dtype=np.int32))
    load.array("estate_doors", np.array([e for found in estates_at for e in found], np.int32))
    roads = sorted(m.roads)
    load.table("roads", roads, [0] * len(roads))
    houses = sorted(set(m.houses.values()) | {h for found in m.rooms.values() for h in found})
    h_at = {c: i for i, c in enumerate(houses)}
    load.array("house_code", _codes(houses, rules.HOUSE_CODE))
    keyed = {f"{index_key(b_at[b])}{u}{_SEP}{r}": h_at[h] for (b, u, r), h in m.houses.items()
             if b in b_at}
    load.table("houses", list(keyed), keyed.values())
    load.multimap("rooms", {index_key(b_at[b]) + r: [h_at[h] for h in found]
                            for (b, r), found in m.rooms.items() if b in b_at})


def registry_handle(matcher: Matcher) -> int | None:
    """The C registry for this matcher (built on first use and kept on the matcher), or None."""
    lib = _lib()
    if lib is None:
        return None
    handle = matcher.native_handle
    if handle is None:
        load = _with_divisions(lib)
        _load_matcher(load, matcher)
        handle = matcher.native_handle = load.handle
        weakref.finalize(matcher, lib.reg_free, handle)  # freed with its registry version
        lib.reg_memos(handle, threads())
    return handle


@functools.cache
def divisions_handle() -> int | None:
    """A C registry of the division reference alone (what parsing reads), built on first use
    and kept for the process; None when the native matcher is unavailable."""
    lib = _lib()
    if lib is None:
        return None
    load = _with_divisions(lib)
    lib.reg_memos(load.handle, threads())
    return int(load.handle)


def _with_divisions(lib: ctypes.CDLL) -> _Loader:
    """A new C registry holding the division reference. The copy is kept on disk beside the
    library, so a new process reads it back in a few hundred milliseconds instead of indexing
    the reference and copying it in (seconds): `make install` makes it."""
    saved = native_build.cache_dir() / f"divisions-{_divisions_key()}.npz"
    load = _Loader(lib)
    try:
        load.replay(saved)
        return load
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent or unreadable
        lib.reg_free(load.handle)
    load = _Loader(lib, record=True)
    _load_divisions(load, load_divisions())
    with contextlib.suppress(OSError):  # a read-only cache: the next process makes it again
        load.save(saved)
    load.recorded = None
    return load


def _divisions_key() -> str:
    """What the C copy of the division reference is made from: the committed extracts and
    history, the code that indexes them and the spellings package, hashed."""
    from importlib import metadata

    from address_registry import divisions as index
    from address_registry import normalize
    from divisions import reference

    digest = hashlib.sha256(metadata.version("opencc-python-reimplemented").encode())
    digest.update(homophones.version().encode())
    modules = (index, normalize, rules, reference, homophones, sys.modules[__name__])
    for path in [*sorted(reference.DATA.iterdir()), *(Path(str(m.__file__)) for m in modules)]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:20]


def threads() -> int:
    """Threads one batch is split over (SHUCANG_ADDRESS_THREADS, default the cores)."""
    return max(1, int(config.number("SHUCANG_ADDRESS_THREADS") or os.cpu_count() or 1))


def fixed_strings(values: np.ndarray, valid: np.ndarray) -> pa.Array:
    """Fixed-width ASCII codes (a row of `values` each) as an Arrow string column, zero-copy."""
    n, width = values.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(values),
                                       bitmap(valid), n - int(np.count_nonzero(valid)))


def bitmap(valid: np.ndarray) -> pa.Buffer:
    """An Arrow validity bitmap from booleans."""
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def _floats_column(values: np.ndarray) -> pa.Array:
    """Floats with NaN as null, zero-copy."""
    valid = ~np.isnan(values)
    return pa.Array.from_buffers(pa.float64(), len(values), [bitmap(valid), pa.py_buffer(values)],
                                 len(values) - int(np.count_nonzero(valid)))


_LEVEL_NAMES = pa.array(LEVEL_ORDER, pa.string())
_DERIVED = derived_reason("\0" * rules.BUILDING_CODE).encode()  # a derived house code's reason
_DERIVED_AT = _DERIVED.index(b"\0" * rules.BUILDING_CODE)


def _reasons_column(reasons: dict[int, str], derived: np.ndarray, building: np.ndarray
                    ) -> pa.Array:
    """The reason column: `reasons` (row -> text), and derived_reason for the rows flagged
    `derived` (their building codes in `building`), null elsewhere."""
    n = len(derived)
    rows = np.flatnonzero(derived)
    if not reasons and not rows.size:
        return pa.nulls(n, pa.string())
    written = {row: text.encode() for row, text in reasons.items()}
    valid = derived.astype(bool)
    lengths = np.where(valid, len(_DERIVED), 0).astype(np.int32)
    for row, text in written.items():
        lengths[row], valid[row] = len(text), True
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    data = np.empty(int(offsets[-1]), np.uint8)
    texts = np.tile(np.frombuffer(_DERIVED, np.uint8), (rows.size, 1))
    texts[:, _DERIVED_AT:_DERIVED_AT + rules.BUILDING_CODE] = building[rows]
    data[offsets[rows][:, None] + np.arange(len(_DERIVED))] = texts
    for row, text in written.items():
        data[offsets[row]:offsets[row + 1]] = np.frombuffer(text, np.uint8)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data),
                                       bitmap(valid), n - int(np.count_nonzero(valid)))


_DTYPES = {"u8": np.uint8, "f64": np.float64, "char": np.uint8}
_DEFERRED, _UNRECOGNISED = rules.ROW_STATUS.index("deferred"), rules.ROW_STATUS.index("unrecognised")
_DIVISION_COLUMNS = ("district", "street", "community")


class _ColumnPointers(ctypes.Structure):
    """rules_gen.h's `columns`: a pointer for each of rules.ROW_COLUMNS, in order."""

    _fields_ = [(c.name, ctypes.c_void_p) for c in rules.ROW_COLUMNS]


class _Columns:
    """The per-row outputs of `match_batch` (rules.ROW_COLUMNS), patched with the reference's
    rows."""

    def __init__(self, n: int) -> None:
        # written here, not left to calloc: pages first touched by the matcher's threads fault
        # side by side, which costs more than the matching on some virtual machines
        self.c = {c.name: np.full((n, c.width) if c.kind == "char" else n, c.fill, _DTYPES[c.kind])
                  for c in rules.ROW_COLUMNS}
        self.reasons: dict[int, str] = {}

    def pointers(self) -> _ColumnPointers:
        return _ColumnPointers(*(self.c[c.name].ctypes.data for c in rules.ROW_COLUMNS))

    def put(self, i: int, m: Match) -> None:
        """Row `i` as the reference matched it."""
        c = self.c
        c["level"][i], c["conf"][i] = LEVEL_ORDER.index(m.match_level), m.match_confidence
        c["lon"][i] = np.nan if m.lon is None else m.lon
        c["lat"][i] = np.nan if m.lat is None else m.lat
        deep = (m.community_code or m.street_code or m.district_code or "").encode()
        c["deep_len"][i] = len(deep)
        for level in _DIVISION_COLUMNS:
            if len(deep) >= (width := DIVISION_CODE[level]):
                c[level][i] = np.frombuffer(deep[:width], np.uint8)
        for code, name in ((m.building_code, "building"), (m.house_code, "house")):
            if code is not None:
                c[name][i] = np.frombuffer(code.encode(), np.uint8)
        c["has_building"][i] = m.building_code is not None
        c["has_house"][i] = m.house_code is not None
        if (reason := reason_of(m)) is not None:
            self.reasons[i] = reason

    def table(self, address: pa.Array) -> pa.Table:
        c = self.c
        deep = c["deep_len"]
        return pa.table({
            "address": address,
            **{f"{level}_code": fixed_strings(c[level], deep >= DIVISION_CODE[level])
               for level in _DIVISION_COLUMNS},
            "building_code": fixed_strings(c["building"], c["has_building"].view(bool)),
            "house_code": fixed_strings(c["house"], c["has_house"].view(bool)),
            "lon": _floats_column(c["lon"]),
            "lat": _floats_column(c["lat"]),
            "match_level": _LEVEL_NAMES.take(c["level"]),
            "match_confidence": pa.array(c["conf"], pa.float64()),
            "reason": _reasons_column(self.reasons, c["derived"], c["building"]),
        }, schema=SCHEMA)


_NO_BYTES = np.zeros(1, np.uint8)  # the data of an array whose strings are all empty or null


def buffers(strings: pa.Array) -> tuple[int, int, int | None]:
    """Addresses of a string array's offsets, data and validity (None: no nulls) buffers. An
    array without bytes gets a valid empty buffer: C compares and hashes its empty strings with
    memcmp and memcpy, which must not be given NULL even for no bytes."""
    validity, offsets, data = strings.buffers()
    return (offsets.address,
            data.address if data is not None and data.size else _NO_BYTES.ctypes.data,
            validity.address if validity is not None else None)


def distinct(strings: pa.Array) -> pa.Array:
    """The distinct values of a string array in first-seen order (pyarrow.compute.unique),
    found in C; the array itself when every value is distinct."""
    lib = _lib()
    assert lib is not None
    first = np.empty(len(strings), np.int32)
    offsets, data, validity = buffers(strings)
    count = lib.distinct_rows(len(strings), offsets, data, validity, strings.offset,
                              first.ctypes.data)
    if count < 0:
        raise MemoryError("no memory for the distinct strings")
    return strings if count == len(strings) else strings.take(pa.array(first[:count]))


def match_arrow(distinct: pa.Array, matcher: Matcher,
                reference: Callable[[list[str | None]], list[Match]]) -> pa.Table | None:
    """`match.SCHEMA` rows for an array of distinct strings, matched in C; the rows it leaves
    are given to `reference` (the Python path). None when the native matcher is unavailable."""
    handle = registry_handle(matcher)
    if handle is None:
        return None
    strings = distinct.cast(pa.string()) if distinct.type != pa.string() else distinct
    offsets, data, validity = buffers(strings)
    cols = _Columns(len(strings))
    _lib().match_batch(  # type: ignore[union-attr]
        handle, DEFAULT_PREFER.encode(), len(strings), offsets, data, validity, strings.offset,
        ctypes.byref(cols.pointers()), threads())
    status = cols.c["status"]
    left = np.flatnonzero(status == _DEFERRED)
    if left.size:
        texts = strings.take(pa.array(left)).to_pylist()
        for i, m in zip(left.tolist(), reference(texts), strict=True):
            cols.put(i, m)
    nothing = np.flatnonzero(status == _UNRECOGNISED)
    if nothing.size:
        texts = strings.take(pa.array(nothing)).to_pylist()
        cols.reasons.update(zip(nothing.tolist(), (unrecognised(t, ()) for t in texts),
                                strict=True))
    return cols.table(strings)


def normalize_native(text: str) -> str | None:
    """The C normalization of one text (None: left to the reference). For tests."""
    lib = _lib()
    assert lib is not None
    raw = np.frombuffer(text.encode(), np.uint8).copy()  # exactly its bytes: no NUL after them
    out = np.zeros(rules.MAX_INPUT * 4, np.uint32)
    n = lib.normalize_one(raw.ctypes.data, len(raw), out.ctypes.data)
    return None if n < 0 else out[:n].tobytes().decode("utf-32-le")


def parse_native(normalized: str, matcher: Matcher) -> tuple[dict[str, str | None], str, bool]:
    """The C parse of a normalized text: fields, deepest code, division_exact. For tests."""
    lib = _lib()
    assert lib is not None
    points = np.frombuffer(normalized.encode("utf-32-le"), np.uint32).copy()
    spans = np.zeros(2 * len(PARSE_FIELDS), np.int32)
    deep = ctypes.create_string_buffer(_COMMUNITY + 1)
    exact = lib.parse_one(registry_handle(matcher), DEFAULT_PREFER.encode(), points.ctypes.data,
                          len(points), spans.ctypes.data, deep)
    fields = {name: normalized[spans[2 * i]:spans[2 * i + 1]] if spans[2 * i] >= 0 else None
              for i, name in enumerate(PARSE_FIELDS)}
    return fields, deep.value.decode(), bool(exact)
