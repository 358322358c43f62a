"""Staging: values cast to contract types as feeds really write them; what cannot be read is
quarantined with file, line, column, raw value and a specific reason; structure problems reject."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pytest

from contracts.contract import Contract
from feeds.errors import SchemaDrift, TruncatedFile
from feeds.numerals import cn_to_number
from feeds.stage import _keys_unique, connect, stage, typed_select
from tests.support.dirt_corpus import elderly_row, xls_workbook
from tests.support.grid import GRID_HEADER, csv_bytes, grid_row
from warehouse import quarantine


def _one_column(kind: str) -> Contract:
    return Contract.model_validate({
        "id": "t", "title": "t", "tier": "city", "owner": "o", "category": "数据治理/数据质量",
        "source": {"kind": "file", "format": "csv", "location": "x", "schedule": "@daily"},
        "primary_key": ["k"],
        "columns": [{"name": "k", "title": "k", "type": "string"},
                    {"name": "v", "title": "v", "type": kind}],
        "grade": "L1", "sharing": "无条件共享", "opening": "无条件开放", "update_frequency": "daily",
    })


CASTS = [
    ("integer", "42", 42), ("integer", " ４２ ", 42), ("integer", "七十二", 72), ("integer", "一百零五", 105),
    ("integer", "75.0", 75), ("integer", "1,200", 1200), ("integer", "75.5", "cast"),
    ("integer", "约七十", "cast"), ("integer", "", None), ("integer", "　", None),
    ("double", "3.25", 3.25), ("double", "３．５", 3.5), ("double", "abc", "cast"),
    ("date", "2024-03-05", dt.date(2024, 3, 5)), ("date", "2024/3/5", dt.date(2024, 3, 5)),
    ("date", "2024年3月5日", dt.date(2024, 3, 5)), ("date", "20240305", dt.date(2024, 3, 5)),
    ("date", "２０２４－０３－０５", dt.date(2024, 3, 5)), ("date", "2024-02-30", "cast"),
    ("date", "昨天", "cast"),
    ("timestamp", "2026-11-20 08:15:00", dt.datetime(2026, 11, 20, 8, 15)),
    ("timestamp", "2026-11-20T08:15:00", dt.datetime(2026, 11, 20, 8, 15)),
    ("timestamp", "2026/11/20 08:15", dt.datetime(2026, 11, 20, 8, 15)),
    ("timestamp", "2026-11-20T00:15:00Z", dt.datetime(2026, 11, 20, 8, 15)),
    ("timestamp", "2026-11-20T08:15:00+08:00", dt.datetime(2026, 11, 20, 8, 15)),
    ("timestamp", "2026-11-20 25:00:00", "cast"),
    ("boolean", "是", True), ("boolean", "false", False), ("boolean", "maybe", "cast"),
    ("string", "  张三 ", "张三"), ("string", "", None),
    # space-like edges: leading ASCII spaces, tabs and line ends, the full-width space on either
    # side, a trailing ASCII space; a trailing tab or line end alone is kept
    ("string", "\t张三\u3000", "张三"), ("string", "\u3000张三", "张三"), ("string", " 张三\r\n", "张三"),
    ("string", "张三\t", "张三\t"), ("string", "\n张三", "张三"),
    ("string", "\u3000 \t", None), ("string", "张 三", "张 三"), ("string", "!a", "!a"),
    ("integer", "\t12\r", 12), ("integer", "12\u3000", 12), ("integer", "\u300012", 12),
    ("double", " 2.5 ", 2.5), ("timestamp", " 2026-11-20 08:15:00\u3000", dt.datetime(2026, 11, 20, 8, 15)),
    ("date", "\t2024-03-05 ", dt.date(2024, 3, 5)), ("boolean", " 否 ", False),
]


@pytest.mark.parametrize(("kind", "raw", "expected"), CASTS)
def test_cast(kind: str, raw: str, expected: object) -> None:
    con = connect()
    con.register("raw", pa.table({"_row": [1], "_file": ["f"], "_line": [1], "k": ["a"], "v": [raw]}))
    typed, bad = con.execute(f"SELECT v, _bad FROM ({typed_select(_one_column(kind))})").fetchone()
    if expected == "cast":
        assert bad and typed is None
    else:
        assert not bad and typed == expected


@pytest.mark.parametrize(("text", "number"), [
    ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("七十二", 72), ("一百零五", 105), ("两千", 2000),
    ("二〇二四", 2024), ("一万零一", 10001), ("", None), ("七十岁", None), ("abc", None),
])
def test_chinese_numerals(text: str, number: int | None) -> None:
    assert cn_to_number(text) == number


def _run(contracts: dict[str, Contract], home: Path, ds: str, files: list[Path]):
    work = home / "staging" / ds / "L1"
    return stage(contracts[ds], "L1", files, work)


def _reasons(ds: str) -> list[tuple]:
    quarantine.seal(ds, "L1")
    t = quarantine.read(ds, "L1")
    return sorted(zip(t.column("line").to_pylist(), t.column("column").to_pylist(),
                      t.column("reason_code").to_pylist(), strict=True), key=str)


def test_csv_dirt_is_quarantined_with_specific_reasons(contracts, home: Path, grid_dir: Path) -> None:
    rows = [
        grid_row(1),
        grid_row(2, 事件等级="高"),                    # cast
        grid_row(3, 上报时间=""),                      # required
        grid_row(1, 事件类别="治安隐患"),                # duplicate key of line 1
        grid_row(5)[:4],                               # too few fields
        grid_row(6, 事件等级="３", 发生地点="西湖區文新街道"),  # full-width digit, traditional: fine
    ]
    f = grid_dir / "a.csv"
    f.write_bytes(csv_bytes(GRID_HEADER, rows))
    r = _run(contracts, home, "grid_event", [f])
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == (6, 2, 4)
    assert r.encodings == ("gb18030",)
    assert _reasons("grid_event") == sorted([
        (2, "level", "cast"), (3, "reported_at", "required"), (4, "event_id", "duplicate_key"),
        (5, None, "malformed_row")], key=str)
    staged = duckdb.connect().execute(
        f"SELECT _line, event_id, level, location FROM '{r.staged}' ORDER BY _line").fetchall()
    assert staged == [(1, "SJ202611200001", 2, GRID_HEADER and grid_row(1)[4]),
                      (6, "SJ202611200006", 3, "西湖區文新街道")]


def test_quarantine_reason_names_column_value_and_type(contracts, home: Path, grid_dir: Path) -> None:
    f = grid_dir / "a.csv"
    f.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1, 事件等级="高")]))
    _run(contracts, home, "grid_event", [f])
    quarantine.seal("grid_event", "L1")
    row = quarantine.read("grid_event").to_pylist()[0]
    assert row["raw_value"] == "高"
    assert row["reason"] == "level (事件等级): cannot read 高 as integer"
    assert '"事件编号":"SJ202611200001"' in row["record"]


@pytest.mark.parametrize(("header", "message"), [
    ([h if h != "联系电话" else "手机号码" for h in GRID_HEADER],
     "column '联系电话' (reporter_phone) is missing; unexpected column(s) '手机号码'"),
    (GRID_HEADER[:-1], "column '升级时间' (escalated_at) is missing"),
    (GRID_HEADER + ["备注"], "unexpected column(s) '备注'"),
    (grid_row(9), "the first line reads as a data row, not a header"),
])
def test_schema_drift_rejects_the_load(contracts, home: Path, grid_dir: Path, header, message) -> None:
    f = grid_dir / "drift.csv"
    f.write_bytes(csv_bytes(header, [grid_row(1)[: len(header)]]))
    with pytest.raises(SchemaDrift) as err:
        _run(contracts, home, "grid_event", [f])
    assert message in err.value.message and "drift.csv" in err.value.message


def test_truncated_file_rejects_the_load(contracts, home: Path, grid_dir: Path) -> None:
    f = grid_dir / "cut.csv"
    f.write_bytes(csv_bytes(GRID_HEADER, [grid_row(1), grid_row(2)])[:-25])
    with pytest.raises(TruncatedFile, match="cut.csv: the last row .* has fewer fields than the header"):
        _run(contracts, home, "grid_event", [f])


def _workbook(path: Path, header: list[str], rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["翠苑一区社区需照护老年人台账（2026年11月）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["基本信息", None, None, "照护情况", None, None, None])
    ws.merge_cells("A2:C2")
    ws.merge_cells("D2:G2")
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_excel_merged_header_blank_lines_numerals_and_dates(contracts, home: Path) -> None:
    c = contracts["elderly_care"]
    header = [col.source_name for col in c.columns]
    d = home / "feeds" / "community" / "elderly_care"
    d.mkdir(parents=True)
    f = d / "330106005001.xlsx"
    addr = "翠苑一区3幢2单元502室"
    _workbook(f, header, [
        ["330106195001011237", "张三", "七十六", "轻度", addr, "13800138000", dt.datetime(2026, 3, 5)],
        [None] * 7,
        ["330106195001021234", "李四", "７５", "中度", addr, "13800138001", "2026年3月6日"],
        ["330106195001031230", "王五", "约七十", "重度", addr, None, "2026/3/7"],
    ])
    r = _run(contracts, home, "elderly_care", [f])
    assert (r.rows_in, r.rows_staged, r.rows_quarantined, r.blank_lines) == (3, 2, 1, 1)
    got = duckdb.connect().execute(
        f"SELECT _line, name, age, assessed_on FROM '{r.staged}' ORDER BY _line").fetchall()
    assert got == [(4, "张三", 76, dt.date(2026, 3, 5)), (6, "李四", 75, dt.date(2026, 3, 6))]
    assert _reasons("elderly_care") == [(7, "age", "cast")]


def test_excel_97_2003_workbook(contracts, home: Path) -> None:
    """An .xls (BIFF8) with a merged title, date cells and numbers is read like an .xlsx: whole
    numbers without a decimal point (an 11-digit phone saved as a number stays the phone), date
    cells as dates, sheet rows as lines."""
    d = home / "feeds" / "community" / "elderly_care"
    d.mkdir(parents=True)
    f = d / "330106005001.xls"
    rows = [elderly_row(1), elderly_row(2)]
    f.write_bytes(xls_workbook(rows, title="翠苑一区社区需照护老年人台账", phone_as_number=True))
    r = _run(contracts, home, "elderly_care", [f])
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == (2, 2, 0)
    got = duckdb.connect().execute(
        f"SELECT _line, name, age, phone, assessed_on FROM '{r.staged}' ORDER BY _line").fetchall()
    assert got == [(3, "张1", 71, "13800138000", dt.date(2026, 3, 5)),
                   (4, "张2", 72, "13800138000", dt.date(2026, 3, 5))]


def test_json_pages(contracts, home: Path, tmp_path: Path) -> None:
    page = tmp_path / "page-00001.json"
    page.write_text('{"data": [{"lotId": "P00000001", "observedAt": "2026-11-20T08:15:00+08:00",'
                    ' "occupied": 12, "capacity": 40}, {"lotId": "P00000002", "observedAt":'
                    ' "2026-11-20T08:15:00+08:00", "occupied": "满", "capacity": 40}], "next_page": null}',
                    encoding="utf-8")
    r = _run(contracts, home, "parking_berth_occupancy", [page])
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == (2, 1, 1)
    assert _reasons("parking_berth_occupancy") == [(2, "occupied", "cast")]


def test_json_page_missing_a_key_is_schema_drift(contracts, home: Path, tmp_path: Path) -> None:
    page = tmp_path / "page-00001.json"
    page.write_text('{"data": [{"lotId": "P00000001", "occupied": 1, "capacity": 4}]}', encoding="utf-8")
    with pytest.raises(SchemaDrift, match="'observedAt' \\(observed_at\\) is missing"):
        _run(contracts, home, "parking_berth_occupancy", [page])


def test_invalid_utf8_after_the_sample_quarantines_only_that_row(contracts, home: Path, grid_dir: Path) -> None:
    rows = [grid_row(i) for i in range(1, 12001)]
    data = bytearray(csv_bytes(GRID_HEADER, rows, encoding="utf-8"))
    assert len(data) > 1 << 20
    bad_at = data.rindex(b"SJ202611211999") + 2   # inside row 11999's event id
    data[bad_at] = 0xFF
    f = grid_dir / "late.csv"
    f.write_bytes(bytes(data))
    r = _run(contracts, home, "grid_event", [f])
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == (12000, 11999, 1)
    assert _reasons("grid_event") == [(11999, None, "malformed_row")]


@pytest.mark.parametrize(("keys", "unique"), [
    ([("a", 1), ("b", 1), ("c", 1)], True),  # rising: proven by the ordered pass
    ([("c", 1), ("a", 1), ("b", 1)], True),  # not rising: counted
    ([("a", 1), ("a", 1), ("b", 1)], False),  # rising but for an equal neighbour
    ([("b", 1), ("a", 1), ("b", 1)], False),  # a repeat far apart
    ([("a", 1), ("a", 2), ("b", 1)], True),  # composite keys rising
    ([("a", 2), ("a", 1), ("a", 2)], False),  # composite repeat
])
def test_keys_unique(keys: list[tuple[str, int]], unique: bool) -> None:
    con = duckdb.connect()
    con.register("rows", pa.table({"k1": [k for k, _ in keys], "k2": [n for _, n in keys]}))
    assert _keys_unique(con, "rows", '"k1", "k2"') == (len(keys), unique)


def _numbered_feed() -> Contract:
    """A feed whose every row says its own data line (`v`), keyed by text that does not rise."""
    return Contract.model_validate({
        "id": "numbered", "title": "t", "tier": "city", "owner": "o", "category": "数据治理/数据质量",
        "source": {"kind": "file", "format": "csv", "location": "x", "schedule": "@daily"},
        "primary_key": ["k"],
        "columns": [{"name": "k", "title": "k", "type": "string"},
                    {"name": "v", "title": "v", "type": "integer"},
                    {"name": "pad", "title": "pad", "type": "string"}],
        "grade": "L1", "sharing": "无条件共享", "opening": "无条件开放", "update_frequency": "daily",
    })


def test_lines_of_a_file_read_in_parallel_under_a_small_memory_limit(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file many times the CSV reader's buffer, typed by several threads through the typed
    Parquet file under a memory limit far below its size: every staged row keeps its line, and
    the dirt among them (an unreadable value, a malformed row shifting the rows after it, a
    repeated key) is quarantined at its own line."""
    monkeypatch.setenv("SHUCANG_LOAD_MEMORY", "96MB")
    n, bad_value, malformed, repeat = 500_000, 123_457, 345_679, 454_321
    lines = ["k,v,pad"]
    for i in range(1, n + 1):
        key = f"{(i * 7919) % 1_000_003:07d}-{i}" if i != repeat else lines[5].split(",")[0]
        value = "x1" if i == bad_value else str(i)
        lines.append(f"{key},{value},{'p' * (i % 241)}" + (",extra" if i == malformed else ""))
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")  # about 70 MB: two CSV buffers and more
    r = stage(_numbered_feed(), "L1", [f], home / "staging" / "numbered" / "L1")
    assert (r.rows_in, r.rows_staged, r.rows_quarantined) == (n, n - 3, 3)
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*), count(*) FILTER (WHERE _line <> v OR _row <> _line)"
                       f" FROM '{r.staged}'").fetchone() == (n - 3, 0)
    assert _reasons("numbered") == sorted([(bad_value, "v", "cast"), (malformed, None, "malformed_row"),
                                           (repeat, "k", "duplicate_key")], key=str)
    assert not list(r.staged.parent.glob("typed_*.parquet"))
