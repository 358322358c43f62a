"""Running a dataset's GX suite on one load's Parquet through the DuckDB execution path.

The batch is a GX table asset: a view `staged` over the load's Parquet, in a throw-away DuckDB file
under SHUCANG_HOME/quality/work/. GX's metric SQL runs where the data is and nothing is loaded
into pandas. (A view, not a GX query asset: for query assets GX reads column names by running
the whole query, and writes unparenthesised subqueries into its unexpected_index_query.)
Results are stored by GX in the context's validation results store. It owns the run; it
interprets no results.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import great_expectations as gx
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

import quality.engine  # noqa: F401  (registers the `duckdb` datasource type)
from contracts.contract import Contract
from foundation.duck import load_config, load_connection, spill_of
from foundation.sql import path
from quality.context import get_context, quality_home
from quality.rules import config_of
from quality.suite import build_suite

# Counts and a short sample of offending values per expectation for the stored result and Data
# Docs; every offending row is read afterwards through GX's own unexpected_index_query.
RESULT_FORMAT = {
    "result_format": "BASIC",
    "unexpected_index_column_names": ["_row"],
    "return_unexpected_index_query": True,
    "partial_unexpected_count": 20,
}


class QualityRunError(RuntimeError):
    """The suite could not be run on a load (unreadable Parquet, GX failure)."""


@dataclass(frozen=True)
class SuiteRun:
    """One stored GX validation of one load."""

    result: ExpectationSuiteValidationResult
    result_id: object  # GX ValidationResultIdentifier
    result_path: Path  # the stored JSON of the validation result
    context: AbstractDataContext


BATCH_VIEW = "staged"


def batch_view_sql(data: Path) -> str:
    """DDL of the view GX validates (and failure queries read): the load's Parquet file."""
    return f"CREATE OR REPLACE VIEW {BATCH_VIEW} AS SELECT * FROM read_parquet({path(data)})"


@contextmanager
def batch_database(dataset: str, load_id: str, data: Path) -> Iterator[Path]:
    """A DuckDB file holding only the batch view, removed afterwards."""
    work = quality_home() / "work"
    work.mkdir(parents=True, exist_ok=True)
    # unique per run: a load validated again in one process (resumed after a failure) must not
    # meet the DuckDB instance GX's engine of the first run may still keep open
    db = work / f"{dataset}.{load_id}.{uuid.uuid4().hex[:8]}.duckdb"
    try:
        with load_connection(spill_of(data), str(db)) as con:
            con.execute(batch_view_sql(data))
        yield db
    finally:
        for leftover in (db, db.with_name(db.name + ".wal")):
            leftover.unlink(missing_ok=True)


def run_suite(contract: Contract, data: Path, *, load_id: str,
              context: AbstractDataContext | None = None) -> SuiteRun:
    """Validate `data` (a load's staged/addressed Parquet) against the contract's GX suite."""
    if not data.is_file():
        raise QualityRunError(f"{contract.id} load {load_id}: no Parquet at {data}")
    ctx = context or get_context()
    suite = ctx.suites.add_or_update(build_suite(contract))
    with batch_database(contract.id, load_id, data) as db:
        source = ctx.data_sources.add_or_update_duckdb(  # type: ignore[attr-defined]
            # the engine's connections are bounded and spill as the load's others do
            name=contract.id, connection_string=f"duckdb:///{db}?{urlencode(load_config(spill_of(data)))}"
        )
        try:
            batch = source.add_table_asset(name=load_id, table_name=BATCH_VIEW) \
                .add_batch_definition_whole_table("load")
            definition = ctx.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"{contract.id}.{load_id}", data=batch, suite=suite)
            )
            result = definition.run(result_format=RESULT_FORMAT)
        finally:
            source.get_execution_engine().close()  # release the DuckDB file before removing it
            ctx.data_sources.delete(contract.id)
    errors = [
        f"{config_of(r).type}({config_of(r).kwargs.get('column')}): {message}"
        for r in result.results
        for message in raised(r.exception_info)
    ]
    if errors:
        raise QualityRunError(f"{contract.id} load {load_id} ({data}): GX could not evaluate "
                              + "; ".join(errors))
    result_id = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
        run_id=result.meta["run_id"],
        batch_identifier=result.batch_id,
    )
    path = _result_path(ctx, result_id)
    if not path.is_file():
        raise QualityRunError(f"{contract.id} load {load_id}: GX stored no result at {path}")
    return SuiteRun(result, result_id, path, ctx)


def raised(exception_info: dict[str, Any] | None) -> list[str]:
    """The errors GX recorded for one expectation. GX keeps them either at the top level or,
    when a metric failed, per metric id; both mean the expectation was not evaluated."""
    info = exception_info or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    out = []
    for entry in entries:
        if isinstance(entry, dict) and (entry.get("raised_exception")
                                        or entry.get("exception_traceback")):
            trace = (entry.get("exception_traceback") or "").strip().splitlines()
            out.append(str(entry.get("exception_message") or (trace[-1] if trace else "error")))
    return out


def _result_path(ctx: AbstractDataContext, result_id: object) -> Path:
    backend: Any = ctx.validation_results_store.store_backend
    return Path(backend.full_base_directory) / backend._convert_key_to_filepath(  # noqa: SLF001
        result_id.to_tuple()  # type: ignore[attr-defined]
    )
