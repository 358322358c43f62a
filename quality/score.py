"""The quality score (0-100) of a load: 80 points for validity (the share of rows that pass
every row-level expectation) and 20 for the share of batch gates passed. A load that a gate
rejects scores at most 50, so a rejected load never looks healthier than a poor published one.

It computes a number; it stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from quality.report import GateResult

VALIDITY_WEIGHT = 80.0
GATES_WEIGHT = 20.0
REJECTED_CAP = 50.0


def quality_score(rows: int, failing_rows: int, gates: Sequence[GateResult]) -> float:
    """The score of a load with `rows` rows of which `failing_rows` failed some expectation."""
    validity = 1.0 - failing_rows / rows if rows else 1.0
    passed = sum(g.passed for g in gates) / len(gates) if gates else 1.0
    score = VALIDITY_WEIGHT * validity + GATES_WEIGHT * passed
    if any(not g.passed for g in gates):
        score = min(score, REJECTED_CAP)
    return round(score, 2)
