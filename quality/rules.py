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
    """What an expectation enforces: the contract rule, its column, whether it judges rows, how
    severe a failure is and, for a column check, the check as the contract wrote it."""

    kind: str  # a check kind of contracts.checks, or required / primary_key / address_match_rate
    column: str
    row_level: bool = True
    severity: str = "error"  # error: the row is quarantined; warn: published with a finding
    on_fail: str = "keep"  # keep or set_null: what a warn does to the offending value
    check: dict[str, Any] | None = None  # the check's fields (kind, arguments, options)

    @property
    def reason_code(self) -> str:
        return f"check:{self.kind}"

    def meta(self) -> dict[str, Any]:
        return {"shucang": {"kind": self.kind, "column": self.column, "row_level": self.row_level,
                            "severity": self.severity, "on_fail": self.on_fail, "check": self.check}}

    @classmethod
    def of(cls, expectation_meta: dict[str, Any] | None) -> Rule | None:
        """The rule recorded in an expectation's meta, if it is one of ours."""
        s = (expectation_meta or {}).get("shucang")
        if not s:
            return None
        return cls(s["kind"], s["column"], s["row_level"], s.get("severity", "error"),
                   s.get("on_fail", "keep"), s.get("check"))


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
