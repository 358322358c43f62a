"""Audit completeness: every query, export, download and refusal leaves exactly one row with who,
grant, purpose, statements, rows, duration and artifact hash; the log publishes as a dataset."""

from __future__ import annotations

import duckdb
import pytest

from access import audit, gateway, workflow
from access.errors import AccessError, QueryFailed
from warehouse.manifest import current_relation, dataset_dir, published_datasets, read_manifest
from warehouse.snapshots import keep_snapshots

ATTEMPTS = [
    # (callable name, argument, expected action, outcome)
    ("query", "SELECT sex, count(*) AS n FROM household_register GROUP BY sex", "query", "ok"),
    ("query", "SELECT * FROM grid_event", "query", "refused"),
    ("query", "SELECT 1/0::INTEGER AS x FROM household_register", "query", "ok"),
    ("query", "SELECT CAST(name AS INTEGER) FROM household_register", "query", "error"),
    ("download", "csv", "export", "ok"),
    ("download", "parquet", "download", "ok"),
    ("download", "xlsx", "export", "refused"),
    ("query", "SELECT " + "(" * 60 + "1" + ")" * 60, "query", "refused"),
    ("query", "SELECT " + "+".join(["1"] * 900), "query", "refused"),
]


@pytest.mark.parametrize(("call", "arg", "action", "outcome"), ATTEMPTS)
def test_every_attempt_is_audited_once(granted: str, call: str, arg: str, action: str, outcome: str) -> None:
    before = len(audit.events())
    try:
        if call == "query":
            gateway.query(granted, arg, "chen")
        else:
            gateway.download(granted, "household_register", "chen", arg)
    except AccessError:
        assert outcome != "ok"
    events = audit.events()
    assert len(events) == before + 1
    e = events[-1]
    grant = workflow.get_grant(granted)
    assert (e["actor"], e["grant_id"], e["action"], e["outcome"]) == ("chen", granted, action, outcome)
    assert e["purpose"] == grant["purpose"] and e["org_id"] == "xixi"
    assert e["duration_ms"] is not None and e["duration_ms"] >= 0
    if outcome == "ok":
        assert e["artifact_sha256"] == grant["artifact_sha256"] and e["rows"] is not None
    else:
        assert e["reason"]
    if call == "query":
        assert e["statement"] == arg
        if outcome == "ok":
            assert "READ_PARQUET" in e["rewritten"]


def test_an_unexpected_failure_is_audited_and_refused_clearly(
    granted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(gateway, "rewrite", broken)
    before = len(audit.events())
    with pytest.raises(QueryFailed, match="audited"):
        gateway.query(granted, "SELECT 1", "chen")
    [event] = audit.events()[before:]
    assert event["outcome"] == "error" and "RecursionError" in event["reason"]


def test_refusal_for_an_ended_grant_is_audited(granted: str) -> None:
    workflow.revoke(granted, "wang", "结束")
    with pytest.raises(AccessError):
        gateway.query(granted, "SELECT 1", "chen")
    last = audit.events(granted)[-1]
    assert (last["outcome"], last["action"]) == ("refused", "query") and "revoked" in last["reason"]


def test_audit_log_is_a_queryable_dataset(granted: str) -> None:
    gateway.query(granted, "SELECT count(*) FROM household_register", "chen")
    with pytest.raises(AccessError):
        gateway.query(granted, "DROP TABLE household_register", "chen")
    manifest = audit.export_dataset()
    assert audit.DATASET in published_datasets()
    assert read_manifest(audit.DATASET).rows == manifest.rows == 2
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT outcome, count(*) FROM {current_relation(audit.DATASET)} GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert rows == [("ok", 1), ("refused", 1)]
    for _ in range(keep_snapshots()):
        audit.export_dataset()
    assert len(list((dataset_dir(audit.DATASET) / "snapshots").iterdir())) == keep_snapshots()
