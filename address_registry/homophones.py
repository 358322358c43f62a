"""Which Chinese characters sound alike: each character's readings (pinyin without tones, from
the dictionary of the `pypinyin` package, MIT licence), for the typos a pinyin input method
makes (纯安县 for 淳安县: both chún; 余航区 for 余杭区: háng). Two characters sound alike when they
share a reading. `reading_table` is the same data for the native matcher."""

from __future__ import annotations

import functools
import unicodedata
from importlib import metadata

import numpy as np

from address_registry.rules import CJK_FIRST, CJK_LAST, READING_SLOTS


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


@functools.cache
def readings() -> dict[int, frozenset[str]]:
    """Code point -> its readings, for the Chinese characters CJK_FIRST..CJK_LAST."""
    from pypinyin.pinyin_dict import pinyin_dict

    return {point: frozenset(_toneless(r) for r in text.split(","))
            for point, text in pinyin_dict.items() if CJK_FIRST <= point <= CJK_LAST}


def sound_alike(a: str, b: str) -> bool:
    """Whether the characters `a` and `b` share a reading."""
    found = readings()
    return not found.get(ord(a), frozenset()).isdisjoint(found.get(ord(b), frozenset()))


def reading_table() -> np.ndarray:
    """The readings as the native matcher reads them: READING_SLOTS int32 a character from
    CJK_FIRST on, each a reading's number (its place among every reading, from 1), 0 for none
    left (no character has more readings than slots)."""
    found = readings()
    names = sorted({r for rs in found.values() for r in rs})
    number = {r: i + 1 for i, r in enumerate(names)}
    table = np.zeros((CJK_LAST - CJK_FIRST + 1, READING_SLOTS), np.int32)
    for point, rs in found.items():
        if len(rs) > READING_SLOTS:
            raise ValueError(f"{chr(point)} has {len(rs)} readings; rules.READING_SLOTS is {READING_SLOTS}")
        table[point - CJK_FIRST, :len(rs)] = sorted(number[r] for r in rs)
    return table.reshape(-1)


def version() -> str:
    """The dictionary's version, part of the key of the native copy kept on disk."""
    return metadata.version("pypinyin")
