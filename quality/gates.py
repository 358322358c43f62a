"""Batch-level gates: checks on a whole load that stop its publish. Row count collapse and spike
against the trailing history of the feed (control.ledger `loads`), null-rate jumps and
distinct-key collapse against quality's own per-load metrics, typed schema drift against the
contract, the address matched rate (from the GX suite result), and feed lateness against the
declared update frequency (for the catalog/DAG; not part of validate_load).

The first loads of a feed have no history: history gates pass until MIN_HISTORY published loads
exist. It reads the ledger and quality's metrics; it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from contracts.contract import FREQUENCY_SECONDS, Contract
from contracts.schema import ADDRESS_TYPES
from control.db import engine
from control.ledger import LoadStatus, loads
from foundation.duck import load_connection, spill_of
from foundation.sql import ident
from foundation.sql import path as sql_path
from quality.report import GateResult
from quality.rules import Rule, config_of
from quality.store import metric_history

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult

ARROW_TYPE_OF = {  # contract type -> test on the Arrow type the spine writes
    "string": pa.types.is_string, "integer": pa.types.is_int64, "double": pa.types.is_float64,
    "date": pa.types.is_date32, "timestamp": pa.types.is_timestamp, "boolean": pa.types.is_boolean,
}


@dataclass(frozen=True)
class Thresholds:
    """When a history gate fires (ratios are against the median of the trailing loads)."""

    min_history: int = 3  # published loads needed before history gates judge
    trailing: int = 10  # how many earlier published loads form the history
    row_collapse: float = 0.6  # rows < 0.6 x median: a halved load fires
    row_spike: float = 3.0  # rows > 3 x median
    null_jump: float = 0.2  # null rate rises by more than 20 percentage points
    distinct_collapse: float = 0.6  # distinct keys < 0.6 x median
    late_factor: float = 1.5  # no published load for 1.5 x the update frequency


@dataclass(frozen=True)
class Profile:
    """Per-load metrics kept for later gates."""

    rows: int
    null_rates: dict[str, float]
    distinct_keys: int
    key: str

    def metrics(self) -> list[tuple[str, str, float]]:
        """(metric, column, value) rows for quality.store."""
        out = [("row_count", "", float(self.rows)), ("distinct_keys", self.key, float(self.distinct_keys))]
        out += [("null_rate", c, r) for c, r in self.null_rates.items()]
        return out


def profile(contract: Contract, data: Path) -> Profile:
    """Row count, null rate per contract column and distinct first-key count, in one DuckDB scan.
    Columns missing from a drifted file are left out (the schema gate reports them)."""
    present = set(pq.read_schema(data).names)
    cols = [c.name for c in contract.columns if c.name in present]
    key = contract.primary_key[0]
    distinct = f"count(DISTINCT {ident(key)})" if key in present else "0"
    exprs = "".join(f", count({ident(c)})" for c in cols)
    with load_connection(spill_of(data)) as con:
        row = con.execute(f"SELECT count(*), {distinct}{exprs}"
                          f" FROM read_parquet({sql_path(data)})").fetchone()
    assert row is not None
    n = int(row[0])
    rates = {c: (1 - v / n if n else 0.0) for c, v in zip(cols, row[2:], strict=True)}
    return Profile(rows=n, null_rates=rates, distinct_keys=int(row[1]), key=key)


def history(dataset: str, load_id: str, limit: int) -> list[dict]:
    """The trailing published loads of `dataset` (newest first), excluding `load_id`."""
    q = (select(loads.c.load_id, loads.c.rows_in, loads.c.rows_published, loads.c.started_at)
         .where(loads.c.dataset == dataset, loads.c.status == LoadStatus.published,
                loads.c.load_id != load_id)
         .order_by(loads.c.started_at.desc()).limit(limit))
    with engine().connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def _current_rows(load_id: str, staged_rows: int) -> int:
    with engine().connect() as c:
        rows_in = c.execute(select(loads.c.rows_in).where(loads.c.load_id == load_id)).scalar()
    return int(rows_in) if rows_in is not None else staged_rows


def _increments(contract: Contract, name: str) -> GateResult | None:
    """A passing note instead of a size judgement for a source whose loads are increments (an
    MQTT micro-batch, the rows of a table changed since the last load): their size follows the
    traffic, so a quiet hour is no collapse."""
    if not contract.source.increments(contract.cursor):
        return None
    return GateResult(name, True, None, None,
                      f"{contract.id}: loads of a {contract.source.kind} source are increments; not judged")


def _too_little(name: str, past: list, t: Thresholds) -> GateResult | None:
    if len(past) >= t.min_history:
        return None
    return GateResult(name, True, None, None,
                      f"{len(past)} earlier published load(s); judged from {t.min_history} on")


def row_count_gates(contract: Contract, load_id: str, prof: Profile, past: list[dict],
                    t: Thresholds) -> list[GateResult]:
    """Row count collapse and spike against the median rows_in of the trailing loads."""
    names = ("row_count_collapse", "row_count_spike")
    counts = [p["rows_in"] for p in past if p["rows_in"] is not None]
    early = [_increments(contract, n) or _too_little(n, counts, t) for n in names]
    if all(early):
        return [g for g in early if g]
    rows = _current_rows(load_id, prof.rows)
    median = statistics.median(counts)
    low, high = t.row_collapse * median, t.row_spike * median
    return [
        GateResult("row_count_collapse", rows >= low, str(rows), f">= {low:g}",
                   f"{contract.id}: {rows} rows, expected at least {low:g} "
                   f"({t.row_collapse:g} x median {median:g} of the last {len(counts)} loads)"),
        GateResult("row_count_spike", rows <= high, str(rows), f"<= {high:g}",
                   f"{contract.id}: {rows} rows, expected at most {high:g} "
                   f"({t.row_spike:g} x median {median:g} of the last {len(counts)} loads)"),
    ]


def null_rate_gate(contract: Contract, prof: Profile, past: list[dict], t: Thresholds) -> GateResult:
    """No column's null rate rises more than `null_jump` above its trailing median."""
    hist = metric_history(contract.id, "null_rate", [p["load_id"] for p in past])
    early = _too_little("null_rate_jump", list(hist), t)
    if early:
        return early
    jumps = []
    for col, rate in prof.null_rates.items():
        base = statistics.median(h.get(col, 0.0) for h in hist.values())
        if rate - base > t.null_jump:
            jumps.append(f"{col} {rate:.1%} (was {base:.1%})")
    return GateResult(
        "null_rate_jump", not jumps, "; ".join(jumps) or "no jump",
        f"rise <= {t.null_jump:.0%}",
        f"{contract.id}: null rate jumped in " + "; ".join(jumps) if jumps
        else f"{contract.id}: null rates within {t.null_jump:.0%} of the last {len(hist)} loads",
    )


