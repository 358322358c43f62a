"""GX artefacts stay GX's: the stored validation result is a GX result, Data Docs are a static
site with the suite and the load, and the DuckDB engine gives regexes Python's search meaning."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.quality_staged import contract, rows, write


def test_validation_result_and_data_docs(home: Path) -> None:
    from quality.context import data_docs_index
    from quality.validate import validate_load

    c = contract("grid_event")
    records = rows(c, 5)
    records[2]["event_id"] = "SJ12"
    data = write(home / "staging" / c.id / "L1" / "addressed.parquet", c, records)
    report = validate_load(c, data, load_id="L1")
    stored = json.loads(report.result_path.read_text(encoding="utf-8"))
    assert stored["suite_name"] == "grid_event.v1" and stored["success"] is False
    types = {r["expectation_config"]["type"] for r in stored["results"]}
    assert "expect_column_values_to_be_valid_mobile" in types
    index = data_docs_index()
    assert report.data_docs == index and index.is_file()
    assert index.is_relative_to(home / "quality" / "data_docs")
    pages = [p.read_text(encoding="utf-8") for p in index.parent.rglob("*.html")]
    assert any("grid_event.v1" in p for p in pages)
    assert any("SJ12" in p for p in pages)  # the offending value is shown in the result page


def test_regex_has_search_semantics_on_duckdb(home: Path) -> None:
    """GX's pandas path uses re.search; the DuckDB path must agree (regexp_matches, not ~)."""
    import great_expectations.expectations as gxe

    from quality.context import get_context
    from quality.run import BATCH_VIEW, batch_database

    c = contract("parking_lot")
    records = rows(c, 3)
    records[0]["lot_name"] = "城西 P123 停车场"
    records[1]["lot_name"] = "城东停车场"
    data = write(home / "p.parquet", c, records)
    ctx = get_context()
    with batch_database("t", "L1", data) as db:
        source = ctx.data_sources.add_or_update_duckdb(name="t", connection_string=f"duckdb:///{db}")
        batch = source.add_table_asset("q", table_name=BATCH_VIEW) \
            .add_batch_definition_whole_table("b").get_batch()
        expectation = gxe.ExpectColumnValuesToMatchRegex(column="lot_name", regex=r"P\d{3}")
        result = batch.validate(expectation)
        source.get_execution_engine().close()
    assert result.result["unexpected_count"] == 2  # rows 2 and 3; row 1 contains a match
