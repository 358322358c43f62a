"""Grants and queries in the catalog's live facts and report, from the access package's real
workflow and audit log (skipped only while the access package is absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from catalog.entry import build_catalog
from catalog.facts import gather
from catalog.report import write_report

BEISHAN = "330106002"


def _grant_grid_event() -> str:
    """A grid_event grant to 北山街道, through submit -> bureau review -> owner approval."""
    orgs = pytest.importorskip("access.orgs", reason="the access package is not installed")
    from access import workflow
    from access.scope import DatasetScope, Scope

    orgs.create_org("bureau", "市数据资源管理局", "bureau")
    orgs.create_org("grid", "区社会治理综合指挥中心", "department")
    orgs.create_org("beishan", "北山街道", "street", BEISHAN)
    for user, org, role in [
        ("wang", "bureau", "reviewer"),
        ("zhou", "grid", "reviewer"),
        ("chen", "beishan", "requester"),
    ]:
        orgs.create_user(user, user, org, role)
    scope = Scope(
        datasets={
            "grid_event": DatasetScope(
                columns={"event_id": None, "category": None, "status": None, "community_code": None},
                rows={"street_code": BEISHAN},
            )
        },
        start=dt.date.today(),
        end=dt.date.today() + dt.timedelta(days=30),
    )
    rid = workflow.submit("chen", "核查辖区事件办结", "网格走访", scope)
    workflow.bureau_review(rid, "wang", approve=True)
    workflow.decide(rid, "zhou", "approved", dataset="grid_event")
    return str(workflow.show(rid)["grant"]["grant_id"])


def test_grants_and_queries_are_counted_and_charted(published: dict, home: Path) -> None:
    grant_id = _grant_grid_event()
    from access import audit

    audit.record("chen", "query", "ok", grant_id=grant_id, org_id="beishan", statement="SELECT 1")
    audit.record("chen", "export", "ok", grant_id=grant_id, org_id="beishan")
    audit.record("chen", "query", "refused", grant_id=grant_id, reason="not granted")
    facts = gather(build_catalog())
    by_id = {f.dataset: f for f in facts}
    assert (by_id["grid_event"].active_grants, by_id["grid_event"].queries) == (1, 2)
    assert (by_id["parking_lot"].active_grants, by_id["parking_lot"].queries) == (0, 0)
    html = write_report(home / "r")["html"].read_text("utf-8")
    usage = html[html.index('id="chart-usage"') : html.index('id="chart-match_rate"')]
    assert "<svg" in usage
