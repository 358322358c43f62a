"""What each suite expectation enforces: the contract rule, recorded in the expectation's
`meta.shucang` so results map back to columns and reason codes; and which address match levels
count as matched. Plain data, no great_expectations import (gates and the CLI stay light).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Address match levels, coarse to fine, as written by the address stage.
MATCH_LEVELS = ("none", "district", "street", "community", "road", "estate", "building", "house")


@dataclass(frozen=True)
class Rule:
    """What an expectation enforces: the contract rule, its column and whether it judges rows."""

    kind: str  # a check kind of contracts.contract, or required / primary_key / address_match_rate
    column: str
    row_level: bool = True
    other: str | None = None  # the second column of an `after` check

    @property
    def reason_code(self) -> str:
        return f"check:{self.kind}"

    def meta(self) -> dict[str, Any]:
        return {"shucang": {"kind": self.kind, "column": self.column, "row_level": self.row_level,
                            "other": self.other}}

    @classmethod
    def of(cls, expectation_meta: dict[str, Any] | None) -> Rule | None:
        """The rule recorded in an expectation's meta, if it is one of ours."""
        s = (expectation_meta or {}).get("shucang")
        return cls(s["kind"], s["column"], s["row_level"], s.get("other")) if s else None


def matched_levels(granularity: str) -> list[str]:
    """Match levels that count as matched: the contract's granularity or at least community."""
    floor = min(MATCH_LEVELS.index(granularity), MATCH_LEVELS.index("community"))
    return list(MATCH_LEVELS[floor:])


def config_of(result: Any) -> Any:
    """The expectation configuration of one GX expectation result (GX types it as optional)."""
    config = result.expectation_config
    if config is None:
        raise ValueError("great_expectations returned a result without its expectation")
    return config
