"""The portal's catalog page: the same search as `shucang catalog search` (same datasets, same
scores), filters by category, owner, grade and tier, and one request for several datasets with
the standard address columns offered."""

from __future__ import annotations

import pytest

from access import workflow
from access.portal.browse import browse
from catalog.entry import build_catalog
from catalog.search import search
from tests.support.portal import signed_in

QUERIES = ["老人", "车位", "停车", "电梯 故障", "社区居委会", "满意度", "身份证", "租房", "企业", "住址",
           "tingche", "停車場", "parking"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_portal_searches_as_the_cli_does(home, query: str) -> None:  # type: ignore[no-untyped-def]
    offered = {d["id"] for d in browse().datasets}
    cli = [(h.entry.id, h.score) for h in search(build_catalog(), query) if h.entry.id in offered]
    assert [(d["id"], d["score"]) for d in browse(query).datasets] == cli


def test_filters(home) -> None:  # type: ignore[no-untyped-def]
    everything = browse().datasets
    assert len(everything) > 5
    for name in ("owner", "grade", "tier"):
        value = everything[0][name]
        kept = browse(**{name: value}).datasets
        assert kept and all(d[name] == value for d in kept) and len(kept) < len(everything)
    top = everything[0]["category"].partition("/")[0]
    assert all(d["category"].startswith(top) for d in browse(category=top).datasets)
    assert browse("车位", tier="community").datasets == []  # the parking datasets are city-tier
    grade = next(d["grade"] for d in everything if d["id"] == "elderly_care")
    assert [d["id"] for d in browse("老人", grade=grade).datasets] == ["elderly_care"]


def test_catalog_page_search_filters_and_explained_scores(city: dict[str, str]) -> None:
    street = signed_in("chen")
    page = street.get("/", params={"q": "户籍"}).text
    assert "户籍人口" in page and "相关程度" in page and "（原词，标题）" in page
    assert "没有找到符合条件的数据集" in street.get("/", params={"q": "tingche"}).text
    assert "户籍人口" not in street.get("/", params={"grade": "L1"}).text


def test_one_request_for_several_datasets_with_address_columns(city: dict[str, str]) -> None:
    street = signed_in("chen")
    form = street.get("/requests/new", params=[("dataset", "household_register"), ("dataset", "grid_event")])
    assert form.status_code == 200
    assert "columns:household_register" in form.text and "columns:grid_event" in form.text
    assert "社区（村）代码" in form.text and "标准地址" in form.text
    r = street.post("/requests", data={
        "dataset": ["household_register", "grid_event"],
        "columns:household_register": ["name", "community_code"],
        "columns:grid_event": ["community_code"],
        "purpose": "核查独居老人", "scenario": "网格走访", "start": "2026-01-01", "end": "2026-06-30"},
        follow_redirects=False)
    assert r.status_code == 303
    asked = workflow.show(r.headers["location"].rsplit("/", 1)[1])["requested"]["datasets"]
    assert set(asked) == {"household_register", "grid_event"}
    assert set(asked["grid_event"]["columns"]) == {"community_code"}
    assert asked["household_register"]["rows"] == {"street_code": city["street"]}
