"""CSV for people: UTF-8 with a byte-order mark (Excel and WPS then read Chinese right), Chinese
column titles when asked, and long digit strings (身份证号, 手机号, 12-digit division codes) and
codes with a leading zero written as ="..." text formulas, so the spreadsheet neither rounds them
to 3.30106E+11 nor drops the zero. Machines read the Parquet download, which keeps ids and values."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

BOM = "\ufeff"
# what a spreadsheet turns into a number and so corrupts: 11+ digits, or digits with a leading 0
NUMBER_LIKE = r"^(\d{11,}|0\d+)$"


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return column
    guard = pc.binary_join_element_wise('="', column, '"', "")
    return pc.if_else(pc.fill_null(pc.match_substring_regex(column, NUMBER_LIKE), False), guard, column)


def headers(names: list[str], titles: Mapping[str, str]) -> list[str]:
    """Column titles for `names`; a title two columns share, or a missing one, keeps the id."""
    chosen = [titles.get(n) or n for n in names]
    return [t if chosen.count(t) == 1 else f"{t}（{n}）" for t, n in zip(chosen, names, strict=True)]


def excel_csv(table: pa.Table, titles: Mapping[str, str] | None = None) -> bytes:
    """`table` as spreadsheet-safe CSV bytes; with `titles` (id -> Chinese title) as the header."""
    names = headers(table.column_names, titles) if titles else table.column_names
    safe = pa.table([_as_text(table.column(i)) for i in range(table.num_columns)], names=names)
    buf = io.BytesIO()
    buf.write(BOM.encode())
    pacsv.write_csv(safe, buf)
    return buf.getvalue()