def distinct_key_gate(contract: Contract, prof: Profile, past: list[dict], t: Thresholds) -> GateResult:
    """Distinct values of the first key column do not collapse against the trailing median."""
    hist = metric_history(contract.id, "distinct_keys", [p["load_id"] for p in past])
    name = "distinct_key_collapse"
    early = _increments(contract, name) or _too_little(name, list(hist), t)
    if early:
        return early
    median = statistics.median(v.get(prof.key, 0.0) for v in hist.values())
    low = t.distinct_collapse * median
    ok = prof.distinct_keys >= low
    return GateResult(
        "distinct_key_collapse", ok, str(prof.distinct_keys), f">= {low:g}",
        f"{contract.id}: {prof.distinct_keys} distinct {prof.key}, expected at least {low:g} "
        f"({t.distinct_collapse:g} x median {median:g} of the last {len(hist)} loads)",
    )


def expected_schema(contract: Contract) -> dict[str, str]:
    """Column -> contract type of the Parquet a load of `contract` must have."""
    out: dict[str, str] = {c.name: c.type for c in contract.columns}
    if contract.address:
        out.update(ADDRESS_TYPES)
    return out


def schema_gate(contract: Contract, data: Path) -> GateResult:
    """The load's typed schema matches the contract: every column present with its type, no others
    (but the undeclared text columns a contract with `on_extra_columns: keep` keeps)."""
    actual = pq.read_schema(data)
    want = expected_schema(contract)
    problems = []
    for name, kind in want.items():
        if name not in actual.names:
            problems.append(f"missing {name} ({kind})")
        elif not ARROW_TYPE_OF[kind](actual.field(name).type):
            problems.append(f"{name} is {actual.field(name).type}, contract says {kind}")
    # columns starting with "_" are the pipeline's bookkeeping (_row, _file, _line, _bad, _raw ...)
    extra = [n for n in actual.names if n not in want and not n.startswith("_")]
    if contract.extra_columns == "keep":  # undeclared columns are kept, as text
        problems += [f"undeclared column {n} is {actual.field(n).type}, not text" for n in extra
                     if not (pa.types.is_string(actual.field(n).type)
                             or pa.types.is_large_string(actual.field(n).type))]
    else:
        problems += [f"unexpected column {n}" for n in extra]
    if "_row" not in actual.names:
        problems.append("missing _row")
    return GateResult(
        "schema_drift", not problems, "; ".join(problems) or "as contracted",
        f"{len(want)} contract columns with their types",
        f"{contract.id} ({data.name}): " + ("; ".join(problems) if problems
                                             else "typed schema matches the contract"),
    )


