"""NBS division names the access package shows for organizations, row scopes and masks, from the
division reference. Read-only; owns no state."""

from __future__ import annotations

import functools

from divisions.reference import CODE_LENGTH as CODE_LENGTH  # re-exported
from divisions.reference import REFERENCE as REFERENCE  # re-exported
from divisions.reference import by_code, division


def path_name(code: str) -> str:
    """Names from district down to `code`, e.g. 西湖区西溪街道文一社区 ('' if unknown)."""
    names: list[str] = []
    d = division(code)
    while d is not None and d.level in {"district", "street", "community"}:
        names.append(d.name)
        d = division(d.parent)
    return "".join(reversed(names))


@functools.cache
def community_names() -> dict[str, str]:
    """community code -> district+street+community name, for the address_community mask."""
    return {c: path_name(c) for c, d in by_code().items() if d.level == "community"}
