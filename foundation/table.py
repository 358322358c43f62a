"""Plain-text tables for the terminal that stay aligned with Chinese text: a CJK character takes
two columns on screen, so cells are padded by display width, not by character count."""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """How many terminal columns `text` takes (wide and full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(header: list[str], rows: list[list[str]], indent: str = "") -> list[str]:
    """The table as lines: header first, each column as wide as its widest cell, two spaces apart."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        indent + "  ".join(cell + " " * (w - width(cell)) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
