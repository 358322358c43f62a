"""The request -> review -> decision -> grant workflow and its end (expiry, revocation). Owns the
rows of access_requests, access_grants and access_transitions; every transition is recorded with
actor and time. Compiling and deleting artifacts is delegated to access.artifacts."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Connection, Table, insert, select, update

from access import artifacts, review_notice
from access import scope as scopes
from access.clock import aware, now, working_days_between  # noqa: F401 (re-exported)
from access.db import engine, one
from access.errors import (
    PermissionDenied,
    ScopeError,
    SeparationOfDutiesError,
    WorkflowError,
)
from access.grants import Status, get_grant, require_live  # noqa: F401 (re-exported)
from access.models import grants, requests, transitions
from access.orgs import get_user
from contracts.contract import Contract
from foundation.clock import BEIJING as CHINA

REVIEW_WORKING_DAYS = 10


DECISIONS = ("approved", "narrowed", "denied")


def _new_id(prefix: str) -> str:
    return f"{prefix}{now():%Y%m%d}{secrets.token_hex(3)}"


def _record(
    c: Connection, request_id: str, old: str | None, new: str, actor: str, note: str | None = None
) -> None:
    c.execute(
        insert(transitions).values(
            request_id=request_id, from_status=old, to_status=new, actor=actor, at=now(), note=note
        )
    )


def _load_request(c: Connection, request_id: str, lock: bool = False) -> dict[str, Any]:
    q = select(requests).where(requests.c.request_id == request_id)
    return one(q.with_for_update() if lock else q,
               f"no request {request_id!r} (see `shucang requests list`)", c)


def _move(
    c: Connection,
    req: dict[str, Any],
    allowed_from: tuple[str, ...],
    new: str,
    actor: str,
    note: str | None = None,
    **values: Any,
) -> None:
    if req["status"] not in allowed_from:
        raise WorkflowError(
            f"request {req['request_id']} is {req['status']}; this step needs it to"
            f" be {' or '.join(allowed_from)}"
        )
    c.execute(
        update(requests)
        .where(requests.c.request_id == req["request_id"])
        .values(status=new, stage_since=now(), **values)
    )
    _record(c, req["request_id"], req["status"], new, actor, note)


def submit(
    user_id: str,
    purpose: str,
    scenario: str,
    scope: scopes.Scope,
    contracts: Mapping[str, Contract] | None = None,
) -> str:
    """File a request; classification is checked now, so a 不予共享 or raw-L4 ask never enters."""
    user = get_user(user_id)
    if user["org_kind"] == "app":
        raise PermissionDenied(
            f"user {user_id} belongs to an app; apps read grants, people request"
        )
    if not purpose.strip() or not scenario.strip():
        raise ScopeError("a request states its purpose (用途) and scenario (场景)")
    org = {"kind": user["org_kind"], "division_code": user["division_code"]}
    scopes.check_request(scope, contracts or scopes.contracts(), org)
    request_id = _new_id("R")
    with engine().begin() as c:
        c.execute(
            insert(requests).values(
                request_id=request_id,
                requester=user_id,
                org_id=user["org_id"],
                purpose=purpose,
                scenario=scenario,
                status=Status.submitted,
                requested=scope.model_dump(mode="json"),
                decisions={},
                submitted_at=now(),
                stage_since=now(),
            )
        )
        _record(c, request_id, None, Status.submitted, user_id)
    review_notice.send(show(request_id), "bureau")
    return request_id


def _require_bureau(user: Mapping[str, Any]) -> None:
    if user["org_kind"] != "bureau" or user["role"] not in ("reviewer", "admin"):
        raise PermissionDenied(f"user {user['user_id']} is not a bureau reviewer")


def _not_own(req: Mapping[str, Any], actor: str, step: str) -> None:
    """Separation of duties: the user who filed a request never reviews or decides it."""
    if req["requester"] == actor:
        raise SeparationOfDutiesError(
            f"user {actor} filed request {req['request_id']} and cannot {step} it"
            f"（申请人不能审核或决定自己的申请，请由本单位其他审核人办理）"
        )


def bureau_review(request_id: str, actor: str, approve: bool, note: str | None = None) -> str:
    """The bureau passes a submitted request to the owning department(s) or denies it."""
    user = get_user(actor)
    _require_bureau(user)
    if not approve and not note:
        raise ScopeError("a denial states its reason")
    with engine().begin() as c:
        req = _load_request(c, request_id, lock=True)
        _not_own(req, actor, "review")
        new = Status.reviewing if approve else Status.denied
        _move(c, req, (Status.submitted,), new, actor, note)
    if approve:
        review_notice.send(show(request_id), "department")
    return new


def _owned(
    user: Mapping[str, Any], contracts: Mapping[str, Contract], datasets: list[str]
) -> list[str]:
    mine = [d for d in datasets if contracts[d].owner == user["department"]]
    if user["role"] not in ("reviewer", "admin") or not mine:
        raise PermissionDenied(
            f"user {user['user_id']} ({user['org_name']}) does not decide for"
            f" {', '.join(datasets)}: owners are "
            f"{', '.join(sorted({contracts[d].owner for d in datasets}))}"
        )
    return mine


def decide(
    request_id: str,
    actor: str,
    decision: str,
    *,
    dataset: str | None = None,
    granted: scopes.DatasetScope | None = None,
    end: dt.date | None = None,
    reason: str | None = None,
    contracts: Mapping[str, Contract] | None = None,
) -> str:
    """An owning department approves, narrows or denies its datasets in a request; when every
    dataset is decided the request becomes active (a grant) or denied. Returns the new status."""
    if decision not in DECISIONS:
        raise ScopeError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if decision in ("narrowed", "denied") and not reason:
        raise ScopeError(f"a {decision} decision states its reason")
    contracts = contracts or scopes.contracts()
    user = get_user(actor)
    with engine().begin() as c:
        req = _load_request(c, request_id, lock=True)
        _not_own(req, actor, "decide")
        if req["status"] != Status.reviewing:
            raise WorkflowError(
                f"request {request_id} is {req['status']}; owners decide only after"
                " the bureau's review (status reviewing)"
            )
        asked = scopes.Scope.model_validate(req["requested"])
        targets = [dataset] if dataset else list(asked.datasets)
        unknown = [d for d in targets if d not in asked.datasets]
        if unknown:
            raise ScopeError(f"request {request_id} does not ask for {', '.join(unknown)}")
        mine = _owned(user, contracts, targets)
        if dataset is None:
            targets = mine
        if granted is not None and len(targets) != 1:
            raise ScopeError("narrowing names one dataset (--dataset)")
        if end is not None and not asked.start <= end <= asked.end:
            raise ScopeError(
                f"the granted end {end} must lie within the requested period "
                f"{asked.start}..{asked.end}"
            )
        decisions = dict(req["decisions"])
        for d in targets:
            scope_d = granted or asked.datasets[d]
            if decision != "denied":
                scopes.check_narrowing(asked.datasets[d], scope_d, d)
                scopes.check_columns(contracts[d], scope_d.columns)
            decisions[d] = {
                "decision": decision,
                "by": actor,
                "at": now().isoformat(),
                "reason": reason,
                "end": end.isoformat() if end else None,
                "scope": scope_d.model_dump(mode="json"),
            }
        c.execute(
            update(requests).where(requests.c.request_id == request_id).values(decisions=decisions)
        )
        _record(
            c,
            request_id,
            req["status"],
            req["status"],
            actor,
            f"{decision} {', '.join(targets)}" + (f": {reason}" if reason else ""),
        )
        if set(decisions) != set(asked.datasets):
            return Status.reviewing
        kept = {d: v for d, v in decisions.items() if v["decision"] != "denied"}
        if not kept:
            _move(c, req, (Status.reviewing,), Status.denied, actor, "every dataset denied")
            return Status.denied
        grant_id = _open_grant(c, req, asked, kept)
        _move(c, req, (Status.reviewing,), Status.active, actor, f"grant {grant_id}")
    artifacts.build_quietly(grant_id)
    return Status.active


def _open_grant(
    c: Connection, req: dict[str, Any], asked: scopes.Scope, kept: dict[str, Any]
) -> str:
    ends = [dt.date.fromisoformat(v["end"]) for v in kept.values() if v["end"]]
    end = min([asked.end, *ends])
    granted = scopes.Scope(
        datasets={d: scopes.DatasetScope.model_validate(v["scope"]) for d, v in kept.items()},
        start=asked.start,
        end=end,
    )
    grant_id = _new_id("G")
    valid_from = dt.datetime.combine(asked.start, dt.time(), CHINA).astimezone(dt.UTC)
    valid_to = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CHINA).astimezone(dt.UTC)
    c.execute(
        insert(grants).values(
            grant_id=grant_id,
            request_id=req["request_id"],
            org_id=req["org_id"],
            purpose=req["purpose"],
            status=Status.active,
            granted=granted.model_dump(mode="json"),
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )
    return grant_id


def _end_grant(grant_id: str, new: str, actor: str, reason: str) -> None:
    with engine().begin() as c:
        g = one(select(grants).where(grants.c.grant_id == grant_id).with_for_update(),
                f"no grant {grant_id!r}", c)
        if g["status"] != Status.active:
            raise WorkflowError(f"grant {grant_id} is already {g['status']}")
        c.execute(
            update(grants)
            .where(grants.c.grant_id == grant_id)
            .values(status=new, ended_at=now(), end_reason=reason)
        )
        req = _load_request(c, g["request_id"], lock=True)
        _move(c, req, (Status.active,), new, actor, reason)
    artifacts.delete(grant_id)


def revoke(grant_id: str, actor: str, reason: str) -> None:
    """End a grant now (bureau, or an owner of one of its datasets); its artifact is deleted."""
    if not reason:
        raise ScopeError("a revocation states its reason")
    user = get_user(actor)
    if user["org_kind"] != "bureau":
        contracts = scopes.contracts()
        _owned(user, contracts, list(get_grant(grant_id)["granted"]["datasets"]))
    elif user["role"] not in ("reviewer", "admin"):
        raise PermissionDenied(f"user {actor} is not a bureau reviewer")
    _end_grant(grant_id, Status.revoked, actor, reason)


def expire_due(at: dt.datetime | None = None) -> list[str]:
    """Expire every active grant whose validity has ended and delete its artifact; returns ids."""
    at = at or now()
    with engine().connect() as c:
        due = [
            r.grant_id
            for r in c.execute(
                select(grants.c.grant_id, grants.c.valid_to).where(grants.c.status == Status.active)
            )
            if aware(r.valid_to) <= at
        ]
    for grant_id in due:
        try:
            _end_grant(grant_id, Status.expired, "system:expiry", f"validity ended {at:%Y-%m-%d}")
        except WorkflowError:  # revoked or expired concurrently: nothing left to do
            continue
    return due


def _listing(table: Table, newest: Column[Any], status: str | None,
             org_id: str | None) -> list[dict[str, Any]]:
    q = select(table).order_by(newest.desc())
    if status:
        q = q.where(table.c.status == status)
    if org_id:
        q = q.where(table.c.org_id == org_id)
    with engine().connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def list_requests(status: str | None = None, org_id: str | None = None) -> list[dict[str, Any]]:
    """Requests, newest first, optionally filtered by status or requesting org."""
    return _listing(requests, requests.c.submitted_at, status, org_id)


def list_grants(status: str | None = None, org_id: str | None = None) -> list[dict[str, Any]]:
    """Grants, newest first, optionally filtered by status or grantee org."""
    return _listing(grants, grants.c.valid_from, status, org_id)


def show(request_id: str) -> dict[str, Any]:
    """A request with its requested and granted scope side by side and its transitions."""
    with engine().connect() as c:
        req = _load_request(c, request_id)
        req["grant"] = (
            c.execute(select(grants).where(grants.c.request_id == request_id)).mappings().first()
        )
        req["transitions"] = [
            dict(r)
            for r in c.execute(
                select(transitions)
                .where(transitions.c.request_id == request_id)
                .order_by(transitions.c.id)
            ).mappings()
        ]
    if req["grant"] is not None:
        req["grant"] = dict(req["grant"])
    return req


def overdue(
    at: dt.datetime | None = None, limit_days: int = REVIEW_WORKING_DAYS
) -> list[dict[str, Any]]:
    """Requests waiting in review for more than `limit_days` working days (official calendar)."""
    at = at or now()
    waiting = list_requests(Status.submitted) + list_requests(Status.reviewing)
    out = []
    for r in waiting:
        days = working_days_between(r["stage_since"], at)
        if days > limit_days:
            out.append({**r, "working_days": days})
    return sorted(out, key=lambda r: -r["working_days"])
