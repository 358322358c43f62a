"""Builders for the access tests: published fixture snapshots written through the warehouse
snapshot writer, scopes, and a request driven through the whole workflow to a grant."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from access.scope import DatasetScope, Scope
from contracts.contract import load_contracts
from contracts.schema import published_schema
from warehouse.manifest import Manifest, contract_fields
from warehouse.snapshots import publish_snapshot

XIXI, BEISHAN = "330106004", "330106002"  # 西溪街道, 北山街道 (西湖区)
XIXI_COMMUNITIES = ("330106004053", "330106004055")
BEISHAN_COMMUNITY = "330106002051"
SURNAMES = "张王李赵刘陈杨黄周吴"
STREET_NAMES = {XIXI: "西溪街道", BEISHAN: "北山街道"}


def household_rows(n: int = 60) -> list[dict[str, Any]]:
    """`n` residents: two thirds in 西溪街道's two communities, one third in 北山街道."""
    rows = []
    for i in range(n):
        street = XIXI if i % 3 else BEISHAN
        community = XIXI_COMMUNITIES[i % 2] if street == XIXI else BEISHAN_COMMUNITY
        rows.append(
            {
                "resident_id": f"330106{1950 + i % 50:04d}{1 + i % 12:02d}{1 + i % 28:02d}{i:03d}X",
                "name": SURNAMES[i % 10] + "小" + "明红"[i % 2],
                "sex": "男女"[i % 2],
                "birth_date": dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                "household_id": f"HH{i // 3:05d}",
                "relation": "户主" if i % 3 == 0 else "子女",
                "address": f"杭州市西湖区{STREET_NAMES[street]}文一路{i}号3幢2单元301室",
                "updated_at": dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC),
                "_load_id": "L1",
                "district_code": "330106",
                "street_code": street,
                "community_code": community,
                "building_code": f"{community}0001{i % 5:03d}",
                "house_code": f"{community}0001{i % 5:03d}{i:04d}",
                "lon": 120.1 + i / 1000,
                "lat": 30.27,
                "match_level": "house",
                "match_confidence": 0.95,
            }
        )
    return rows


def grid_rows(n: int = 40) -> list[dict[str, Any]]:
    """`n` grid events spread over both streets."""
    return [
        {
            "event_id": f"SJ{202611000000 + i}",
            "category": ["市容环境", "治安隐患"][i % 2],
            "level": 1 + i % 4,
            "reported_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i),
            "location": f"文一路{i}号",
            "reporter_phone": f"1381234{i:04d}",
            "status": "上报",
            "dispatched_at": None,
            "handled_at": None,
            "closed_at": None,
            "_load_id": "L1",
            "district_code": "330106",
            "street_code": XIXI if i % 2 else BEISHAN,
            "community_code": XIXI_COMMUNITIES[0] if i % 2 else BEISHAN_COMMUNITY,
            "building_code": None,
            "house_code": None,
            "lon": 120.1,
            "lat": 30.2,
            "match_level": "community",
            "match_confidence": 0.9,
        }
        for i in range(n)
    ]


def publish(dataset: str, rows: list[dict[str, Any]]) -> Manifest:
    """Publish `rows` as the current snapshot of `dataset` through the one snapshot writer, with
    its contract's classification."""
    contract = load_contracts()[dataset]
    table = pa.Table.from_pylist(rows)
    declared = [c for c in published_schema(contract) if c.name in table.column_names]
    return publish_snapshot(contract_fields(contract), table, declared=declared).manifest


def household_scope(street: str = XIXI, **columns: str | None) -> Scope:
    """A one-year request for household_register rows of `street`."""
    cols = columns or {
        "resident_id": "resident_id",
        "name": "name",
        "sex": None,
        "birth_date": "date_year",
        "household_id": "pseudonym",
        "address": "address_community",
        "community_code": None,
    }
    return Scope(
        datasets={"household_register": DatasetScope(columns=cols, rows={"street_code": street})},
        start=dt.date.today(),
        end=dt.date.today() + dt.timedelta(days=90),
    )


def build_city() -> None:
    """Publish the fixture datasets and register bureau, two departments, two streets, users."""
    from access import orgs

    publish("household_register", household_rows())
    publish("grid_event", grid_rows())
    orgs.create_org("bureau", "市数据资源管理局", "bureau")
    orgs.create_org("psb", "省公安厅", "department")
    orgs.create_org("grid", "区社会治理综合指挥中心", "department")
    orgs.create_org("xixi", "西溪街道", "street", XIXI)
    orgs.create_org("beishan", "北山街道", "street", BEISHAN)
    for user, org, role in [
        ("wang", "bureau", "reviewer"),
        ("li", "psb", "reviewer"),
        ("zhou", "grid", "reviewer"),
        ("chen", "xixi", "requester"),
        ("zhao", "beishan", "requester"),
        ("sun", "xixi", "analyst"),
    ]:
        orgs.create_user(user, user, org, role)


@contextlib.contextmanager
def shared_home(tmp_path_factory: Any) -> Iterator[Path]:
    """A SHUCANG_HOME for a whole test module (the `home` fixture is per test)."""
    home = tmp_path_factory.mktemp("access") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHUCANG_HOME", str(home))
        mp.setenv("SHUCANG_FEEDS", str(home / "feeds"))
        mp.delenv("SHUCANG_CONTROL_URL", raising=False)
        yield home


REVIEWERS = {"household_register": "li", "grid_event": "zhou"}  # owner department reviewers


def grant_through(scope: Scope, requester: str = "chen", purpose: str = "核查辖区独居老人") -> str:
    """Submit, bureau-review and approve (by each dataset's owner) a request; the new grant's id."""
    from access import workflow

    rid = workflow.submit(requester, purpose, "网格走访", scope)
    workflow.bureau_review(rid, "wang", approve=True)
    for dataset in scope.datasets:
        workflow.decide(rid, REVIEWERS[dataset], "approved", dataset=dataset)
    grant = workflow.show(rid)["grant"]
    assert grant is not None
    return str(grant["grant_id"])
