"""Running a dataset's GX suite on one load's Parquet through the DuckDB execution path.

The batch is a GX query asset `SELECT * FROM read_parquet(<data>)` on an in-memory DuckDB, so GX's
metric SQL runs where the data is and nothing is loaded into pandas. Results are stored by GX in
the context's validation results store. It owns the run; it interprets no results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import great_expectations as gx
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

import quality.engine  # noqa: F401  (registers the `duckdb` datasource type)
from catalog.contract import Contract
from quality.context import get_context
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


def parquet_sql(data: Path) -> str:
    """The DuckDB relation GX validates: the load's Parquet file."""
    return "SELECT * FROM read_parquet('" + str(data).replace("'", "''") + "')"


def run_suite(contract: Contract, data: Path, *, load_id: str,
              context: AbstractDataContext | None = None) -> SuiteRun:
    """Validate `data` (a load's staged/addressed Parquet) against the contract's GX suite."""
    if not data.is_file():
        raise QualityRunError(f"{contract.id} load {load_id}: no Parquet at {data}")
    ctx = context or get_context()
    suite = ctx.suites.add_or_update(build_suite(contract))
    source = ctx.data_sources.add_or_update_duckdb(  # type: ignore[attr-defined]
        name=contract.id, connection_string="duckdb:///:memory:"
    )
    asset = source.add_query_asset(name=load_id, query=parquet_sql(data))
    batch = asset.add_batch_definition_whole_table("load")
    definition = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{contract.id}.{load_id}", data=batch, suite=suite)
    )
    try:
        result = definition.run(result_format=RESULT_FORMAT)
    finally:
        source.delete_asset(load_id)
        source.get_execution_engine().close()  # release DuckDB connections and their metadata
    errors = [
        f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column')}): "
        f"{r.exception_info.get('exception_message')}"
        for r in result.results
        if r.exception_info and r.exception_info.get("raised_exception")
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


def _result_path(ctx: AbstractDataContext, result_id: object) -> Path:
    backend = ctx.validation_results_store.store_backend
    return Path(backend.full_base_directory) / backend._convert_key_to_filepath(  # noqa: SLF001
        result_id.to_tuple()  # type: ignore[attr-defined]
    )
