"""Seed the organizations a city starts with: the bureau, one department per contract owner, and
the given streets (real NBS codes), each with one user. A department's id is derived from its
owner name (`department_id`), so a new contract adds its owner and nothing is renumbered; an owner
that already has a department organization (under any id) gets no second one. Idempotent; used
by the demo and by `shucang orgs seed`. Creates rows through access.orgs only."""

from __future__ import annotations

from access import divisions, orgs
from access.errors import OrganizationError, UnknownEntityError
from access.scope import contracts
from foundation.files import sha256_text

DEMO_STREETS = ("330106005", "330106007")  # 西湖区 streets the sample feeds populate


def _ensure_org(org_id: str, name: str, kind: str, code: str | None = None,
                department: str | None = None) -> None:
    try:
        orgs.get_org(org_id)
    except UnknownEntityError:
        orgs.create_org(org_id, name, kind, code, department)


def _ensure_user(user_id: str, name: str, org_id: str, role: str) -> str:
    try:
        orgs.get_user(user_id)
    except UnknownEntityError:
        orgs.create_user(user_id, name, org_id, role)
    return user_id


def department_id(owner: str) -> str:
    """The stable organization id of a contract owner: `dept-` and 8 hex digits of its name's hash."""
    return f"dept-{sha256_text(owner)[:8]}"


def seed_city(streets: tuple[str, ...] = DEMO_STREETS) -> list[dict[str, str]]:
    """Create what is missing; return every seeded user as {user, org, role}."""
    seeded = []
    _ensure_org("bureau", "市数据资源管理局", "bureau")
    seeded.append({"user": _ensure_user("bureau-reviewer", "数据局审核员", "bureau", "reviewer"),
                   "org": "bureau", "role": "reviewer"})
    existing = {o["department"]: o["org_id"] for o in orgs.list_orgs() if o["kind"] == "department"}
    for owner in sorted({c.owner for c in contracts().values()}):
        org_id = existing.get(owner) or department_id(owner)
        _ensure_org(org_id, owner, "department", department=owner)
        seeded.append({"user": _ensure_user(f"{org_id}-reviewer", f"{owner}审核员", org_id,
                                            "reviewer"), "org": org_id, "role": "reviewer"})
    for code in streets:
        div = divisions.division(code)
        if div is None or div.level != "street":
            raise OrganizationError(f"{code!r} is not a street code in {divisions.REFERENCE.name}")
        org_id = f"street-{code}"
        _ensure_org(org_id, div.name, "street", code)
        seeded.append({"user": _ensure_user(f"staff-{code}", f"{div.name}工作人员", org_id,
                                            "requester"), "org": org_id, "role": "requester"})
    return seeded
