"""The generated table of province, city and district names in pinyin is the one the division
reference and pypinyin give today."""

from __future__ import annotations

from address_registry import pinyin_names


def test_the_pinyin_table_is_current() -> None:
    assert pinyin_names.TABLE.read_text(encoding="utf-8") == pinyin_names.render(
        pinyin_names.entries()), "run `uv run python -m address_registry.pinyin_names`"
