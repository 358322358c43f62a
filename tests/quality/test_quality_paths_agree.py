"""The custom expectations mean the same on GX's pandas path as on the DuckDB path: the same
rows offend for the same case-table values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tests.support.identifier_cases import CREDIT_CODES, MOBILES, RESIDENT_IDS


def _expectations():  # type: ignore[no-untyped-def]
    from quality import expectations as custom

    return [
        custom.ExpectColumnValuesToBeValidResidentId(column="resident_id"),
        custom.ExpectColumnValuesToBeValidMobile(column="phone"),
        custom.ExpectColumnValuesToBeValidCreditCode(column="credit_code"),
        custom.ExpectColumnValuesToNotBeInTheFuture(column="seen_at"),
        custom.ExpectAddressMatchRateToBeAtLeast(column="match_level", value_set=["house"],
                                                 min_rate=0.5),
    ]


def _frame() -> pd.DataFrame:
    n = max(len(RESIDENT_IDS), len(MOBILES), len(CREDIT_CODES))

    def col(cases: list[tuple[str, str | None]]) -> list[str | None]:
        return [v for v, _ in cases] + [None] * (n - len(cases))

    now = dt.datetime.now()
    return pd.DataFrame({
        "_row": range(1, n + 1),
        "resident_id": col(RESIDENT_IDS), "phone": col(MOBILES), "credit_code": col(CREDIT_CODES),
        "seen_at": [now + dt.timedelta(days=1 if i % 3 == 0 else -1) for i in range(n)],
        "match_level": ["house" if i % 2 else None for i in range(n)],
    })


def _outcomes(batch) -> list[tuple]:  # type: ignore[no-untyped-def]
    from quality.run import raised

    out = []
    for e in _expectations():
        v = batch.validate(e)
        assert not raised(v.exception_info), raised(v.exception_info)
        r = v.result
        out.append((r.get("unexpected_count"), r.get("observed_value")))
    return out


def test_pandas_and_duckdb_paths_agree(home: Path) -> None:
    from quality.context import get_context
    from quality.run import BATCH_VIEW, batch_database

    frame = _frame()
    ctx = get_context()
    pandas_batch = (ctx.data_sources.add_pandas("pandas").add_dataframe_asset("frame")
                    .add_batch_definition_whole_dataframe("all")
                    .get_batch(batch_parameters={"dataframe": frame}))
    data = home / "frame.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), data)
    with batch_database("frame", "L1", data) as db:
        source = ctx.data_sources.add_or_update_duckdb(name="duck", connection_string=f"duckdb:///{db}")
        duck_batch = (source.add_table_asset("t", table_name=BATCH_VIEW)
                      .add_batch_definition_whole_table("all").get_batch())
        duck = _outcomes(duck_batch)
        source.get_execution_engine().close()
    pandas = _outcomes(pandas_batch)
    assert pandas == duck
    invalid = sum(p is not None for _, p in RESIDENT_IDS)
    assert duck[0][0] == invalid


def test_an_expectation_gx_cannot_evaluate_fails_the_run_loudly(home: Path) -> None:
    """GX leaves an unquoted reserved word (`at`) in its SQL; that must not pass as 'no rows'."""
    import pytest

    from contracts.contract import Contract
    from quality.run import QualityRunError, run_suite

    c = Contract.model_validate({
        "id": "odd", "title": "t", "tier": "city", "owner": "o", "category": "数据治理/数据质量",
        "source": {"kind": "file", "format": "csv", "location": "x", "schedule": "@daily"},
        "primary_key": ["id"], "grade": "L1", "sharing": "无条件共享", "opening": "无条件开放",
        "update_frequency": "daily",
        "columns": [{"name": "id", "title": "i", "type": "integer"},
                    {"name": "at", "title": "a", "type": "timestamp", "checks": ["not_future"]}],
    })
    data = home / "odd.parquet"
    pq.write_table(pa.table({"id": [1, 2], "at": [dt.datetime(2020, 1, 1)] * 2, "_row": [1, 2]}),
                   data)
    with pytest.raises(QualityRunError, match="not_be_in_the_future.at.: .*syntax error"):
        run_suite(c, data, load_id="L1")
