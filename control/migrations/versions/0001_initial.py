"""The control plane's tables as `metadata.create_all` made them before migrations: the ledger,
access, quality and address review tables.

A database made by `create_all` has no version table; upgrading it runs this revision, which
creates only the tables it lacks (a process creates the tables of the owners it had imported, so
such a database may hold some and not others) and leaves existing ones and their rows alone.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# parents before children (foreign keys)
TABLES = ("access_audit", "access_orgs", "address_aliases", "address_reviews", "loads",
          "quality_gates", "quality_loads", "quality_metrics", "access_users", "landed_files",
          "access_requests", "access_tokens", "access_grants", "access_transitions")


def _table(name: str, *elements: sa.schema.SchemaItem, indexed: tuple[str, ...] = ()) -> None:
    """Create table `name` and its single-column indexes unless the database has it already."""
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *elements)
    for column in indexed:
        op.create_index(op.f(f"ix_{name}_{column}"), name, [column], unique=False)


def upgrade() -> None:
    _table("access_audit",
           sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
           sa.Column("at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("actor", sa.String(length=64), nullable=False),
           sa.Column("org_id", sa.String(length=64), nullable=True),
           sa.Column("grant_id", sa.String(length=32), nullable=True),
           sa.Column("purpose", sa.Text(), nullable=True),
           sa.Column("action", sa.String(length=20), nullable=False),
           sa.Column("outcome", sa.String(length=20), nullable=False),
           sa.Column("statement", sa.Text(), nullable=True),
           sa.Column("rewritten", sa.Text(), nullable=True),
           sa.Column("rows", sa.BigInteger(), nullable=True),
           sa.Column("duration_ms", sa.Float(), nullable=True),
           sa.Column("artifact_sha256", sa.String(length=64), nullable=True),
           sa.Column("reason", sa.Text(), nullable=True),
           sa.PrimaryKeyConstraint("id"),
           indexed=("at", "grant_id"))
    _table("access_orgs",
           sa.Column("org_id", sa.String(length=64), nullable=False),
           sa.Column("name", sa.String(length=200), nullable=False),
           sa.Column("kind", sa.String(length=20), nullable=False),
           sa.Column("division_code", sa.String(length=12), nullable=True),
           sa.Column("department", sa.String(length=200), nullable=True),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           sa.PrimaryKeyConstraint("org_id"))
    _table("address_aliases",
           sa.Column("spelling", sa.String(length=200), nullable=False),
           sa.Column("estate_code", sa.String(length=26), nullable=False),
           sa.Column("source", sa.String(length=40), nullable=False),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           sa.PrimaryKeyConstraint("spelling"))
    _table("address_reviews",
           sa.Column("review_id", sa.Integer(), autoincrement=True, nullable=False),
           sa.Column("spelling", sa.String(length=200), nullable=False),
           sa.Column("example", sa.Text(), nullable=False),
           sa.Column("registry_version", sa.Integer(), nullable=False),
           sa.Column("candidates", sa.Text(), nullable=False),
           sa.Column("status", sa.String(length=12), nullable=False),
           sa.Column("chosen_code", sa.String(length=26), nullable=True),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("decided_by", sa.String(length=80), nullable=True),
           sa.PrimaryKeyConstraint("review_id"),
           sa.UniqueConstraint("spelling"))
    _table("loads",
           sa.Column("load_id", sa.String(length=40), nullable=False),
           sa.Column("dataset", sa.String(length=80), nullable=False),
           sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("files", sa.Integer(), nullable=False),
           sa.Column("bytes", sa.BigInteger(), nullable=False),
           sa.Column("encoding", sa.String(length=20), nullable=True),
           sa.Column("rows_in", sa.BigInteger(), nullable=True),
           sa.Column("rows_published", sa.BigInteger(), nullable=True),
           sa.Column("rows_quarantined", sa.BigInteger(), nullable=True),
           sa.Column("blank_lines", sa.BigInteger(), nullable=True),
           sa.Column("files_rejected", sa.Integer(), nullable=True),
           sa.Column("snapshot_id", sa.String(length=40), nullable=True),
           sa.Column("reason", sa.Text(), nullable=True),
           sa.PrimaryKeyConstraint("load_id"),
           indexed=("dataset",))
    _table("quality_gates",
           sa.Column("load_id", sa.String(length=40), nullable=False),
           sa.Column("name", sa.String(length=80), nullable=False),
           sa.Column("dataset", sa.String(length=80), nullable=False),
           sa.Column("passed", sa.Boolean(), nullable=False),
           sa.Column("observed", sa.Text(), nullable=True),
           sa.Column("expected", sa.Text(), nullable=True),
           sa.Column("message", sa.Text(), nullable=False),
           sa.PrimaryKeyConstraint("load_id", "name"),
           indexed=("dataset",))
    _table("quality_loads",
           sa.Column("load_id", sa.String(length=40), nullable=False),
           sa.Column("dataset", sa.String(length=80), nullable=False),
           sa.Column("validated_at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("rows", sa.BigInteger(), nullable=False),
           sa.Column("failing_rows", sa.BigInteger(), nullable=False),
           sa.Column("failures", sa.BigInteger(), nullable=False),
           sa.Column("score", sa.Float(), nullable=False),
           sa.Column("passed", sa.Boolean(), nullable=False),
           sa.Column("suite", sa.String(length=120), nullable=False),
           sa.Column("result_path", sa.Text(), nullable=False),
           sa.PrimaryKeyConstraint("load_id"),
           indexed=("dataset",))
    _table("quality_metrics",
           sa.Column("load_id", sa.String(length=40), nullable=False),
           sa.Column("metric", sa.String(length=40), nullable=False),
           sa.Column("column_name", sa.String(length=80), nullable=False),
           sa.Column("dataset", sa.String(length=80), nullable=False),
           sa.Column("value", sa.Float(), nullable=False),
           sa.PrimaryKeyConstraint("load_id", "metric", "column_name"),
           indexed=("dataset",))
    _table("access_users",
           sa.Column("user_id", sa.String(length=64), nullable=False),
           sa.Column("name", sa.String(length=200), nullable=False),
           sa.Column("org_id", sa.String(length=64), nullable=False),
           sa.Column("role", sa.String(length=20), nullable=False),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           sa.ForeignKeyConstraint(["org_id"], ["access_orgs.org_id"]),
           sa.PrimaryKeyConstraint("user_id"),
           indexed=("org_id",))
    _table("landed_files",
           sa.Column("sha256", sa.String(length=64), nullable=False),
           sa.Column("dataset", sa.String(length=80), nullable=False),
           sa.Column("load_id", sa.String(length=40), nullable=False),
           sa.Column("source", sa.Text(), nullable=False),
           sa.Column("landed_path", sa.Text(), nullable=False),
           sa.Column("bytes", sa.BigInteger(), nullable=False),
           sa.Column("landed_at", sa.DateTime(timezone=True), nullable=False),
           sa.ForeignKeyConstraint(["load_id"], ["loads.load_id"]),
           sa.PrimaryKeyConstraint("sha256", "dataset"),
           indexed=("load_id",))
    _table("access_requests",
           sa.Column("request_id", sa.String(length=32), nullable=False),
           sa.Column("requester", sa.String(length=64), nullable=False),
           sa.Column("org_id", sa.String(length=64), nullable=False),
           sa.Column("purpose", sa.Text(), nullable=False),
           sa.Column("scenario", sa.Text(), nullable=False),
           sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("requested", sa.JSON(), nullable=False),
           sa.Column("decisions", sa.JSON(), nullable=False),
           sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("stage_since", sa.DateTime(timezone=True), nullable=False),
           sa.ForeignKeyConstraint(["org_id"], ["access_orgs.org_id"]),
           sa.ForeignKeyConstraint(["requester"], ["access_users.user_id"]),
           sa.PrimaryKeyConstraint("request_id"),
           indexed=("org_id", "status"))
    _table("access_tokens",
           sa.Column("token_id", sa.String(length=32), nullable=False),
           sa.Column("user_id", sa.String(length=64), nullable=False),
           sa.Column("token_sha256", sa.String(length=64), nullable=False),
           sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
           sa.ForeignKeyConstraint(["user_id"], ["access_users.user_id"]),
           sa.PrimaryKeyConstraint("token_id"),
           sa.UniqueConstraint("token_sha256"),
           indexed=("user_id",))
    _table("access_grants",
           sa.Column("grant_id", sa.String(length=32), nullable=False),
           sa.Column("request_id", sa.String(length=32), nullable=False),
           sa.Column("org_id", sa.String(length=64), nullable=False),
           sa.Column("purpose", sa.Text(), nullable=False),
           sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("granted", sa.JSON(), nullable=False),
           sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
           sa.Column("valid_to", sa.DateTime(timezone=True), nullable=False),
           sa.Column("artifact_sha256", sa.String(length=64), nullable=True),
           sa.Column("artifact_built_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("source_snapshots", sa.JSON(), nullable=True),
           sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("end_reason", sa.Text(), nullable=True),
           sa.ForeignKeyConstraint(["org_id"], ["access_orgs.org_id"]),
           sa.ForeignKeyConstraint(["request_id"], ["access_requests.request_id"]),
           sa.PrimaryKeyConstraint("grant_id"),
           sa.UniqueConstraint("request_id"),
           indexed=("org_id", "status"))
    _table("access_transitions",
           sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
           sa.Column("request_id", sa.String(length=32), nullable=False),
           sa.Column("from_status", sa.String(length=20), nullable=True),
           sa.Column("to_status", sa.String(length=20), nullable=False),
           sa.Column("actor", sa.String(length=64), nullable=False),
           sa.Column("at", sa.DateTime(timezone=True), nullable=False),
           sa.Column("note", sa.Text(), nullable=True),
           sa.ForeignKeyConstraint(["request_id"], ["access_requests.request_id"]),
           sa.PrimaryKeyConstraint("id"),
           indexed=("request_id",))


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
