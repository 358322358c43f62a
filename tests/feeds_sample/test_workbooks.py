"""Community workbooks: readable by openpyxl, sheet 台账, merged title and group cells above the
contract headers, blank lines between blocks, hand-typed numbers and dates."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from feeds.sample.excel import FIRST_DATA_ROW, GROUP_ROW, HEADER_ROW, SHEET, TITLE_ROW

WORKBOOK_DATASETS = ["elderly_care", "timebank_volunteer", "rental_housing"]


@pytest.mark.parametrize("dataset", WORKBOOK_DATASETS)
def test_workbook_layout(sample, contracts, dataset) -> None:
    c = contracts[dataset]
    headers = [col.source_name for col in c.columns]
    paths = sample.files[dataset]
    assert len(paths) >= 2 and all(p.suffix == ".xlsx" for p in paths)
    for path in paths:
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == [SHEET]
        ws = wb[SHEET]
        merged = {str(r) for r in ws.merged_cells.ranges}
        last = openpyxl.utils.get_column_letter(len(headers))
        assert f"A{TITLE_ROW}:{last}{TITLE_ROW}" in merged
        group_merges = [r for r in ws.merged_cells.ranges if r.min_row == r.max_row == GROUP_ROW]
        assert group_merges and all(ws.cell(GROUP_ROW, r.min_col).value for r in group_merges)
        assert "台账" in ws.cell(TITLE_ROW, 1).value
        assert [ws.cell(HEADER_ROW, i + 1).value for i in range(len(headers))] == headers
        rows = list(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
        blank = [i for i, r in enumerate(rows) if all(v is None for v in r)]
        filled = [i for i, r in enumerate(rows) if any(v is not None for v in r)]
        if len(filled) > 12:
            assert blank and min(blank) < max(filled), f"{path}: no blank line between blocks"


def test_hand_typed_cells(sample) -> None:
    values = []
    for dataset in WORKBOOK_DATASETS:
        for path in sample.files[dataset]:
            ws = openpyxl.load_workbook(path)[SHEET]
            values += [v for row in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) for v in row]
    texts = [v for v in values if isinstance(v, str)]
    assert any(isinstance(v, datetime) for v in values), "no real Excel date cell"
    assert any("年" in t and t.endswith("日") for t in texts)
    assert any("/" in t and t[:4].isdigit() for t in texts)
    assert any(t.isdigit() and len(t) == 8 and t.startswith("20") for t in texts)
    assert any(t and all(ch in "〇一二三四五六七八九十" for ch in t) for t in texts)
    assert any(any("０" <= ch <= "９" for ch in t) for t in texts)
    assert any(isinstance(v, int) and 13_000_000_000 <= v < 20_000_000_000 for v in values), (
        "no mobile typed as number"
    )
