"""Builders of staged/addressed Parquet like the spine writes (typed contract columns + _row,
_file, _line [+ address columns]), with valid values by default so each test breaks one thing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from contracts.contract import Contract, load_contracts

ARROW_TYPES = {
    "string": pa.string(), "integer": pa.int64(), "double": pa.float64(), "date": pa.date32(),
    "timestamp": pa.timestamp("us"), "boolean": pa.bool_(),
}
ADDRESS = {
    "district_code": pa.string(), "street_code": pa.string(), "community_code": pa.string(),
    "building_code": pa.string(), "house_code": pa.string(), "lon": pa.float64(),
    "lat": pa.float64(), "match_level": pa.string(), "match_confidence": pa.float64(),
}
VALID_IDS = ["11010519491231002X", "440524188001010014"]
VALID_CREDIT = ["91350100M000100Y43", "914403001922038216", "91330100716105852F",
                "9144030071526726XG"]
BASE_TIME = dt.datetime(2024, 5, 1, 8, 0, 0)


def contract(dataset: str) -> Contract:
    """A contract of the catalog by id."""
    return load_contracts()[dataset]


def valid_value(c: Contract, name: str, i: int) -> Any:
    """A value of column `name` that passes every check of it, varied by row index `i`."""
    col = c.column(name)
    kinds: dict[str, Any] = {k.kind: k for k in col.checks}
    if "in_set" in kinds:
        values = kinds["in_set"].values
        return values[i % len(values)]
    if "between" in kinds:
        low, high = kinds["between"].min, kinds["between"].max
        v = low + (i % max(1, int(high - low) + 1))
        return float(v) if col.type == "double" else int(v)
    if "resident_id" in kinds:
        return _resident_id(i)
    if "credit_code" in kinds:
        return _credit_code(i)
    if "mobile" in kinds:
        return f"13{i % 10}{i:08d}"[:11]
    if "regex" in kinds:
        return _from_regex(kinds["regex"].pattern, i)
    if "after" in kinds:
        order = [x.name for x in c.columns if x.type == "timestamp" or x.type == "date"]
        step = dt.timedelta(hours=order.index(name))
        base = BASE_TIME + step
        return base.date() if col.type == "date" else base
    return {
        "string": f"{name}-{i}", "integer": i, "double": float(i),
        "date": BASE_TIME.date(), "timestamp": BASE_TIME, "boolean": True,
    }[col.type]


def _resident_id(i: int) -> str:
    from quality.identifiers import resident_id_check_char

    first = f"330106{19500101 + (i % 28):08d}{i % 1000:03d}"
    return first + resident_id_check_char(first)


def _credit_code(i: int) -> str:
    from quality.identifiers import credit_code_check_char

    first = f"91330106{i:09d}"
    return first + credit_code_check_char(first)


def _from_regex(regex: str, i: int) -> str:
    import re

    m = re.fullmatch(r"\^([A-Z]+)\\d\{(\d+)\}\$", regex)
    assert m, f"test helper cannot make a value for {regex}"
    prefix, digits = m.group(1), int(m.group(2))
    return f"{prefix}{i:0{digits}d}"


def rows(c: Contract, n: int, start: int = 1) -> list[dict[str, Any]]:
    """`n` valid rows of `c` with _row numbered from `start`."""
    out = []
    for i in range(start, start + n):
        r = {col.name: valid_value(c, col.name, i) for col in c.columns}
        r.update(_row=i, _file="feed.csv", _line=i + 1)
        if c.address:
            r.update(district_code="330106", street_code="330106001000",
                     community_code="330106001001", building_code=None, house_code=None,
                     lon=120.1, lat=30.2, match_level="house", match_confidence=0.95)
        out.append(r)
    return out


def schema(c: Contract) -> pa.Schema:
    """The Arrow schema of a staged (or, with an address, addressed) Parquet of `c`."""
    fields = [pa.field(col.name, ARROW_TYPES[col.type]) for col in c.columns]
    fields += [pa.field("_row", pa.int64()), pa.field("_file", pa.string()),
               pa.field("_line", pa.int64())]
    if c.address:
        fields += [pa.field(k, t) for k, t in ADDRESS.items()]
    return pa.schema(fields)


def write(path: Path, c: Contract, records: list[dict[str, Any]],
          arrow_schema: pa.Schema | None = None) -> Path:
    """Write `records` as the load's Parquet at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records, schema=arrow_schema or schema(c)), path)
    return path
