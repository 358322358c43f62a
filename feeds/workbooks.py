"""Hand-filled workbooks as rows of cell values: Excel 2007+ `.xlsx` (openpyxl, the values Excel
saved) and Excel 97-2003 `.xls` (BIFF) or WPS `.et` (xlrd), whatever the file is named. Merged
cells are filled from their top-left cell, dates are datetimes, whole numbers ints, and a formula
saved without a value (a program wrote it, nothing computed it) is an `Uncached`. A file that is
empty, in another format or corrupt is refused with the reason."""

from __future__ import annotations

import abc
import datetime as dt
import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds.errors import EmptyInput, TruncatedFile, WrongFormat

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # the compound file of Excel 97-2003 (.xls, BIFF) and WPS .et
Rows = list[list[Any]]


@dataclass(frozen=True)
class Uncached:
    """A formula cell saved without its value (written by a program, never computed)."""

    formula: str


class Workbook(abc.ABC):
    """A workbook's worksheet names, and each sheet's rows on demand."""

    def __init__(self, names: list[str], hidden: set[str] | None = None) -> None:
        self.names = names
        self.hidden = hidden or set()  # sheets hidden (or very hidden) from view: templates, lists

    @property
    def visible(self) -> list[str]:
        """The worksheet names a person opening the workbook sees, in order."""
        return [n for n in self.names if n not in self.hidden]

    @abc.abstractmethod
    def rows(self, name: str) -> Rows:
        """Every row of worksheet `name`, merged cells filled from their top-left cell."""


def _corrupt(path: Path, kind: str, e: Exception) -> TruncatedFile:
    return TruncatedFile(f"{path.name}: not a readable {kind} workbook ({e or type(e).__name__});"
                         " truncated or corrupt")


def _fill_merged(rows: Rows, ranges: list[tuple[int, int, int, int]]) -> Rows:
    """Fill each merged range (first row, last row, first column, last column; 0-based,
    inclusive) with the value of its top-left cell."""
    for r0, r1, c0, c1 in ranges:
        top = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                rows[r][c] = top
    return rows


class _Xlsx(Workbook):
    def __init__(self, path: Path) -> None:
        import openpyxl

        self._path = path
        try:
            self._book = openpyxl.load_workbook(path, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
            raise _corrupt(path, ".xlsx", e) from e
        super().__init__(self._book.sheetnames,
                         {ws.title for ws in self._book.worksheets if ws.sheet_state != "visible"})

    @functools.cached_property
    def _has_formulas(self) -> bool:
        """Whether some worksheet holds a formula (an <f> element), before reading them again
        (read once per workbook, not per sheet)."""
        with zipfile.ZipFile(self._path) as z:
            sheets = (z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
            return any(b"<f>" in xml or b"<f " in xml for xml in sheets)

    def _mark_uncached(self, name: str, rows: Rows) -> None:
        """Put an Uncached where a formula cell has no saved value (openpyxl reads None)."""
        import openpyxl

        ws = openpyxl.load_workbook(self._path, data_only=False)[name]
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and r < len(rows) and c < len(rows[r]) \
                        and rows[r][c] is None:
                    rows[r][c] = Uncached(v)

    def rows(self, name: str) -> Rows:
        ws = self._book[name]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        if self._has_formulas:
            self._mark_uncached(name, rows)
        return _fill_merged(rows, [(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1)
                                   for m in ws.merged_cells.ranges])


class _Xls(Workbook):
    """Excel 97-2003 and WPS workbooks (BIFF in an OLE2 compound file), read with xlrd. BIFF keeps
    every formula's last computed value, so no cell of it is Uncached."""

    def __init__(self, path: Path) -> None:
        import xlrd

        try:
            try:
                self._book = xlrd.open_workbook(str(path), formatting_info=True)
            except NotImplementedError:  # a BIFF version without formatting records
                self._book = xlrd.open_workbook(str(path))
        except xlrd.XLRDError as e:
            if "workbook" in str(e).lower():  # an OLE2 file without a workbook stream: a .doc, .msg ...
                raise WrongFormat(f"{path.name}: an OLE2 compound file that holds no workbook ({e});"
                                  " save the sheet as .xlsx") from e
            raise _corrupt(path, ".xls", e) from e
        except (xlrd.compdoc.CompDocError, AssertionError, IndexError, KeyError, ValueError,
                OSError, EOFError) as e:
            raise _corrupt(path, ".xls", e) from e
        super().__init__(self._book.sheet_names(),
                         {sh.name for sh in self._book.sheets() if getattr(sh, "visibility", 0)})

    def _value(self, cell: Any) -> Any:
        import xlrd

        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, self._book.datemode)
            except (xlrd.xldate.XLDateError, OverflowError, ValueError):
                return cell.value  # a serial no calendar reads: the stager reports it
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            return int(cell.value) if float(cell.value).is_integer() else cell.value
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#N/A")
        return cell.value

    def rows(self, name: str) -> Rows:
        sheet = self._book.sheet_by_name(name)
        rows = [[self._value(c) for c in sheet.row(r)] for r in range(sheet.nrows)]
        return _fill_merged(rows, [(r0, r1 - 1, c0, c1 - 1)
                                   for r0, r1, c0, c1 in getattr(sheet, "merged_cells", [])])


def open_workbook(path: Path) -> Workbook:
    """The workbook at `path`, by what its bytes are: .xlsx (a zip) or .xls/.et (OLE2);
    refused when it is empty, neither or corrupt."""
    if path.stat().st_size == 0:
        raise EmptyInput(f"{path.name}: workbook is empty (0 bytes); expected an Excel workbook")
    with path.open("rb") as f:
        magic = f.read(8)
    if magic == OLE2:
        return _Xls(path)
    if not magic.startswith(b"PK"):
        raise WrongFormat(f"{path.name}: not an Excel workbook (it starts with {magic!r}: a CSV, text or"
                          " web page saved under a workbook's name?); save it as .xlsx")
    return _Xlsx(path)


def sheet_rows(path: Path) -> list[tuple[str, Rows]] | None:
    """(name, non-blank rows) of each visible worksheet (of every one when none is visible), or
    None when the file is no readable workbook."""
    try:
        book = open_workbook(path)
    except (EmptyInput, WrongFormat, TruncatedFile):
        return None
    return [(name, [r for r in book.rows(name) if any(v is not None for v in r)])
            for name in book.visible or book.names]


def cell_text(value: Any) -> str | None:
    """A cell's value as the text the stager casts: dates in ISO form, whole numbers without a
    decimal point, booleans as true/false, blanks as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None
