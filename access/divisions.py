"""NBS division codes the access package checks organizations and row scopes against, read from
the address registry's committed Zhejiang extract. Read-only; owns no state."""

from __future__ import annotations

import csv
import functools

from address_registry.divisions import CODE_LENGTH as CODE_LENGTH  # re-exported
from address_registry.divisions import REFERENCE, Division


# The address registry's full index (`load_divisions`) also builds name indexes (seconds); the
# access package only looks codes up, so it reads the same extract into a code index.
@functools.cache
def _index() -> dict[str, Division]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {
            r["code"]: Division(r["level"], r["code"], r["name"], r["parent_code"])
            for r in csv.DictReader(f)
        }


def division(code: str) -> Division | None:
    """The division with NBS `code`, or None."""
    return _index().get(code)


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
    return {c: path_name(c) for c, d in _index().items() if d.level == "community"}
