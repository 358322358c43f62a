"""Control-plane tables of the access package, declared on `control.db.metadata` (registered in
control/tables.py). Only declarations live here; the workflow, orgs and audit modules change rows.
Every table is prefixed `access_` so it cannot collide with another owner's table."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from control.db import metadata

orgs = Table(
    "access_orgs",
    metadata,
    Column("org_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # bureau|department|street|community|app
    Column("division_code", String(12)),  # 9-digit street / 12-digit community NBS code
    Column("department", String(200)),  # the contract `owner` text this org decides for
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "access_users",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("org_id", String(64), ForeignKey("access_orgs.org_id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),  # requester|reviewer|analyst|admin
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tokens = Table(
    "access_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("user_id", String(64), ForeignKey("access_users.user_id"), nullable=False, index=True),
    Column("token_sha256", String(64), nullable=False, unique=True),  # the secret is never stored
    Column("grant_ids", JSON),  # an app token reads only these grants, by API; None: a person's
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

sessions = Table(
    "access_sessions",
    metadata,
    Column("session_sha256", String(64), primary_key=True),  # the cookie value is never stored
    Column("user_id", String(64), ForeignKey("access_users.user_id"), nullable=False, index=True),
    Column("token_id", String(32), index=True),  # the app token it was opened with, if any
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

accounts = Table(
    "access_accounts",
    metadata,
    Column("user_id", String(64), ForeignKey("access_users.user_id"), primary_key=True),
    Column("password_argon2", String(200)),  # argon2id PHC string; None: OpenID Connect only
    Column("must_change", Boolean, nullable=False),  # set by a bureau create/reset
    Column("failed_attempts", Integer, nullable=False),  # consecutive, reset on success
    Column("locked_until", DateTime(timezone=True)),
    Column("password_set_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

signin_failures = Table(
    "access_signin_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_sha256", String(64), nullable=False, index=True),  # the address is not stored
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

oidc_logins = Table(
    "access_oidc_logins",
    metadata,
    Column("state_sha256", String(64), primary_key=True),  # one pending sign-in, used once
    Column("presession_sha256", String(64), nullable=False),  # the browser that started it
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),  # PKCE
    Column("redirect_uri", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

requests = Table(
    "access_requests",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("requester", String(64), ForeignKey("access_users.user_id"), nullable=False),
    Column("org_id", String(64), ForeignKey("access_orgs.org_id"), nullable=False, index=True),
    Column("purpose", Text, nullable=False),
    Column("scenario", Text, nullable=False),
    Column("status", String(20), nullable=False, index=True),  # see workflow.Status
    Column("requested", JSON, nullable=False),  # scope as asked (see scope.Scope)
    Column("decisions", JSON, nullable=False),  # per dataset owner decision, filled in review
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("stage_since", DateTime(timezone=True), nullable=False),  # entry into current status
)

grants = Table(
    "access_grants",
    metadata,
    Column("grant_id", String(32), primary_key=True),
    Column(
        "request_id",
        String(32),
        ForeignKey("access_requests.request_id"),
        nullable=False,
        unique=True,
    ),
    Column("org_id", String(64), ForeignKey("access_orgs.org_id"), nullable=False, index=True),
    Column("purpose", Text, nullable=False),
    Column("status", String(20), nullable=False, index=True),  # active|expired|revoked
    Column("granted", JSON, nullable=False),  # scope as granted, beside the request's `requested`
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_to", DateTime(timezone=True), nullable=False),
    Column("artifact_sha256", String(64)),  # sha256 of the signed artifact manifest
    Column("artifact_built_at", DateTime(timezone=True)),
    Column("source_snapshots", JSON),  # dataset -> snapshot_id the artifact was built from
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", Text),
)

transitions = Table(
    "access_transitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "request_id",
        String(32),
        ForeignKey("access_requests.request_id"),
        nullable=False,
        index=True,
    ),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

audit = Table(
    "access_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("org_id", String(64)),
    Column("grant_id", String(32), index=True),
    Column("purpose", Text),
    Column("action", String(20), nullable=False),  # query|export|download|refused
    Column("outcome", String(20), nullable=False),  # ok|refused|error
    Column("statement", Text),  # the SQL as submitted, or the file downloaded
    Column("rewritten", Text),  # the SQL actually executed
    Column("rows", BigInteger),
    Column("duration_ms", Float),
    Column("artifact_sha256", String(64)),
    Column("reason", Text),
)
