"""Organizations, users and app tokens of the access control plane. Street and community orgs
carry real NBS codes; tokens are stored only as sha256. Owns rows of access_orgs/users/tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import insert, select, update

from access import divisions
from access.clock import aware, now
from access.db import engine, one
from access.errors import AuthenticationError, OrganizationError, UnknownEntityError
from access.grants import get_grant
from access.models import orgs, sessions, tokens, users

ORG_KINDS = ("bureau", "department", "street", "community", "app")
ROLES = ("requester", "reviewer", "analyst", "admin")


def create_org(
    org_id: str,
    name: str,
    kind: str,
    division_code: str | None = None,
    department: str | None = None,
) -> dict[str, Any]:
    """Register an organization; streets/communities must name their real NBS division code."""
    if kind not in ORG_KINDS:
        raise OrganizationError(f"org {org_id}: kind {kind!r} is not one of {', '.join(ORG_KINDS)}")
    if kind in ("street", "community"):
        if not division_code:
            raise OrganizationError(f"org {org_id}: a {kind} needs its NBS division code")
        div = divisions.division(division_code)
        if div is None or div.level != kind:
            raise OrganizationError(
                f"org {org_id}: {division_code!r} is not a {kind} code"
                f" in {divisions.REFERENCE.name}"
                f" (a {kind} code has {divisions.CODE_LENGTH[kind]} digits)"
            )
    elif division_code:
        raise OrganizationError(f"org {org_id}: only streets and communities carry a division code")
    if kind == "department" and department is None:
        department = name
    row = {
        "org_id": org_id,
        "name": name,
        "kind": kind,
        "division_code": division_code,
        "department": department,
        "created_at": now(),
    }
    with engine().begin() as c:
        c.execute(insert(orgs).values(**row))
    return row


def get_org(org_id: str) -> dict[str, Any]:
    """One organization; UnknownEntityError if absent."""
    return one(select(orgs).where(orgs.c.org_id == org_id),
               f"no organization {org_id!r} (see `shucang orgs list`)")


def list_orgs() -> list[dict[str, Any]]:
    """Every organization, by id."""
    with engine().connect() as c:
        return [dict(r) for r in c.execute(select(orgs).order_by(orgs.c.org_id)).mappings()]


def create_user(user_id: str, name: str, org_id: str, role: str = "requester") -> dict[str, Any]:
    """Register a user of an existing organization with one role."""
    if role not in ROLES:
        raise OrganizationError(f"user {user_id}: role {role!r} is not one of {', '.join(ROLES)}")
    get_org(org_id)
    with engine().connect() as c:
        if c.execute(select(users.c.user_id).where(users.c.user_id == user_id)).first():
            raise OrganizationError(f"user {user_id} already exists (用户名已被使用)")
    row = {"user_id": user_id, "name": name, "org_id": org_id, "role": role, "created_at": now()}
    with engine().begin() as c:
        c.execute(insert(users).values(**row))
    return row


def get_user(user_id: str) -> dict[str, Any]:
    """One user joined with its organization (org_kind, org_name, division_code...)."""
    q = (
        select(
            users,
            orgs.c.kind.label("org_kind"),
            orgs.c.name.label("org_name"),
            orgs.c.division_code,
            orgs.c.department,
        )
        .join(orgs, orgs.c.org_id == users.c.org_id)
        .where(users.c.user_id == user_id)
    )
    return one(q, f"no user {user_id!r} (see `shucang users list`)")


def list_users() -> list[dict[str, Any]]:
    """Every user, by id."""
    with engine().connect() as c:
        return [dict(r) for r in c.execute(select(users).order_by(users.c.user_id)).mappings()]


def department_reviewers(department: str) -> list[dict[str, Any]]:
    """The users who may decide for `department`'s datasets (reviewers and admins of a department
    organization of that name), by id."""
    q = (select(users).join(orgs, orgs.c.org_id == users.c.org_id)
         .where(orgs.c.kind == "department", orgs.c.department == department,
                users.c.role.in_(("reviewer", "admin")))
         .order_by(users.c.user_id))
    with engine().connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user_id: str, days: int | None = 365, grant_ids: list[str] | None = None) -> str:
    """A new token for `user_id`; the secret is returned once and only its hash is stored. With
    `grant_ids` it is an app token: it reads those grants through the API and nothing else (no
    portal sign-in); a user of an app organization gets only such tokens."""
    user = get_user(user_id)
    if user["org_kind"] == "app" and not grant_ids:
        raise OrganizationError(f"user {user_id} is an app: its token names the grant(s) it reads"
                                " (shucang tokens issue USER --grant G...)")
    for grant_id in grant_ids or []:
        if get_grant(grant_id)["org_id"] != user["org_id"]:
            raise OrganizationError(f"grant {grant_id} does not belong to {user['org_id']}")
    token_id = secrets.token_hex(6)
    secret = f"sct_{token_id}_{secrets.token_urlsafe(24)}"
    expires = now() + dt.timedelta(days=days) if days else None
    with engine().begin() as c:
        c.execute(
            insert(tokens).values(
                token_id=token_id,
                user_id=user_id,
                token_sha256=_hash(secret),
                grant_ids=list(grant_ids) if grant_ids else None,
                created_at=now(),
                expires_at=expires,
            )
        )
    return secret


def revoke_token(token_id: str) -> None:
    """Revoke an app token by its id (the part after `sct_`); portal sessions opened with it end
    at once."""
    with engine().begin() as c:
        done = c.execute(
            update(tokens).where(tokens.c.token_id == token_id).values(revoked_at=now())
        ).rowcount
        c.execute(update(sessions).where(sessions.c.token_id == token_id,
                                         sessions.c.ended_at.is_(None)).values(ended_at=now()))
    if not done:
        raise UnknownEntityError(f"no token {token_id!r}")


def authenticate(secret: str) -> dict[str, Any]:
    """The user a token belongs to, with `token_id` and `token_grants` (None for a person's
    token, else the grants an app token may read); AuthenticationError if unknown, revoked or
    expired."""
    with engine().connect() as c:
        row = (
            c.execute(select(tokens).where(tokens.c.token_sha256 == _hash(secret)))
            .mappings()
            .first()
        )
    if row is None:
        raise AuthenticationError("unknown token")
    if row["revoked_at"] is not None:
        raise AuthenticationError(f"token {row['token_id']} was revoked")
    if row["expires_at"] is not None and aware(row["expires_at"]) <= now():
        raise AuthenticationError(f"token {row['token_id']} expired at {row['expires_at']}")
    return {**get_user(row["user_id"]), "token_id": row["token_id"], "token_grants": row["grant_ids"]}
