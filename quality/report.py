"""The result types validate_load hands to the pipeline: the row failures to quarantine, the
warnings published with their rows, the batch gates (a failed one blocks the publish), the score
and where GX stored its result.

Plain frozen dataclasses; no behaviour beyond describing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class GateResult:
    """One batch-level gate: did the load pass it, what was seen and what was expected."""

    name: str
    passed: bool
    observed: str | None
    expected: str | None
    message: str

    @property
    def reason_code(self) -> str:
        """The ledger/quarantine reason code when this gate rejects a load."""
        return f"rejected:gate:{self.name}"

    def as_row(self) -> dict[str, object]:
        return {"name": self.name, "passed": self.passed, "observed": self.observed,
                "expected": self.expected, "message": self.message}


@dataclass(frozen=True)
class ValidationReport:
    """What validating one load found."""

    dataset: str
    load_id: str
    rows: int
    failures: pa.Table  # error findings, to quarantine: _row, column, expectation, value, reason ...
    warnings: pa.Table  # warn findings: the rows are published (with on_fail set_null, the value nulled)
    gates: list[GateResult]
    score: float  # 0-100
    suite: str  # GX suite name
    result_path: Path | None  # the GX validation result JSON (None: the suite could not run)
    data_docs: Path  # index.html of the Data Docs site
    success: bool = field(default=True)  # GX's verdict over the whole suite

    @property
    def blocking(self) -> list[GateResult]:
        """The failed gates; if any, the load must not be published."""
        return [g for g in self.gates if not g.passed]

    @property
    def failing_rows(self) -> int:
        """How many distinct rows failed at least one error-severity expectation."""
        return distinct_rows(self.failures)

    @property
    def nulled(self) -> pa.Table:
        """(_row, column) of the offending values a warn check publishes as NULL."""
        return self.warnings.filter(pc.equal(self.warnings.column("on_fail"), "set_null")) \
            .select(["_row", "column"])


def distinct_rows(failures: pa.Table) -> int:
    """How many distinct _row values a failures table names."""
    return int(pc.count_distinct(failures.column("_row")).as_py()) if failures.num_rows else 0
