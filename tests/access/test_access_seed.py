"""Seeding the city's organizations: a department per contract owner under an id derived from the
owner's name, idempotent, a new contract's owner gets its reviewer, an owner already present under
an older id is not duplicated, and the bureau's review page warns of a dataset nobody can decide."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from access import orgs, workflow
from access.models import users
from access.scope import contracts
from access.seed import department_id, seed_city
from control.db import engine
from tests.support.access_world import household_scope
from tests.support.portal import signed_in

REPO_CONTRACTS = Path(__file__).parents[2] / "catalog" / "datasets"


@pytest.fixture
def contract_dir(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = home / "contracts"
    shutil.copytree(REPO_CONTRACTS, folder)
    monkeypatch.setenv("SHUCANG_CONTRACTS", str(folder))
    return folder


def _departments() -> dict[str, str]:
    return {o["org_id"]: o["department"] for o in orgs.list_orgs() if o["kind"] == "department"}


def test_departments_have_stable_ids_and_reviewers(contract_dir: Path) -> None:
    seed_city()
    owners = {c.owner for c in contracts().values()}
    assert _departments() == {department_id(o): o for o in owners}
    assert all(orgs.department_reviewers(o) for o in owners)
    first = orgs.list_orgs()
    seed_city()
    assert orgs.list_orgs() == first  # idempotent
    assert department_id("街道城市管理科") == department_id("街道城市管理科") != department_id("城管局")


def test_a_new_contract_owner_gets_its_department_and_nothing_is_renumbered(contract_dir: Path) -> None:
    seed_city()
    before = _departments()
    text = (contract_dir / "parking_lot.yaml").read_text(encoding="utf-8")
    owner = next(c.owner for c in contracts().values() if c.id == "parking_lot")
    (contract_dir / "aaa_new.yaml").write_text(
        text.replace("id: parking_lot", "id: aaa_new").replace(owner, "市新设数源局"), encoding="utf-8")
    assert "aaa_new" in contracts()
    seed_city()
    after = _departments()
    assert {k: v for k, v in after.items() if k in before} == before
    assert after[department_id("市新设数源局")] == "市新设数源局"
    assert list(after.values()).count("市新设数源局") == 1
    assert orgs.department_reviewers("市新设数源局")


def test_an_owner_seeded_under_an_older_id_is_not_duplicated(contract_dir: Path) -> None:
    owner = sorted({c.owner for c in contracts().values()})[0]
    orgs.create_org("dept01", owner, "department", department=owner)
    seed_city()
    assert [k for k, v in _departments().items() if v == owner] == ["dept01"]
    assert orgs.department_reviewers(owner)[0]["user_id"] == "dept01-reviewer"


def test_the_bureau_is_warned_when_a_dataset_has_no_reviewer(city: dict[str, str]) -> None:
    rid = workflow.submit("chen", "核查", "走访", household_scope())
    client = signed_in("wang")
    page = client.get("/review").text
    assert rid in page and "no-reviewer" not in page  # 省公安厅 has its reviewer li
    assert '<span class="count">1</span>' in page
    with engine().begin() as c:  # 省公安厅's reviewer becomes an analyst: nobody may decide
        c.execute(update(users).where(users.c.org_id == "psb").values(role="analyst"))
    page = client.get("/review").text
    assert "户籍人口 的数源部门还没有审核人" in page
