"""The dirt corpus: feed files as real exporters write them (Excel and WPS save-as-CSV, database
dumps, hand edits), built byte by byte from a clean base sample, each with the verdict it must get
and how many rows must end under each reason. `CASES` is the one case table; the builder functions
below make every input from the base rows so a case states only what differs."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl

from feeds.sample.identifiers import resident_id_check_digit
from tests.support.grid import GRID_HEADER, grid_row

N = 20  # rows in every base sample

ELEVATOR_HEADER = ["alarm_id", "device_id", "address", "fault_type", "fault_at", "recovered_at"]
ELDERLY_HEADER = ["身份证号", "姓名", "年龄", "照护等级", "居住地址", "联系电话", "评估日期"]


def elevator_row(n: int, **over: str) -> list[str]:
    """A valid elevator fault alarm; keyword arguments replace fields by header name."""
    row = {"alarm_id": f"EA{n:010d}", "device_id": f"31103301{n:04d}", "fault_type": "困人",
           "address": "杭州市西湖区翠苑街道翠苑一区社区文三路100号", "fault_at": "2026-11-20 08:00:00",
           "recovered_at": "2026-11-20 08:30:00"}
    row.update(over)
    return [row[h] for h in ELEVATOR_HEADER]


def resident_id(n: int) -> str:
    body = f"33010619500101{n:03d}"
    return body + resident_id_check_digit(body)


def elderly_row(n: int) -> list[object]:
    """A valid row of the elderly care workbook."""
    return [resident_id(n), f"张{n}", 70 + n % 20, "轻度", "翠苑一区3幢2单元502室", "13800138000",
            dt.datetime(2026, 3, 5)]


def text(header: list[str], rows: list[list[str]], *, delim: str = ",", eol: str = "\n",
         final_eol: bool = True, quote: bool = False, trailer: str = "") -> str:
    """CSV text of `header` and `rows`; `quote` wraps every field in double quotes, `trailer` ends
    every line (a trailing delimiter, say)."""
    def line(fields: list[str]) -> str:
        cells = ['"' + f.replace('"', '""') + '"' for f in fields] if quote else fields
        return delim.join(cells) + trailer
    body = eol.join(line(r) for r in [header, *rows])
    return body + (eol if final_eol else "")


def grid(rows: int = N, **kw: object) -> str:
    return text(GRID_HEADER, [grid_row(i) for i in range(1, rows + 1)], **kw)  # type: ignore[arg-type]


def elevator(rows: int = N, **kw: object) -> str:
    return text(ELEVATOR_HEADER, [elevator_row(i) for i in range(1, rows + 1)], **kw)  # type: ignore[arg-type]


def quoted_header() -> bytes:
    """Header fields quoted, data not (some report tools)."""
    head, body = grid().split("\n", 1)
    return gbk(",".join(f'"{h}"' for h in head.split(",")) + "\n" + body)


def line_break_in_field() -> bytes:
    """Row 3's address holds a line break inside its quoted field (Alt+Enter in an Excel cell)."""
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[2][4] = '"杭州市西湖区翠苑街道翠苑一区社区\r\n文三路100号"'
    return gbk(text(GRID_HEADER, rows, eol="\r\n"))


def two_files_one_cut() -> dict[str, bytes]:
    return {"a.csv": gbk(grid()), "b.csv": gbk(text(GRID_HEADER, [grid_row(i) for i in range(21, 41)]))[:-60]}


def gbk(s: str) -> bytes:
    return s.encode("gbk")


def utf8(s: str) -> bytes:
    return s.encode("utf-8")


def replace_line(data: bytes, line: int, new: bytes) -> bytes:
    """`data` with physical line `line` (1 = the header, LF-terminated) replaced by `new`."""
    lines = data.split(b"\n")
    lines[line - 1] = new
    return b"\n".join(lines)


def with_bytes(data: bytes, line: int, at: int, insert: bytes) -> bytes:
    """`data` with `insert` put `at` bytes into physical line `line`."""
    lines = data.split(b"\n")
    lines[line - 1] = lines[line - 1][:at] + insert + lines[line - 1][at:]
    return b"\n".join(lines)


def columns(header: list[str], rows: list[list[str]], order: list[int]) -> tuple[list[str], list[list[str]]]:
    return [header[i] for i in order], [[r[i] for i in order] for r in rows]


def reordered_grid() -> bytes:
    rows = [grid_row(i) for i in range(1, N + 1)]
    order = list(reversed(range(len(GRID_HEADER))))
    return gbk(text(*columns(GRID_HEADER, rows, order)))


