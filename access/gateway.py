"""The SQL gateway: runs one analyst SELECT against one live grant, checked and rewritten by
access.sqlguard, in a worker process (access.workers: address-space limit, killed on timeout) on a
locked in-memory DuckDB database that can read only the grant's artifact files (access.locked).
Every attempt, allowed or refused, is audited once. Also serves exports/downloads of a grant's datasets."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import select

from access import audit, locked, workers
from access.artifacts import files_of, verified_manifest
from access.db import engine
from access.errors import (
    AccessError,
    AuthenticationError,
    PermissionDenied,
    QueryFailed,
    ScopeError,
    UnknownEntityError,
)
from access.excel_csv import excel_csv
from access.grants import check_live, get_grant
from access.models import grants, users
from access.orgs import authenticate as get_user_by_token
from access.orgs import get_user
from access.sqlguard import Relation, Rewritten, rewrite
from access.suppression import STATISTICS_MARK
from foundation import settings as config
from foundation.settings import settings
from foundation.sql import ident, literal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryResult:
    """What a gateway query returned and what was executed."""

    table: pa.Table
    rewritten: Rewritten
    duration_ms: float


def relations(grant_id: str, manifest: Mapping[str, Any]) -> dict[str, Relation]:
    """Each granted dataset as a relation: its granted columns over its artifact files, with the
    grant's row scope applied again where its column is granted (defence in depth: the artifact
    was cut to it already, and holds no column that was not granted)."""
    out = {}
    for dataset, entry in manifest["datasets"].items():
        scope = manifest["scope"]["datasets"][dataset]
        types = {c["name"]: c["type"] for c in entry["schema"]}
        visible = {c: types[c] for c in scope["columns"]}
        files = tuple(str(p) for p in files_of(grant_id, manifest, dataset))
        where = " AND ".join(
            f"{ident(k)} = {literal(v)}" for k, v in scope["rows"].items()
            if str(v).isdigit() and k in visible
        )
        paths = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        sql = f"SELECT {', '.join(ident(c) for c in visible)} FROM read_parquet([{paths}])" + (
            f" WHERE {where}" if where else ""
        )
        out[dataset] = Relation(columns=visible, source_sql=sql, files=files)
    return out


def spill_root() -> Path:
    """SHUCANG_HOME/gateway_spill/: one empty folder per locked database for DuckDB's spill files
    (DuckDB always allows its temp directory, so it must not be a shared one like ./.tmp)."""
    return settings().home / "gateway_spill"


def memory_limit() -> str:
    """DuckDB memory limit of a gateway statement (SHUCANG_GATEWAY_MEMORY)."""
    return config.value("SHUCANG_GATEWAY_MEMORY") or "2GB"


def address_space() -> int:
    """Bytes of address space a gateway worker may map (SHUCANG_GATEWAY_ADDRESS_SPACE, default
    the memory limit plus what the interpreter and libraries map)."""
    explicit = config.value("SHUCANG_GATEWAY_ADDRESS_SPACE")
    if explicit:
        return workers.size_bytes(explicit)
    return workers.size_bytes(memory_limit()) + workers.OVERHEAD_BYTES


def locked_connection(files: list[str]) -> duckdb.DuckDBPyConnection:
    """A cursor on this process's locked database for exactly `files` (CSV exports)."""
    return locked.connection(files, memory_limit(), spill_root())


def _grant_for(grant_id: str, actor: str) -> tuple[dict[str, Any], dict[str, Any]]:
    # the grant and the actor's organization in one round trip: this is every query's fixed cost
    with engine().connect() as c:
        row = c.execute(select(grants, users.c.org_id.label("actor_org_id"))
                        .select_from(grants.join(users, users.c.user_id == actor))
                        .where(grants.c.grant_id == grant_id)).mappings().first()
    if row is None:  # the grant or the user is unknown: the lookups say which
        get_grant(grant_id)
        get_user(actor)
        raise UnknownEntityError(f"no grant {grant_id!r} or no user {actor!r}")
    actor_org = row["actor_org_id"]
    grant = check_live({k: v for k, v in row.items() if k != "actor_org_id"})
    if actor_org != grant["org_id"]:
        raise PermissionDenied(
            f"grant {grant_id} belongs to {grant['org_id']}; user {actor} is of {actor_org}"
        )
    return grant, verified_manifest(grant_id, grant)


def timeout_s() -> float:
    """Seconds a gateway statement may run before it is interrupted (SHUCANG_GATEWAY_TIMEOUT)."""
    return config.number("SHUCANG_GATEWAY_TIMEOUT") or 300.0


_pool: workers.Pool | None = None
_pool_lock = threading.Lock()


