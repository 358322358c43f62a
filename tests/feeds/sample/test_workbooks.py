"""Community workbooks: readable by openpyxl, sheet 台账, merged title and group cells above the
contract headers, blank lines between blocks, hand-typed numbers and dates."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from feeds.sample.excel import FIRST_DATA_ROW, GROUP_ROW, HEADER_ROW, SHEET, TITLE_ROW

WORKBOOK_DATASETS = ["elderly_care", "timebank_volunteer", "rental_housing", "resident_evaluation"]


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


def _hand_number(value) -> int:
    """Read a hand-typed age: a number cell, full-width digits or Chinese numerals up to 99."""
    if isinstance(value, int | float):
        return int(value)
    text = str(value).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    digits = {ch: i for i, ch in enumerate("〇一二三四五六七八九")}
    tens, _, ones = text.partition("十")
    if not _:
        return digits[text]
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def test_elderly_ages_agree_with_resident_ids(sample, contracts, dirt) -> None:
    from feeds.sample.identifiers import resident_id_birth_date
    from feeds.sample.model import ANCHOR

    from .conftest import read_lines

    c = contracts["elderly_care"]
    rejected = {(d["file"], d["line"]) for d in dirt if d["dataset"] == c.id and d["expect"] != "published"}
    checked = 0
    for path in sample.files[c.id]:
        header, lines = read_lines(path, c)
        for line, row in lines.items():
            if (path.name, line) in rejected:
                continue
            born = resident_id_birth_date(row[header.index("身份证号")])
            age = ANCHOR.year - born.year - ((ANCHOR.month, ANCHOR.day) < (born.month, born.day))
            assert _hand_number(row[header.index("年龄")]) == age >= 60, (path.name, line)
            checked += 1
    assert checked >= 5