def extra_column(builder: Callable[..., str], header: list[str], row: Callable[..., list[str]],
                 encode: Callable[[str], bytes]) -> bytes:
    rows = [[*row(i), f"备注{i}"] for i in range(1, N + 1)]
    return encode(text([*header, "备注"], rows))


def two_encodings(first: str, second: str, rows: int = N, split: int = N // 2) -> bytes:
    """Rows up to `split` written in encoding `first`, the rest in `second` (two exports
    concatenated)."""
    body = [grid_row(i) for i in range(1, rows + 1)]
    head = text(GRID_HEADER, body[:split])
    tail = text(GRID_HEADER, body[split:]).split("\n", 1)[1]
    return head.encode(first) + tail.encode(second)


BIG = 12_000  # rows of a file of about 1.6 MB: past the first MiB encoding detection reads


def unclosed_quote() -> bytes:
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[4][4] = '"' + rows[4][4]  # an opening quote nobody closes, in row 5's address
    return gbk(text(GRID_HEADER, rows))


def grid_with(changes: dict[int, dict[str, str]], rows: int = N) -> bytes:
    return gbk(text(GRID_HEADER, [grid_row(i, **changes.get(i, {})) for i in range(1, rows + 1)]))


def gb18030_four_byte() -> bytes:
    """Row 2's address ends in 𠀾, a character GBK lacks and GB18030 writes in four bytes."""
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[1][4] += "𠀾"
    return text(GRID_HEADER, rows).encode("gb18030")


def repeated_rows() -> bytes:
    rows = [grid_row(i) for i in range(1, N + 1)]
    return gbk(text(GRID_HEADER, rows + rows[:3]))


def wide() -> bytes:
    """A header of 10,000 columns (the contract's and 9,987 nobody declared)."""
    extra = [f"c{i}" for i in range(10_000 - len(GRID_HEADER))]
    rows = [grid_row(i) + [""] * len(extra) for i in range(1, 4)]
    return gbk(text(GRID_HEADER + extra, rows))


def workbook(rows: list[list[object]], *, header: list[str] = ELDERLY_HEADER,
             edit: Callable[[openpyxl.worksheet.worksheet.Worksheet], None] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    if edit:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_workbook(rows: list[list[object]], *, header: list[str] = ELDERLY_HEADER, title: str = "",
                 phone_as_number: bool = False) -> bytes:
    """An Excel 97-2003 workbook (BIFF8, as xlwt and old Excel/WPS write it): an optional merged
    title row above the header, dates as date cells, ages as numbers (a phone too, when asked)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    r = 0
    if title:
        ws.write_merge(0, 0, 0, len(header) - 1, title)
        r = 1
    for c, name in enumerate(header):
        ws.write(r, c, name)
    for values in rows:
        r += 1
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                ws.write(r, c, v, dates)
            elif phone_as_number and isinstance(v, str) and v.isdigit() and len(v) == 11:
                ws.write(r, c, int(v))
            elif v is not None:
                ws.write(r, c, v)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def elderly(rows: int = N, **kw: object) -> bytes:
    return workbook([elderly_row(i) for i in range(1, rows + 1)], **kw)  # type: ignore[arg-type]


def merge_data_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """Two rows share one merged 照护等级 cell (hand-filled ledgers do)."""
    ws.merge_cells("D2:D3")


def formula_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """年龄 of rows 2-4 as formulas saved without cached values (written by a script, never opened
    in Excel)."""
    for r in (2, 3, 4):
        ws.cell(row=r, column=3).value = "=2026-1950"


def wps_quoted_when_needed() -> bytes:
    """WPS 表格 "另存为 CSV": GBK, CRLF, quotes only around fields holding a comma or a quote."""
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[3][4] = '"杭州市西湖区翠苑街道翠苑一区社区文三路100号,2幢"'
    rows[8][4] = '"杭州市西湖区翠苑街道翠苑一区社区""老年活动中心""旁"'
    return gbk(text(GRID_HEADER, rows, eol="\r\n"))


def mysqldump_tab() -> bytes:
    """`mysqldump --tab` with `--fields-terminated-by=,`: no header line, `\\N` for NULL."""
    rows = [grid_row(i, 升级时间="\\N") for i in range(1, N + 1)]
    return utf8("\n".join(",".join(r) for r in rows) + "\n")


def sqlite3_csv() -> bytes:
    """`sqlite3 -header -csv`: UTF-8, CRLF, quotes where needed, empty for NULL."""
    return utf8(grid(eol="\r\n"))


def null_markers(marker: str, column: str = "升级时间", rows: frozenset[int] = frozenset({4, 5})) -> bytes:
    """Database exports' NULL (`\\N`, `NULL`) in `column` of `rows`."""
    return grid_with({i: {column: marker} for i in rows})


def totals_line() -> bytes:
    """A 合计 (totals) row, as hand-kept ledgers end under their data."""
    return gbk(",".join(["合计", "", str(2 * N)] + [""] * (len(GRID_HEADER) - 3)) + "\n")


def footer_lines() -> bytes:
    """A remark and two sign-off lines under a ledger's data, words spaced as people align them."""
    blank = [""] * (len(GRID_HEADER) - 1)
    return gbk("".join(",".join([first, *blank]) + "\n"
                       for first in ("备 注：本表每月5日前报送", "填报人：王敏", "审核人：", "填报日期：2026年11月30日")))


def titled(*titles: str, eol: str = "\n") -> bytes:
    """Title lines above the header, as a hand-kept sheet with a merged title row saves as CSV."""
    pad = "," * (len(GRID_HEADER) - 1)
    return gbk("".join(f"{t}{pad if t else ''}{eol}" for t in titles) + grid(eol=eol))


def date_serials() -> bytes:
    """上报时间 as Excel date serials (a CSV saved from a sheet whose date column was a number)."""
    return grid_with({3: {"上报时间": "46346.3333333333"}, 4: {"上报时间": "46346"}})


def title_and_totals(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """A merged title row above the header and a 合计 row under the data (hand-filled sheets)."""
    ws.insert_rows(1)
    ws.cell(row=1, column=1).value = "翠苑街道高龄老人照护台账（2026年3月）"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ELDERLY_HEADER))
    ws.append(["合计", None, f"=SUM(C3:C{N + 2})"])


def hidden_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """Rows 3 and 4 hidden (still data: hidden for display)."""
    for r in (3, 4):
        ws.row_dimensions[r].hidden = True


def serial_dates(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """评估日期 of rows 2-5 as numbers (a date column formatted as 常规/General)."""
    for r in range(2, 6):
        ws.cell(row=r, column=7).value = 46086
        ws.cell(row=r, column=7).number_format = "General"


def text_dates(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """评估日期 typed as text the ways people and systems write it, and as a date-time cell."""
    texts = ["2026年3月6日", "2026.3.6", "2026/03/06 08:00", "2026-3-6", "2026/3/6", "20260306",
             "2026年3月6日 8:30", "20260306083000"]
    for r, v in enumerate(texts, start=2):
        ws.cell(row=r, column=7).value = v
    ws.cell(row=len(texts) + 2, column=7).value = dt.datetime(2026, 3, 6, 8, 30)


def placeholder_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """Cells people fill for "no value": a dash or 无 in 年龄 and 评估日期 (required), a slash and
    spaces in 联系电话 (optional text)."""
    for r, v in zip(range(2, 5), ["—", "无", "/"], strict=True):
        ws.cell(row=r, column=3).value = v
    ws.cell(row=5, column=7).value = "－"
    ws.cell(row=6, column=6).value = "   "


def cover_sheet_first() -> bytes:
    """A 填表说明 (instructions) sheet before the data sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(elderly()))
    cover = wb.create_sheet("填表说明", 0)
    cover.append(["请按模板填写，身份证号为18位"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def long_field(length: int) -> bytes:
    """Row 4's address `length` characters long (a document pasted into one cell)."""
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[3][4] = "文" * (length // 3) if length < (8 << 20) else "a" * length
    return utf8(text(GRID_HEADER, rows))


def header_marks() -> bytes:
    """A BOM pasted inside the header (two exports joined by hand) and a space inside a name."""
    data = utf8(grid()).replace("事件等级".encode(), codecs.BOM_UTF8 + "事件等级".encode(), 1)
    return data.replace("事件编号".encode(), "事件 编号".encode(), 1)


def market_header_ascii_parens() -> bytes:
    """注册资本(万元) with ASCII parentheses where the contract writes 注册资本（万元）."""
    from feeds.sample.identifiers import credit_code_check_char, org_code_check_char

    def credit_code(n: int) -> str:
        org = f"{n:08d}"
        body = "91330106" + org + org_code_check_char(org)
        return body + credit_code_check_char(body)

    header = ["统一社会信用代码", "主体名称", "法定代表人", "住所", "行业门类", "主体类型", "成立日期",
              "注册资本(万元)", "更新时间"]
    rows = [[credit_code(i), f"杭州某某科技有限公司{i}", "张三", "杭州市西湖区翠苑街道翠苑一区社区文三路100号", "信息传输",
             "有限责任公司", "2020-01-01", "100", "2026-11-20 08:00:00"] for i in range(1, N + 1)]
    return utf8(text(header, rows))


def edited_book(edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    """The elderly care workbook changed by `edit` (sheets added, hidden ...)."""
    wb = openpyxl.load_workbook(io.BytesIO(elderly()))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def hidden_template_first(wb: openpyxl.Workbook) -> None:
    """A hidden 模板 sheet holding the header only, before the data sheet (templates keep one)."""
    template = wb.create_sheet("模板", 0)
    template.append(ELDERLY_HEADER)
    template.sheet_state = "hidden"


def second_month_sheet(wb: openpyxl.Workbook) -> None:
    """A second sheet of 10 more rows under a title and the same header (a sheet per month)."""
    ws = wb.create_sheet("4月")
    ws.append(["翠苑街道高龄老人照护台账（2026年4月）"])
    ws.append(ELDERLY_HEADER)
    for i in range(N + 1, N + 11):
        ws.append(elderly_row(i))


def drifted_sheets() -> bytes:
    """Two visible sheets of N and 10 rows under a header that lost its last column: refused whole."""
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "3月"
    second = wb.create_sheet("4月")
    for ws, numbers in ((first, range(1, N + 1)), (second, range(N + 1, N + 11))):
        ws.append(ELDERLY_HEADER[:-1])
        for i in numbers:
            ws.append(elderly_row(i)[:-1])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ERROR_PAGE = ("<!DOCTYPE html>\r\n<html>\r\n<head><meta charset=\"utf-8\"><title>502 Bad Gateway</title></head>\r\n"
              "<body>\r\n<h1>502 Bad Gateway</h1>\r\n<p>系统繁忙，请稍后再试</p>\r\n</body>\r\n</html>\r\n")


def zipped(name: str, data: bytes) -> bytes:
    """`data` in a zip archive as `name` (an export downloaded compressed, saved as .csv)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return out.getvalue()


def excel_unicode_text() -> bytes:
    """Excel's "Unicode text": UTF-16LE with a BOM, tabs, CRLF, a field quoted for its tab and its
    line break and doubled quotes, characters beyond the BMP (GBK has neither 𬱖 nor 䶮)."""
    rows = [grid_row(i) for i in range(1, N + 1)]
    rows[1][4] += "𬱖䶮"
    rows[2][4] = '"翠苑一区""3幢""\t东\r\n单元"'
    return codecs.BOM_UTF16_LE + text(GRID_HEADER, rows, delim="\t", eol="\r\n").encode("utf-16-le")


@dataclass(frozen=True)
class Case:
    """One load of the corpus (one file, or several named files), the verdict it must get and where
    its rows must end.

    `rows` is the true number of data records in the bytes; `counts` maps `published` and each
    reason code to its rows (a refused file: its `rejected:*` code to all its rows). The load is
    refused when every row is refused, else loaded. `source` overrides contract source settings;
    `drift` is a text the ledger's reason must hold."""

    name: str
    dataset: str
    data: Callable[[], bytes | dict[str, bytes]]
    rows: int
    counts: dict[str, int]
    file: str = "a.csv"
    source: dict[str, str] = field(default_factory=dict)
    drift: str | None = None
    note: str = ""
    verdict: str = field(init=False)

    def __post_init__(self) -> None:
        refused = [c for c in self.counts if c.startswith("rejected:")]
        whole = refused and sum(self.counts[c] for c in refused) == self.rows
        object.__setattr__(self, "verdict", refused[0] if whole else "loaded")

    def files(self) -> dict[str, bytes]:
        """The load's files by name."""
        data = self.data()
        return data if isinstance(data, dict) else {self.file: data}


def loaded(n: int = N, **reasons: int) -> dict[str, int]:
    """Counts of a loaded file: `n` rows in, those not under a reason published."""
    counts = {r.replace("__", ":"): k for r, k in reasons.items()}
    return {"published": n - sum(counts.values()), **counts}


def refused(code: str, n: int = N) -> dict[str, int]:
    return {code: n}


G, E, X = "grid_event", "iot_elevator_fault", "elderly_care"

CASES = [
    # -- clean exports as different tools write them
    Case("gbk_lf", G, lambda: gbk(grid()), N, loaded()),
    Case("utf8", G, lambda: utf8(grid()), N, loaded()),
    Case("utf8_bom_excel", G, lambda: codecs.BOM_UTF8 + utf8(grid(eol="\r\n")), N, loaded(),
         note="Excel 'CSV UTF-8': BOM and CRLF"),
    Case("excel_gbk_crlf_no_final_eol", G, lambda: gbk(grid(eol="\r\n", final_eol=False)), N, loaded(),
         note="Excel 'CSV (逗号分隔)' on a Chinese Windows"),
    Case("no_final_eol", G, lambda: gbk(grid(final_eol=False)), N, loaded()),
    Case("cr_only", G, lambda: gbk(grid(eol="\r")), N, loaded(), note="classic Mac Excel"),
    Case("mixed_crlf_lf", G, lambda: gbk(grid(eol="\r\n")).replace(b"\r\n", b"\n", 7), N, loaded()),
    Case("trailing_delimiter", G, lambda: gbk(grid(trailer=",")), N, loaded(), drift="without a header name",
         note="DB tools, WPS"),
    Case("quoted_everything", G, lambda: gbk(grid(quote=True)), N, loaded(), note="DB dumps"),
    Case("tab_separated_as_csv", G, lambda: gbk(grid(delim="\t")), N, refused("rejected:schema_drift"),
         note="a TSV under .csv: one header field that names no column"),
    Case("quoted_numbers_thousands", G, lambda: grid_with({3: {"事件等级": '"1,000"'}, 4: {"事件等级": '"３"'}}),
         N, loaded(**{"check__between": 1})),
    Case("reordered_columns", G, reordered_grid, N, loaded()),
    Case("header_trailing_spaces", G,
         lambda: gbk(grid()).replace("事件等级".encode("gbk"), "事件等级  ".encode("gbk"), 1), N, loaded()),
    Case("blank_lines", G, lambda: replace_line(replace_line(gbk(grid()), 5, b""), 9, b"\r"), N - 2, loaded(N - 2)),
    Case("header_only", G, lambda: gbk(grid(0)), 0, {}),
    Case("header_only_no_eol", G, lambda: gbk(grid(0, final_eol=False)), 0, {}),
    Case("gb18030_four_byte", G, gb18030_four_byte, N, loaded()),
    Case("fullwidth_digits", G, lambda: grid_with({6: {"事件等级": "３"}}), N, loaded()),
    Case("quoted_header", G, quoted_header, N, loaded()),
    Case("line_break_in_quoted_field", G, line_break_in_field, N, loaded()),
    Case("spaces_around_values", G, lambda: grid_with({2: {"事件等级": " 2 ", "处置状态": "办结 "},
                                                       3: {"事件编号": "　SJ202611200003"}}), N, loaded()),
    Case("db_dump_null_markers", G, lambda: grid_with({4: {"升级时间": "NULL"}, 5: {"升级时间": "\\N"}}), N,
         loaded(), note="mysqldump/psql NULL markers in an optional timestamp are missing values"),
    Case("null_marker_every_row", G, lambda: null_markers("\\N", rows=frozenset(range(1, N + 1))), N, loaded(),
         note="a column of \\N is a column of NULLs, not a column whose type changed"),
    Case("null_marker_in_optional_text", G, lambda: null_markers("\\N", "联系电话"), N, loaded()),
    Case("null_marker_in_required", G, lambda: null_markers("\\N", "事件等级", frozenset({6})), N,
         loaded(required=1)),
    Case("psql_copy_csv_null", G, lambda: utf8(grid(quote=True)).replace(b'""\n', b"\\N\n"), N, loaded(),
         note="psql \\copy ... CSV HEADER NULL '\\N'"),
    Case("mysqldump_tab_no_header", G, mysqldump_tab, N, refused("rejected:schema_drift"),
         note="no header line: the first line reads as data, so it is one of the refused rows"),
    Case("sqlite3_csv", G, sqlite3_csv, N, loaded()),
    Case("wps_quoted_when_needed", G, wps_quoted_when_needed, N, loaded()),
    Case("excel_gbk_crlf", G, lambda: gbk(grid(eol="\r\n")), N, loaded()),
    Case("excel_sep_hint_line", G, lambda: b"sep=,\r\n" + gbk(grid(eol="\r\n")), N, loaded(),
         drift="1 line(s) above the header skipped (sep=)", note="Excel's delimiter hint line"),
    Case("utf8_bom_quoted_header_crlf", G, lambda: codecs.BOM_UTF8 + quoted_header().decode("gbk").encode()
         .replace(b"\n", b"\r\n"), N, loaded()),
    Case("excel_empty_formatted_rows", G, lambda: gbk(grid(eol="\r\n")) + b",,,,,,,,,,,,\r\n" * 3,
         N, loaded(), note="Excel writes a sheet's formatted but empty rows as lines of delimiters: blank"),
    Case("totals_row", G, lambda: gbk(grid()) + totals_line(), N + 1, loaded(N + 1, footer_row=1),
         note="合计 was quarantined as `required` (its fields empty): it is a totals row"),
    Case("remark_and_sign_off_rows", G, lambda: gbk(grid()) + footer_lines(), N + 4,
         loaded(N + 4, footer_row=4)),
    Case("failing_row_with_a_remark_word", G, lambda: grid_with({3: {"事件编号": "", "发生地点": "备注：门口"}}),
         N, loaded(required=1), note="a record that fails holds its values: not a footer"),
    Case("excel_date_serials", G, date_serials, N, loaded()),
    Case("title_row_above_header", G, lambda: titled("翠苑街道网格事件台账（2026年11月）"), N, loaded(),
         drift="1 line(s) above the header skipped (翠苑街道网格事件台账"),
    Case("title_rows_and_blank_line_crlf", G, lambda: titled("网格事件台账", "填报单位：翠苑街道", "", eol="\r\n"),
         N, loaded(), drift="3 line(s) above the header skipped"),
    Case("title_and_totals_rows", G, lambda: titled("网格事件台账") + totals_line(), N + 1,
         loaded(N + 1, footer_row=1)),
    Case("utf16_le_bom", G, lambda: codecs.BOM_UTF16_LE + grid(delim="\t").encode("utf-16-le"), N,
         loaded(), drift="UTF-16 (Excel 'Unicode text'), decoded exactly, tab-separated",
         note="Excel 'Unicode text': was rejected:encoding"),
    Case("excel_unicode_text", G, excel_unicode_text, N, loaded(), drift="tab-separated",
         note="Excel 'Unicode text' as Excel writes it: CRLF, quotes only where needed, 生僻字"),
    Case("utf16_be_bom", G, lambda: codecs.BOM_UTF16_BE + grid().encode("utf-16-be"), N, loaded()),
    Case("utf16_lone_surrogate", G, lambda: codecs.BOM_UTF16_LE + grid(delim="\t").encode("utf-16-le")
         + b"\x00\xd8" + "\t".join(grid_row(N + 1)).encode("utf-16-le"), N + 1,
         refused("rejected:encoding", N + 1), note="not valid UTF-16: refused, never read with a replacement"),
    Case("excel_scientific_phone", G, lambda: grid_with({7: {"联系电话": "1.38001E+10"}}), N,
         loaded(), note="Excel shows an 11-digit number as 1.38001E+10 and saves it so; the optional phone column warns"),
    Case("line_over_duckdb_default", G, lambda: long_field(3 << 20), N, loaded(address_unresolved=1),
         note="a 9 MB line: DuckDB's 2 MiB max_line_size failed the whole scan"),
    Case("line_over_long_line_limit", G, lambda: long_field(20 << 20), N, refused("rejected:malformed"),
         note="no line end in 8 MiB: refused before DuckDB reads it"),
    Case("header_bom_and_space_inside", G, header_marks, N, loaded(),
         note="a BOM inside the header made DuckDB name the column '\\ufeff事件等级': a Binder Error"),
    Case("header_ascii_parentheses", "market_entity", market_header_ascii_parens, N, loaded(),
         file="a.csv", note="(万元) for （万元）: same name, other width"),
    Case("html_error_page_as_csv", G, lambda: utf8(ERROR_PAGE), 0, refused("rejected:format", 0),
         note="was rejected:schema_drift with 6 'rows' of markup; a web page holds no rows"),
    Case("zip_as_csv", G, lambda: zipped("a.csv", gbk(grid())), 0, refused("rejected:format", 0),
         note="was rejected:encoding with the archive's bytes counted as rows"),
    Case("xlsx_as_csv", G, lambda: workbook([grid_row(i) for i in range(1, N + 1)], header=GRID_HEADER), 0,
         refused("rejected:format", 0)),
    Case("semicolon_separated", G, lambda: gbk(grid(delim=";")), N, refused("rejected:schema_drift"),
         note="a European-locale Excel writes ; between fields"),
    # -- broken rows: quarantined, the rest loads
    Case("nul_bytes", G, lambda: with_bytes(with_bytes(gbk(grid()), 4, 5, b"\x00"), 12, 3, b"\x00\x00"), N,
         loaded(malformed_row=2)),
    Case("bad_gbk_bytes", G, lambda: with_bytes(with_bytes(gbk(grid()), 6, 30, b"\xff"), 15, 30, b"\x80"), N,
         loaded(malformed_row=2)),
    Case("bad_utf8_bytes", E, lambda: with_bytes(utf8(elevator()), 6, 3, b"\xff\xfe"), N, loaded(malformed_row=1)),
    Case("utf8_bom_then_gbk", G, lambda: codecs.BOM_UTF8 + gbk(grid()), N, loaded()),
    Case("utf8_and_gbk_halves", G, lambda: two_encodings("utf-8", "gbk"), N, loaded(),
         drift="decoded record by record"),
    Case("gbk_and_utf8_halves", G, lambda: two_encodings("gbk", "utf-8"), N, loaded(),
         drift="decoded record by record", note="GB18030 would read the UTF-8 half as the wrong characters"),
    Case("utf8_then_gbk_past_first_mib", G, lambda: two_encodings("utf-8", "gbk", BIG, BIG - 5), BIG,
         loaded(BIG), drift="decoded record by record"),
    Case("gbk_then_utf8_past_first_mib", G, lambda: two_encodings("gbk", "utf-8", BIG, BIG - 5), BIG,
         loaded(BIG), drift="decoded record by record"),
    Case("missing_field", G, lambda: replace_line(gbk(grid()), 7, gbk(",".join(grid_row(6)[:-1]))), N,
         loaded(malformed_row=1)),
    Case("extra_field", G, lambda: replace_line(gbk(grid()), 7, gbk(",".join(grid_row(6) + ["x"]))), N,
         loaded(malformed_row=1)),
    Case("repeated_rows", G, repeated_rows, N + 3, loaded(N + 3, duplicate_key=3)),
    Case("cast_some", G, lambda: grid_with({2: {"事件等级": "高"}}), N, loaded(cast=1)),
    # -- files refused whole
    Case("cut_inside_quote", G, lambda: gbk(grid(quote=True))[:-40], N, refused("rejected:truncated")),
    Case("cut_mid_row", G, lambda: gbk(grid())[:-60], N, refused("rejected:truncated")),
    Case("unclosed_quote_middle", G, unclosed_quote, N, refused("rejected:malformed")),
    Case("extra_column_refused", G, lambda: extra_column(grid, GRID_HEADER, grid_row, gbk), N,
         refused("rejected:schema_drift"), note="有条件共享: extra columns refused by default"),
    Case("extra_column_ignored_by_setting", G, lambda: extra_column(grid, GRID_HEADER, grid_row, gbk), N,
         loaded(), source={"on_extra_columns": "ignore"}, drift="not in the contract, ignored"),
    Case("extra_column_kept_by_setting", G, lambda: extra_column(grid, GRID_HEADER, grid_row, gbk), N,
         loaded(), source={"on_extra_columns": "keep"}, drift="not in the contract, kept"),
    Case("xlsx_no_header_row", X, lambda: workbook([elderly_row(i) for i in range(1, N + 1)], header=[]), N,
         refused("rejected:schema_drift"), file="a.xlsx", note="a sheet of data rows only: every row is refused"),
    Case("xlsx_extra_column_kept", X, lambda: workbook([[*elderly_row(i), f"备注{i}"] for i in range(1, N + 1)],
                                                      header=[*ELDERLY_HEADER, "备注"]), N,
         loaded(), file="a.xlsx", source={"on_extra_columns": "keep"}, drift="not in the contract, kept"),
    Case("extra_column_refused_by_setting", E, lambda: extra_column(elevator, ELEVATOR_HEADER, elevator_row, utf8),
         N, refused("rejected:schema_drift"), source={"on_extra_columns": "refuse"}),
    Case("one_of_two_files_cut", G, two_files_one_cut, 2 * N, {"published": N, "rejected:truncated": N}),
    Case("extra_column_ignored", E, lambda: extra_column(elevator, ELEVATOR_HEADER, elevator_row, utf8), N,
         loaded(), drift="not in the contract, ignored",
         note="无条件共享: extra columns ignored by default, the drift recorded"),
    Case("missing_column", G, lambda: gbk(text(GRID_HEADER[:-1], [grid_row(i)[:-1] for i in range(1, N + 1)])),
         N, refused("rejected:schema_drift")),
    Case("type_changed", G, lambda: grid_with({i: {"事件等级": "较大"} for i in range(1, N + 1)}), N,
         refused("rejected:schema_drift")),
    Case("utf16", G, lambda: grid().encode("utf-16"), N, loaded()),
    Case("utf16_without_bom", G, lambda: grid().encode("utf-16-le"), N, refused("rejected:encoding"),
         note="byte order a guess: refused (was refused for a NUL in the header line)"),
    Case("ten_thousand_columns", G, wide, 3, refused("rejected:schema_drift", 3)),
    Case("empty_csv", G, lambda: b"", 0, refused("rejected:empty", 0)),
    # -- workbooks
    Case("xlsx_clean", X, elderly, N, loaded(), file="a.xlsx"),
    Case("xlsx_empty", X, lambda: b"", 0, refused("rejected:empty", 0), file="a.xlsx"),
    Case("xlsx_not_a_workbook", X, lambda: b"PK\x03\x04garbage", 0, refused("rejected:truncated", 0),
         file="a.xlsx"),
    Case("xlsx_merged_data_cells", X, lambda: elderly(edit=merge_data_cells), N, loaded(), file="a.xlsx"),
    Case("xlsx_formulas_without_values", X, lambda: elderly(edit=formula_cells), N,
         loaded(formula_uncached=3), file="a.xlsx"),
    Case("xlsx_title_and_totals", X, lambda: elderly(edit=title_and_totals), N + 1,
         loaded(N + 1, formula_uncached=1), file="a.xlsx", note="the 合计 row's SUM was never computed"),
    Case("xlsx_hidden_rows", X, lambda: elderly(edit=hidden_rows), N, loaded(), file="a.xlsx"),
    Case("xlsx_date_serials", X, lambda: elderly(edit=serial_dates), N, loaded(), file="a.xlsx"),
    Case("xlsx_text_and_datetime_dates", X, lambda: elderly(edit=text_dates), N, loaded(), file="a.xlsx",
         note="a date-time cell in a date column was `cast` quarantine: the date column takes its day"),
    Case("xlsx_placeholder_cells", X, lambda: elderly(edit=placeholder_cells), N, loaded(required=4),
         file="a.xlsx", note="— 无 / in a typed column were `cast` failures: they are missing values"),
    Case("xlsx_hidden_template_sheet_first", X, lambda: edited_book(hidden_template_first), N, loaded(),
         file="a.xlsx", note="the hidden header-only template was read as the data sheet: 0 rows"),
    Case("xlsx_sheet_per_month", X, lambda: edited_book(second_month_sheet), N + 10, loaded(N + 10),
         file="a.xlsx", drift="2 worksheets read", note="only the first sheet's rows were read"),
    Case("xlsx_cover_sheet_first", X, cover_sheet_first, N, loaded(), file="a.xlsx"),
    Case("xlsx_drifted_sheets_refused", X, drifted_sheets, N + 10, refused("rejected:schema_drift", N + 10),
         file="a.xlsx", note="a workbook refused whole counted its first sheet's rows only"),
    Case("xlsx_named_sheet_missing", X, elderly, N, refused("rejected:schema_drift"), file="a.xlsx",
         source={"sheet": "台账2"}),
    Case("xls_clean", X, lambda: xls_workbook([elderly_row(i) for i in range(1, N + 1)]), N, loaded(),
         file="a.xls", note="Excel 97-2003, found by the .xlsx glob's .xls sibling"),
    Case("xls_title_numbers_and_dates", X,
         lambda: xls_workbook([elderly_row(i) for i in range(1, N + 1)], title="翠苑街道高龄老人照护台账",
                              phone_as_number=True), N, loaded(), file="a.xls"),
    Case("wps_et_workbook", X, lambda: xls_workbook([elderly_row(i) for i in range(1, N + 1)]), N, loaded(),
         file="a.et", note="WPS 表格's own extension"),
    Case("xls_biff_under_xlsx_name", X, lambda: xls_workbook([elderly_row(i) for i in range(1, N + 1)]), N,
         loaded(), file="a.xlsx", note="read by what the bytes are, not by the name"),
    Case("xls_no_header_row", X, lambda: xls_workbook([elderly_row(i) for i in range(1, N + 1)], header=[]),
         N, refused("rejected:schema_drift"), file="a.xls"),
    Case("xls_corrupt", X, lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504, 0,
         refused("rejected:truncated", 0), file="a.xls"),
    Case("csv_under_xlsx_name", X, lambda: utf8(text(ELDERLY_HEADER, [[str(v) for v in elderly_row(i)]
                                                                   for i in range(1, N + 1)])), N,
         refused("rejected:format"), file="a.xlsx"),
]
