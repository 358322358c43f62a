"""The request -> review -> decision -> grant workflow on SQLite and PostgreSQL: classification at
submission, narrowing rules, permissions, multi-owner requests, overdue reviews, revocation and
expiry (refused everywhere afterwards), tokens and organizations."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from access import artifacts, gateway, orgs, workflow
from access.errors import (
    AuthenticationError,
    ClassificationError,
    GrantNotActiveError,
    OrganizationError,
    PermissionDenied,
    ScopeError,
    SeparationOfDutiesError,
    WorkflowError,
)
from access.models import requests, tokens
from access.scope import DatasetScope, Scope, column_grade, contracts, parse_columns
from contracts.contract import Sharing
from contracts.schema import published_schema
from control.db import engine
from tests.support.access_world import BEISHAN, XIXI, household_scope

TODAY = dt.date.today()


def _scope(
    dataset: str = "household_register", rows: dict[str, str] | None = None, **columns: str | None
) -> Scope:
    return Scope(
        datasets={
            dataset: DatasetScope(columns=columns, rows={"street_code": XIXI} if rows is None else rows)
        },
        start=TODAY,
        end=TODAY + dt.timedelta(days=30),
    )


def _reviewed(scope: Scope) -> str:
    rid = workflow.submit("chen", "核查", "走访", scope)
    workflow.bureau_review(rid, "wang", approve=True)
    return rid


def test_request_to_active_grant(backend: str, city: dict[str, str]) -> None:
    rid = _reviewed(household_scope())
    assert workflow.decide(rid, "li", "approved") == workflow.Status.active
    req = workflow.show(rid)
    assert req["grant"]["granted"] == req["requested"]
    assert [(t["to_status"], t["actor"]) for t in req["transitions"]] == [
        ("submitted", "chen"),
        ("reviewing", "wang"),
        ("reviewing", "li"),
        ("active", "li"),
    ]
    assert (artifacts.grant_dir(req["grant"]["grant_id"]) / "manifest.json").exists()


SUBMISSION_REFUSALS = [
    # (columns, rows, error)
    ({"resident_id": None}, None, ClassificationError),  # L4 raw
    ({"name": None}, None, ClassificationError),  # L3 raw in 有条件共享
    ({"phone": "phone"}, None, ScopeError),  # no such column in household_register
    ({"name": "shout"}, None, ScopeError),  # unknown mask
    ({"sex": None}, {"street_code": BEISHAN}, ScopeError),  # another street
    ({"sex": None}, {}, ScopeError),  # a street must scope rows to itself
    ({"sex": None}, {"street_code": "33010600"}, ScopeError),  # not a 9-digit code
    ({"sex": None}, {"household_id": "HH1"}, ScopeError),  # not an address code column
    ({}, None, ScopeError),  # no column
    ({"resident_id": "date_year"}, None, ScopeError),  # a date mask on a string
    ({"birth_date": "phone"}, None, ScopeError),  # a text mask on a date
    ({"lon": "name"}, None, ScopeError),  # a text mask on a coordinate
    ({"address": "phone"}, None, ScopeError),  # a mask of another PII kind (would show the room)
    ({"name": "resident_id"}, None, ScopeError),
    ({"sex": "address_community"}, None, ScopeError),  # an address mask on a column without PII
    # codes and coordinates that pinpoint a house are as sensitive as the address (L3 here)
    ({"house_code": None}, None, ClassificationError),
    ({"building_code": None}, None, ClassificationError),
    ({"lat": None}, None, ClassificationError),
]


@pytest.mark.parametrize(("columns", "rows", "error"), SUBMISSION_REFUSALS)
def test_submission_refusals(
    backend: str,
    city: dict[str, str],
    columns: dict[str, str | None],
    rows: dict[str, str] | None,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        workflow.submit("chen", "核查", "走访", _scope(rows=rows, **columns))
    assert workflow.list_requests() == []


def test_not_shared_dataset_cannot_be_requested(backend: str, city: dict[str, str]) -> None:
    known = dict(contracts())
    known["household_register"] = known["household_register"].model_copy(update={"sharing": Sharing.none})
    with pytest.raises(ClassificationError, match="不予共享"):
        workflow.submit("chen", "核查", "走访", _scope(sex=None), contracts=known)


def test_accepted_scopes(backend: str, city: dict[str, str]) -> None:
    community = {"community_code": "330106004053"}
    workflow.submit(
        "chen",
        "p",
        "s",
        _scope(
            rows=community, sex=None, resident_id="pseudonym", birth_date="pseudonym", updated_at="date_year"
        ),
    )
    with pytest.raises(ScopeError):
        workflow.submit(
            "chen",
            "p",
            "s",
            Scope(datasets=_scope(sex=None).datasets, start=TODAY, end=TODAY - dt.timedelta(days=1)),
        )
    assert len(workflow.list_requests(org_id="xixi")) == 1


NARROWINGS = [
    # (granted columns, granted rows, end offset, allowed)
    ({"name": "name"}, {"street_code": XIXI}, None, True),  # fewer columns
    ({"name": "name", "sex": "pseudonym"}, {"street_code": XIXI}, None, True),  # added mask
    ({"name": "name", "sex": None}, {"community_code": "330106004053"}, None, True),  # fewer rows
    ({"name": "name", "sex": None}, {"street_code": XIXI}, 10, True),  # shorter period
    ({"name": None, "sex": None}, {"street_code": XIXI}, None, False),  # unmasked
    ({"name": "name", "sex": None, "relation": None}, {"street_code": XIXI}, None, False),
    ({"name": "name", "sex": None}, {"street_code": BEISHAN}, None, False),  # other rows
    ({"name": "name", "sex": None}, {"community_code": "330106002051"}, None, False),
    ({"name": "name", "sex": None}, {}, None, False),  # all rows
    ({"name": "name", "sex": None}, {"street_code": XIXI}, 60, False),  # longer period
    ({"name": "phone", "sex": None}, {"street_code": XIXI}, None, False),  # a mask that does not fit
]


@pytest.mark.parametrize(("columns", "rows", "end", "allowed"), NARROWINGS)
def test_narrowing(
    backend: str,
    city: dict[str, str],
    columns: dict[str, str | None],
    rows: dict[str, str],
    end: int | None,
    allowed: bool,
) -> None:
    rid = _reviewed(_scope(name="name", sex=None))
    granted = DatasetScope(columns=columns, rows=rows)
    end_date = TODAY + dt.timedelta(days=end) if end is not None else None

    def narrow() -> str:
        return workflow.decide(
            rid,
            "li",
            "narrowed",
            dataset="household_register",
            granted=granted,
            end=end_date,
            reason="最小必要",
        )

    if not allowed:
        with pytest.raises(ScopeError):
            narrow()
        assert workflow.show(rid)["status"] == workflow.Status.reviewing
        return
    narrow()
    req = workflow.show(rid)
    assert req["grant"]["granted"]["datasets"]["household_register"] == granted.model_dump()
    assert req["requested"]["datasets"]["household_register"]["columns"] == {
        "name": "name",
        "sex": None,
    }
    if end_date:
        assert req["grant"]["granted"]["end"] == end_date.isoformat()


def test_permissions_and_order(backend: str, city: dict[str, str]) -> None:
    rid = workflow.submit("chen", "p", "s", household_scope())
    with pytest.raises(WorkflowError):
        workflow.decide(rid, "li", "approved")  # before the bureau
    with pytest.raises(PermissionDenied):
        workflow.bureau_review(rid, "chen", approve=True)
    with pytest.raises(ScopeError):
        workflow.bureau_review(rid, "wang", approve=False)  # a denial needs a reason
    workflow.bureau_review(rid, "wang", approve=True)
    with pytest.raises(PermissionDenied):
        workflow.decide(rid, "zhou", "approved")  # grid department does not own it
    with pytest.raises(ScopeError):
        workflow.decide(rid, "li", "denied")  # reason missing
    assert workflow.decide(rid, "li", "denied", reason="无法律依据") == workflow.Status.denied
    assert workflow.show(rid)["grant"] is None


def test_a_requester_never_reviews_or_decides_their_own_request(backend: str, city: dict[str, str]) -> None:
    orgs.create_user("wu", "wu", "bureau", "reviewer")
    everything = household_scope()
    own = Scope(datasets={"household_register": DatasetScope(columns={"sex": None})},
                start=everything.start, end=everything.end)
    by_bureau = workflow.submit("wang", "全市统计", "统计", own)
    with pytest.raises(SeparationOfDutiesError, match="申请人不能审核"):
        workflow.bureau_review(by_bureau, "wang", approve=True)
    by_owner = workflow.submit("li", "全市统计", "统计", own)  # the owner department's reviewer
    workflow.bureau_review(by_owner, "wu", approve=True)
    with pytest.raises(SeparationOfDutiesError, match="cannot decide"):
        workflow.decide(by_owner, "li", "approved")
    assert workflow.show(by_owner)["status"] == workflow.Status.reviewing


def test_two_owners_decide_separately(backend: str, city: dict[str, str]) -> None:
    scope = Scope(
        datasets={
            "household_register": DatasetScope(columns={"sex": None}, rows={"street_code": XIXI}),
            "grid_event": DatasetScope(
                columns={"category": None, "reporter_phone": "phone"}, rows={"street_code": XIXI}
            ),
        },
        start=TODAY,
        end=TODAY + dt.timedelta(days=30),
    )
    rid = _reviewed(scope)
    assert workflow.decide(rid, "li", "approved") == workflow.Status.reviewing
    assert workflow.decide(rid, "zhou", "denied", reason="事件数据另行申请") == "active"
    grant = workflow.show(rid)["grant"]
    assert list(grant["granted"]["datasets"]) == ["household_register"]


def test_overdue_reviews_count_working_days(backend: str, city: dict[str, str]) -> None:
    old = workflow.submit("chen", "p", "s", household_scope())
    fresh = workflow.submit("chen", "p", "s", household_scope())
    with engine().begin() as c:
        c.execute(
            update(requests)
            .where(requests.c.request_id == old)
            .values(stage_since=workflow.now() - dt.timedelta(days=21))
        )
        c.execute(
            update(requests)
            .where(requests.c.request_id == fresh)
            .values(stage_since=workflow.now() - dt.timedelta(days=7))
        )
    late = workflow.overdue()
    assert [r["request_id"] for r in late] == [old]
    assert late[0]["working_days"] > 10


def test_revocation_refuses_everywhere(backend: str, granted: str) -> None:
    assert gateway.query(granted, "SELECT count(*) AS n FROM household_register", "chen")
    with pytest.raises(PermissionDenied):
        workflow.revoke(granted, "chen", "不再需要")
    workflow.revoke(granted, "wang", "用途已完成")
    assert not artifacts.grant_dir(granted).exists()
    with pytest.raises(GrantNotActiveError, match="revoked"):
        gateway.query(granted, "SELECT 1", "chen")
    with pytest.raises(GrantNotActiveError):
        gateway.download(granted, "household_register", "chen", "csv")
    with pytest.raises(GrantNotActiveError):
        artifacts.build(granted)
    with pytest.raises(WorkflowError):
        workflow.revoke(granted, "wang", "again")
    assert workflow.show(workflow.get_grant(granted)["request_id"])["status"] == "revoked"


def test_expiry_refuses_everywhere(backend: str, granted: str) -> None:
    assert workflow.expire_due() == []
    after_end = workflow.aware(workflow.get_grant(granted)["valid_to"]) + dt.timedelta(seconds=1)
    with pytest.raises(GrantNotActiveError, match="ended"):
        workflow.require_live(granted, at=after_end)
    assert workflow.expire_due(at=after_end) == [granted]
    assert workflow.get_grant(granted)["status"] == "expired"
    assert not artifacts.grant_dir(granted).exists()
    assert artifacts.rebuild_for_dataset("household_register") == []
    with pytest.raises(GrantNotActiveError):
        gateway.query(granted, "SELECT 1", "chen")
    assert workflow.expire_due(at=after_end) == []


def test_tokens_are_hashed_and_revocable(backend: str, city: dict[str, str]) -> None:
    secret = orgs.issue_token("chen")
    assert orgs.authenticate(secret)["user_id"] == "chen"
    with engine().connect() as c:
        stored = [tuple(r) for r in c.execute(select(tokens))]
    assert secret not in repr(stored)
    token_id = secret.split("_")[1]
    orgs.revoke_token(token_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        orgs.authenticate(secret)
    with pytest.raises(AuthenticationError):
        orgs.authenticate("sct_unknown_x")
    expired = orgs.issue_token("chen", days=None)
    with engine().begin() as c:
        c.execute(
            update(tokens)
            .where(tokens.c.token_id == expired.split("_")[1])
            .values(expires_at=workflow.now() - dt.timedelta(minutes=1))
        )
    with pytest.raises(AuthenticationError, match="expired"):
        orgs.authenticate(expired)


ORG_CASES = [
    ("street", "330106004", True),
    ("community", "330106004053", True),
    ("street", "330106004053", False),  # a community code for a street
    ("street", "330106999", False),  # no such street
    ("community", None, False),
    ("bureau", "330106004", False),  # only streets and communities carry codes
]


@pytest.mark.parametrize(("kind", "code", "ok"), ORG_CASES)
def test_org_codes(backend: str, home: object, kind: str, code: str | None, ok: bool) -> None:
    if ok:
        assert orgs.create_org("o", "某单位", kind, code)["division_code"] == code
    else:
        with pytest.raises(OrganizationError):
            orgs.create_org("o", "某单位", kind, code)


DEFAULT_MASKS = [
    # (dataset, column, grade, default mask): one classification for manifests, catalog and grants
    ("household_register", "address", "L3", "address_community"),
    ("household_register", "house_code", "L3", "pseudonym"),  # pinpoints the masked address
    ("household_register", "building_code", "L3", "pseudonym"),
    ("household_register", "lon", "L3", "pseudonym"),
    ("household_register", "community_code", "L1", None),  # a division code is not sensitive alone
    ("parking_lot", "house_code", "L1", None),  # an unmasked public address
]


@pytest.mark.parametrize(("dataset", "column", "grade", "mask"), DEFAULT_MASKS)
def test_address_columns_classified_like_the_catalog(dataset: str, column: str, grade: str,
                                                     mask: str | None) -> None:
    contract = contracts()[dataset]
    assert (str(column_grade(contract, column)), parse_columns(contract, column)[column]) == (grade, mask)
    schema = {c.name: c for c in published_schema(contract)}
    assert (str(schema[column].grade), schema[column].mask) == (grade, mask)
