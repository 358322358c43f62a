"""Which characters sound alike (address_registry.homophones): readings without tones, every
reading of a character with several, and the table the native matcher reads the same."""

from __future__ import annotations

import numpy as np

from address_registry import homophones
from address_registry.rules import CJK_FIRST, READING_SLOTS


def test_characters_sharing_a_reading_sound_alike() -> None:
    for a, b in [("纯", "淳"), ("乘", "嵊"), ("焦", "椒"), ("航", "杭"), ("侯", "候"), ("午", "武"),
                 ("婺", "务"), ("瞿", "衢")]:
        assert homophones.sound_alike(a, b), (a, b)
    for a, b in [("新", "陵"), ("吴", "虞"), ("江", "东"), ("杭", "湖")]:
        assert not homophones.sound_alike(a, b), (a, b)
    assert homophones.sound_alike("乘", "乘") and not homophones.sound_alike("a", "a")


def test_the_native_table_holds_every_reading() -> None:
    table = homophones.reading_table().reshape(-1, READING_SLOTS)
    found = homophones.readings()
    assert all(np.count_nonzero(table[p - CJK_FIRST]) == len(rs) for p, rs in found.items())
    ids = {p: set(table[p - CJK_FIRST][table[p - CJK_FIRST] > 0]) for p in (ord("乘"), ord("嵊"))}
    assert ids[ord("乘")] & ids[ord("嵊")]  # shèng, their shared reading
