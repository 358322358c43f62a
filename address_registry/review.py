"""The review queue for ambiguous or weak address matches, and the aliases accepted reviews create.

A match that is ambiguous (two estates fit) or weak (a fuzzy name below the acceptance score) is
never guessed: the matcher returns the safe shallower level and queues the estate spelling here
with its candidates and scores. Accepting a review records the spelling as an alias of the chosen
estate, which the matcher uses from then on. Tables live in the control plane (SQLite or
PostgreSQL through `control.db`); this module owns them and nothing else."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from control.db import engine, metadata

address_reviews = Table(
    "address_reviews",
    metadata,
    Column("review_id", Integer, primary_key=True, autoincrement=True),
    Column("spelling", String(200), nullable=False, unique=True),  # the estate text to resolve
    Column("example", Text, nullable=False),  # one full address that contained it
    Column("registry_version", Integer, nullable=False),
    Column("candidates", Text, nullable=False),  # JSON [{estate_code, name, score}]
    Column("status", String(12), nullable=False, default="pending"),  # pending|accepted|rejected
    Column("chosen_code", String(26)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(80)),
)

address_aliases = Table(
    "address_aliases",
    metadata,
    Column("spelling", String(200), primary_key=True),
    Column("estate_code", String(26), nullable=False),
    Column("source", String(40), nullable=False),  # review:<id>
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class ReviewError(LookupError):
    """A review id or chosen code that does not exist or was already decided."""


@dataclass(frozen=True)
class Review:
    """One queued review with its candidates, best first."""

    review_id: int
    spelling: str
    example: str
    registry_version: int
    candidates: list[dict[str, object]]
    status: str
    chosen_code: str | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enqueue(items: list[tuple[str, str, list[dict[str, object]]]], registry_version: int) -> int:
    """Queue (spelling, example address, candidates) not queued before; returns how many."""
    if not items:
        return 0
    eng = engine()
    wanted = {spelling: (example, cands) for spelling, example, cands in items}
    with eng.begin() as conn:
        known = set(conn.execute(select(address_reviews.c.spelling).where(
            address_reviews.c.spelling.in_(list(wanted)))).scalars())
        rows = [{"spelling": s, "example": ex[:500], "registry_version": registry_version,
                 "candidates": json.dumps(c, ensure_ascii=False), "status": "pending",
                 "created_at": _now()} for s, (ex, c) in wanted.items() if s not in known]
        if rows:
            conn.execute(insert(address_reviews), rows)
    return len(rows)


def pending(limit: int = 50) -> list[Review]:
    """Pending reviews, oldest first."""
    with engine().connect() as conn:
        rows = conn.execute(select(address_reviews).where(address_reviews.c.status == "pending")
                            .order_by(address_reviews.c.review_id).limit(limit)).mappings().all()
    return [Review(r["review_id"], r["spelling"], r["example"], r["registry_version"],
                   json.loads(r["candidates"]), r["status"], r["chosen_code"]) for r in rows]


def decide(review_id: int, accept: bool, code: str | None = None, by: str = "cli") -> Review:
    """Accept (with `code`, default the top candidate) or reject a pending review. Accepting
    records the spelling as an alias of the chosen estate."""
    eng = engine()
    with eng.begin() as conn:
        row = conn.execute(select(address_reviews).where(
            address_reviews.c.review_id == review_id)).mappings().first()
        if row is None or row["status"] != "pending":
            state = "does not exist" if row is None else f"is already {row['status']}"
            raise ReviewError(f"review {review_id} {state}; list open ones with "
                              "`shucang registry review`")
        candidates = json.loads(row["candidates"])
        chosen = None
        if accept:
            chosen = code or candidates[0]["estate_code"]
            if chosen not in {c["estate_code"] for c in candidates} and code is None:
                raise ReviewError(f"review {review_id}: {chosen} is not a candidate")
            conn.execute(insert(address_aliases).values(
                spelling=row["spelling"], estate_code=chosen, source=f"review:{review_id}",
                created_at=_now()))
        conn.execute(update(address_reviews).where(address_reviews.c.review_id == review_id)
                     .values(status="accepted" if accept else "rejected", chosen_code=chosen,
                             decided_at=_now(), decided_by=by))
    return Review(review_id, row["spelling"], row["example"], row["registry_version"],
                  candidates, "accepted" if accept else "rejected", chosen)


_ALIAS_COUNT = select(func.count()).select_from(address_aliases)


def alias_generation() -> int:
    """Changes when a review is accepted, so matchers know to reload (one cheap query)."""
    with engine().connect() as conn:
        return int(conn.execute(_ALIAS_COUNT).scalar_one())


def aliases() -> tuple[int, dict[str, str]]:
    """(generation, spelling -> estate code) of every accepted alias."""
    with engine().connect() as conn:
        rows = conn.execute(select(address_aliases.c.spelling,
                                   address_aliases.c.estate_code)).all()
        generation = conn.execute(select(func.count()).select_from(address_aliases)).scalar_one()
    return int(generation), {s: c for s, c in rows}