def pool() -> workers.Pool:
    """The process's gateway worker pool (SHUCANG_GATEWAY_WORKERS workers, started on demand)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = workers.Pool(int(config.number("SHUCANG_GATEWAY_WORKERS") or 2))
        return _pool


def _execute(sql: str, files: list[str], meanwhile: Callable[[], object] | None = None) -> pa.Table:
    job = workers.Job(sql, tuple(files), memory_limit(), spill_root())
    return pool().run(job, timeout_s(), address_space(), meanwhile)


def authenticated(secret: str, action: str, grant_id: str | None = None) -> str:
    """The user id a token belongs to, when it may read `grant_id` (an app token reads only the
    grants it is bound to); a failed attempt is audited (actor `token:<token id>`, the part of the
    token that is not secret) and AuthenticationError raised."""
    try:
        user = get_user_by_token(secret)
        bound = user["token_grants"]
        if bound is not None and grant_id not in bound:
            raise AuthenticationError(f"token {user['token_id']} is bound to grant(s)"
                                      f" {', '.join(bound)}, not {grant_id}")
        return str(user["user_id"])
    except AuthenticationError as e:
        parts = secret.split("_")
        hint = parts[1] if len(parts) > 2 and parts[0] == "sct" else "?"
        audit.record(f"token:{hint}", action, "refused", grant_id=grant_id, reason=str(e))
        raise


@dataclass
class _Attempt:
    """What an audited attempt learnt on its way (filled in by the caller as it goes)."""

    grant: dict[str, Any] = field(default_factory=dict)
    rewritten: str | None = None
    rows: int | None = None
    opened: int | None = None  # the audit row opened while the statement runs


@contextlib.contextmanager
def _audited(actor: str, action: str, grant_id: str, statement: str) -> Iterator[_Attempt]:
    """Record exactly one audit row for the attempt in the block, whatever it raises: an
    AccessError is recorded and re-raised; anything else is recorded and raised as QueryFailed
    (a clear refusal, never a traceback or an HTTP 500)."""
    start = time.perf_counter()
    attempt = _Attempt()

    def record(outcome: str, reason: str | None) -> None:
        g = attempt.grant
        known: dict[str, Any] = {"org_id": g.get("org_id"), "purpose": g.get("purpose"),
                 "rewritten": attempt.rewritten, "rows": attempt.rows,
                 "duration_ms": (time.perf_counter() - start) * 1000, "reason": reason,
                 "artifact_sha256": g.get("artifact_sha256") if outcome == "ok" else None}
        if attempt.opened is None:
            audit.record(actor, action, outcome, grant_id=grant_id, statement=statement, **known)
        else:
            audit.finish(attempt.opened, outcome, **known)

    try:
        yield attempt
    except AccessError as e:
        record("error" if isinstance(e, QueryFailed) else "refused", str(e))
        raise
    except Exception as e:
        log.exception("gateway %s on grant %s failed unexpectedly", action, grant_id)
        record("error", f"{type(e).__name__}: {e}")
        raise QueryFailed(f"the gateway could not answer ({type(e).__name__}); the attempt is"
                          " audited, tell the data bureau if it persists") from None
    record("ok", None)


def query(grant_id: str, sql: str, actor: str) -> QueryResult:
    """Run one SELECT under a live grant as `actor`; every attempt is audited once, refusals and
    failures raise an AccessError."""
    start = time.perf_counter()
    with _audited(actor, "query", grant_id, sql) as attempt:
        attempt.grant, manifest = _grant_for(grant_id, actor)
        rels = relations(grant_id, manifest)
        rewritten = rewrite(sql, rels, statistics=STATISTICS_MARK in attempt.grant["purpose"])
        attempt.rewritten = rewritten.sql

        def open_row() -> None:  # durable before any row is delivered, written while it runs
            attempt.opened = audit.begin(
                actor, "query", grant_id=grant_id, org_id=attempt.grant["org_id"],
                purpose=attempt.grant["purpose"], statement=sql, rewritten=rewritten.sql)

        table = _execute(rewritten.sql, [f for r in rels.values() for f in r.files], open_row)
        attempt.rows = table.num_rows
    return QueryResult(table, rewritten, (time.perf_counter() - start) * 1000)


def file_action(fmt: str) -> str:
    """The audit action of fetching a file in `fmt`: a download (Parquet) or an export."""
    return "download" if fmt == "parquet" else "export"


def download(grant_id: str, dataset: str, actor: str, fmt: str = "parquet",
             titles: Mapping[str, str] | None = None) -> tuple[bytes, str]:
    """A granted dataset's artifact as Parquet bytes (ids as column names) or spreadsheet CSV
    (`access.excel_csv`, with `titles` as its header when given), with a file name; audited as a
    download (Parquet) or export (CSV)."""
    with _audited(actor, file_action(fmt), grant_id, f"{dataset}.{fmt}") as attempt:
        attempt.grant, manifest = _grant_for(grant_id, actor)
        if fmt not in ("parquet", "csv"):
            raise ScopeError(f"format {fmt!r}: choose parquet or csv")
        if dataset not in manifest["datasets"]:
            raise ScopeError(
                f"grant {grant_id} has no data for {dataset!r}; it holds "
                f"{', '.join(manifest['datasets']) or 'nothing yet'}"
            )
        if fmt == "parquet":
            # the artifact file holds exactly the granted columns (see artifacts.select_sql)
            body = Path(files_of(grant_id, manifest, dataset)[0]).read_bytes()
            attempt.rows = manifest["datasets"][dataset]["rows"]
        else:
            rel = relations(grant_id, manifest)[dataset]
            con = locked_connection(list(rel.files))
            try:
                table = con.sql(rel.source_sql).to_arrow_table()
            finally:
                con.close()
            body, attempt.rows = excel_csv(table, titles), table.num_rows
    return body, f"{grant_id}-{dataset}.{fmt}"
