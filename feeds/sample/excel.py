"""Community workbooks laid out the way community staff fill them in: a merged title row, a merged
two-row header (group cells such as 基本信息 above the contract's column headers), blank lines
between blocks, sheet name 台账 — and written byte-identically for a seed (fixed zip timestamps and
document properties), so landing the same workbook twice is a no-op.

Owns workbook layout and deterministic packaging; the cell values come from the builders.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from feeds.sample.model import FeedFile

SHEET = "台账"
TITLE_ROW, GROUP_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
_FIXED = datetime(2026, 11, 20, 9, 0, 0)
_ZIP_TIME = (2026, 11, 20, 9, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _header_groups(headers: list[str], groups: dict[str, str]) -> list[tuple[str, int, int]]:
    """(label, first column, last column) for runs of headers sharing a group label."""
    runs: list[tuple[str, int, int]] = []
    for col, h in enumerate(headers, start=1):
        label = groups.get(h, "其他")
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], col)
        else:
            runs.append((label, col, col))
    return runs


def workbook_bytes(feed: FeedFile) -> tuple[bytes, list[int]]:
    """The .xlsx bytes and, per row, its sheet row number; `feed.blocks` splits the rows into
    blocks separated by one blank line, `feed.groups` labels the merged group cells."""
    groups, block_sizes = feed.groups, feed.blocks
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = feed.headers
    ws.cell(TITLE_ROW, 1, feed.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(headers))
    for label, first, last in _header_groups(headers, groups):
        ws.cell(GROUP_ROW, first, label).alignment = Alignment(horizontal="center")
        if last > first:
            ws.merge_cells(start_row=GROUP_ROW, start_column=first, end_row=GROUP_ROW, end_column=last)
    for col, h in enumerate(headers, start=1):
        ws.cell(HEADER_ROW, col, h).font = Font(bold=True)
    original = [c.source_name for c in feed.contract.columns]
    lines, sheet_row, in_block, block = [], FIRST_DATA_ROW, 0, 0
    for row in feed.rows:
        if block < len(block_sizes) and in_block == block_sizes[block]:
            sheet_row += 1  # the blank line between blocks
            block, in_block = block + 1, 0
        for col, h in enumerate(original, start=1):
            value = row.values.get(h)
            if value not in (None, ""):
                cell = ws.cell(sheet_row, col, value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy/m/d"
        lines.append(sheet_row)
        sheet_row += 1
        in_block += 1
    wb.properties.creator = "社区工作人员"
    wb.properties.created = _FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return _repack(buf.getvalue()), lines


def _repack(xlsx: bytes) -> bytes:
    """Rewrite the zip with fixed entry times and document times (openpyxl stamps 'now')."""
    out = io.BytesIO()
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    return out.getvalue()


def write_workbook(feed: FeedFile, path: Path) -> list[int]:
    """Write one community workbook; returns each row's sheet row number."""
    data, lines = workbook_bytes(feed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return lines
