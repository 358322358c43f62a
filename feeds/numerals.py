"""Chinese numerals as hand-filled sheets write them (七十二, 一百零五, 两, 〇, 二〇二四) to numbers."""

from __future__ import annotations

DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8,
          "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10_000}


def cn_to_number(text: str | None) -> int | None:
    """The integer a Chinese numeral spells, or None if `text` is not one."""
    if not text:
        return None
    s = text.strip()
    if not s or any(ch not in DIGITS and ch not in UNITS for ch in s):
        return None
    if all(ch in DIGITS for ch in s):  # digit by digit: 二〇二四
        return int("".join(str(DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS[ch]
            continue
        unit = UNITS[ch]
        if unit == 10_000:
            total += (section + (digit or 0)) * unit
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)
