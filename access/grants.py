"""A grant's status vocabulary and whether a grant is live now: the one question the artifacts,
the gateway and the workflow all ask. Reads access_grants rows; changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from access.clock import aware, now
from access.db import one
from access.errors import GrantNotActiveError
from access.models import grants


class Status:
    """A request's status (a grant's is active, expired or revoked)."""

    submitted = "submitted"  # waiting for the bureau
    reviewing = "reviewing"  # bureau passed it on; waiting for the owning department(s)
    denied = "denied"
    active = "active"
    expired = "expired"
    revoked = "revoked"


def get_grant(grant_id: str) -> dict[str, Any]:
    """One grant row; UnknownEntityError if absent."""
    return one(select(grants).where(grants.c.grant_id == grant_id),
               f"no grant {grant_id!r} (see `shucang grants list`)")


def require_live(grant_id: str, at: dt.datetime | None = None) -> dict[str, Any]:
    """The grant if it is active and inside its validity now; GrantNotActiveError otherwise."""
    return check_live(get_grant(grant_id), at)


def check_live(g: dict[str, Any], at: dt.datetime | None = None) -> dict[str, Any]:
    """The grant row `g` if it is active and inside its validity at `at` (default now);
    GrantNotActiveError otherwise."""
    grant_id = g["grant_id"]
    at = at or now()
    if g["status"] != Status.active:
        raise GrantNotActiveError(
            f"grant {grant_id} is {g['status']}"
            + (f" ({g['end_reason']})" if g["end_reason"] else "")
            + ": access refused"
        )
    if at < aware(g["valid_from"]):
        raise GrantNotActiveError(f"grant {grant_id} is valid only from {g['valid_from']}")
    if at >= aware(g["valid_to"]):
        raise GrantNotActiveError(f"grant {grant_id} ended at {g['valid_to']}: access refused")
    return g