def address_gate(contract: Contract, result: ExpectationSuiteValidationResult) -> GateResult | None:
    """The address matched rate from the suite's address expectation (None without an address)."""
    if contract.address is None:
        return None
    for r in result.results:
        config = config_of(r)
        rule = Rule.of(config.meta)
        if rule and rule.kind == "address_match_rate":
            rate = float(r.result.get("observed_value") or 0.0)
            want = contract.address.min_match_rate
            levels = ", ".join(config.kwargs["value_set"])
            return GateResult(
                "address_match_rate", bool(r.success), f"{rate:.1%}", f">= {want:.0%}",
                f"{contract.id}: {rate:.1%} of addresses matched at {levels}; "
                f"the contract requires {want:.0%}",
            )
    raise ValueError(f"{contract.id}: the suite has no address matched-rate expectation")


def batch_gates(contract: Contract, load_id: str, prof: Profile,
                result: ExpectationSuiteValidationResult,
                thresholds: Thresholds | None = None) -> list[GateResult]:
    """The history and address gates of one load, in a stable order (schema_gate runs first,
    on its own, because a drifted load cannot be validated)."""
    t = thresholds or Thresholds()
    past = history(contract.id, load_id, t.trailing)
    gates = [*row_count_gates(contract, load_id, prof, past, t),
             null_rate_gate(contract, prof, past, t), distinct_key_gate(contract, prof, past, t)]
    addr = address_gate(contract, result)
    return gates + ([addr] if addr else [])


def feed_lateness(contract: Contract, now: dt.datetime | None = None,
                  thresholds: Thresholds | None = None) -> GateResult:
    """Is the feed later than its declared update frequency (x late_factor)? For the catalog/DAG."""
    t = thresholds or Thresholds()
    now = now or dt.datetime.now(dt.UTC)
    q = (select(loads.c.started_at).where(loads.c.dataset == contract.id,
                                           loads.c.status == LoadStatus.published)
         .order_by(loads.c.started_at.desc()).limit(1))
    with engine().connect() as c:
        last = c.execute(q).scalar()
    allowed = dt.timedelta(seconds=FREQUENCY_SECONDS[contract.update_frequency] * t.late_factor)
    if last is None:
        return GateResult("feed_late", True, None, f"every {contract.update_frequency}",
                          f"{contract.id}: never published yet; lateness is judged after the first load")
    if last.tzinfo is None:  # SQLite returns naive UTC
        last = last.replace(tzinfo=dt.UTC)
    age = now - last
    ok = age <= allowed
    return GateResult(
        "feed_late", ok, f"{age.total_seconds() / 3600:.1f} h since last load",
        f"<= {allowed.total_seconds() / 3600:.1f} h",
        f"{contract.id}: last published load started {last:%Y-%m-%d %H:%M} UTC, "
        f"{age.total_seconds() / 3600:.1f} h ago; declared {contract.update_frequency} "
        f"allows {allowed.total_seconds() / 3600:.1f} h" + ("" if ok else " - the feed is late"),
    )
