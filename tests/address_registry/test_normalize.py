"""Normalization cases: width, traditional characters, numerals only next to markers."""

from __future__ import annotations

import pytest

from address_registry.normalize import chinese_numeral_to_int, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("３号楼２单元１０１室", "3幢2单元101室"),
        ("西湖區三墩鎮", "西湖区三墩镇"),
        ("十二號樓三單元二〇三室", "12幢3单元203室"),
        ("杭州九堡七堡五号楼", "杭州九堡七堡5幢"),
        ("三墩镇", "三墩镇"),
        ("五常街道", "五常街道"),
        ("九堡", "九堡"),
        ("十里坪村三组十五号", "十里坪村3组15号"),
        ("二十三幢", "23幢"),
        ("文一西路一百零五号", "文一西路105号"),
        ("A座", "A幢"),
        ("b栋", "B幢"),
        ("3#楼", "3幢"),
        ("第三层", "3层"),
        ("乾隆", "乾隆"),
        ("文一西路 100 号（西溪花园）", "文一西路100号西溪花园"),
        ("", ""),
        ("十 五号", "15号"),  # spaces go before numerals are read
        ("3 # 楼", "3幢"),
        ("第幢", "第幢"),  # a lone 第 before a marker is not a numeral
        ("第第三层", "第3层"),
        ("3栋栋", "3幢栋"),  # a synonym needs a number or letter right before it
        ("3##楼", "3幢楼"),
        ("三第三层", "三3层"),  # 第 goes with the numeral after it, not the one before
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105),
     ("一二〇三", 1203), ("两", 2)],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_numeral_to_int(numeral) == value
